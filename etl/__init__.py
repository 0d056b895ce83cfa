"""ETL: raw news articles -> dated, placed, typed events in a queryable store."""
