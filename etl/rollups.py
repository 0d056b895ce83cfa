"""Counts over every event of a store, written into its database with each snapshot: how many
events each place is the place of or is named by, and how many events made each origin ->
destination move. The dashboard's unfiltered views (the sidebar's countries and busiest places,
a large map's most travelled movements) read them instead of counting a million events, which a
fresh server otherwise does while its first visitor waits. Filtered views count the events their
filters choose with the same SQL (`place_counts_sql`, `movement_counts_sql`), so both give the
same answer (tested)."""
from __future__ import annotations

import duckdb

PLACE_COUNTS = "place_counts"
MOVEMENT_COUNTS = "movement_counts"
TABLES = (PLACE_COUNTS, MOVEMENT_COUNTS)

# Every event, as the counts below take their chosen events: a SELECT of event_id, event_type, place_id.
EVERY_EVENT = "SELECT e.event_id, e.event_type, e.place_id FROM events e"


def place_counts_sql(chosen: str) -> str:
    """place_id, located, n: the chosen events each place is the place of, and those plus the ones
    naming it elsewhere (each once); counted apart and added, which spares a distinct over every
    (place, event) pair."""
    return f"""
        WITH chosen AS ({chosen}),
        named AS (
            SELECT DISTINCT ep.place_id, ep.event_id FROM event_places ep JOIN chosen c USING (event_id)
            WHERE ep.place_id <> '' AND ep.place_id IS DISTINCT FROM c.place_id
        ), counts AS (
            SELECT place_id, count(*) AS located, 0 AS named FROM chosen WHERE place_id <> '' GROUP BY place_id
            UNION ALL SELECT place_id, 0, count(*) FROM named GROUP BY place_id
        )
        SELECT place_id, sum(located) AS located, sum(located + named) AS n FROM counts GROUP BY place_id"""


def paths_sql(chosen: str) -> str:
    """Event id, type, origin and destination place ids of every move of the chosen events (both
    places in the store, and not the same)."""
    return f"""
        WITH chosen AS ({chosen}),
        moving AS (  -- only events that name a destination can move
            SELECT c.event_id, c.event_type, c.place_id, d.place_id AS destination_id
            FROM chosen c JOIN event_places d ON d.event_id = c.event_id AND d.role = 'destination'
        ),
        named_origins AS (
            SELECT ep.event_id, min(ep.place_id) AS place_id FROM event_places ep
            WHERE ep.role = 'origin' AND ep.event_id IN (SELECT event_id FROM moving) GROUP BY ep.event_id
        ),
        paths AS (
            SELECT m.event_id, m.event_type, coalesce(n.place_id, nullif(m.place_id, '')) AS origin_id, m.destination_id
            FROM moving m LEFT JOIN named_origins n USING (event_id)
        )
        SELECT * FROM paths
        WHERE origin_id <> destination_id AND origin_id IN (SELECT place_id FROM places)
          AND destination_id IN (SELECT place_id FROM places)"""


def movement_counts_sql(chosen: str) -> str:
    """origin_id, destination_id, n: how many chosen events made each move, with the first of them
    (the smallest id) and its type."""
    return f"""
        WITH paths AS ({paths_sql(chosen)})
        SELECT origin_id, destination_id, min(event_id) AS event_id,
               arg_min_null(event_type, event_id) AS event_type, count(*) AS n
        FROM paths GROUP BY origin_id, destination_id"""


def write(db: duckdb.DuckDBPyConnection) -> None:
    """(Re)make the counts from the database's events, after its tables are written or patched."""
    db.execute(f"CREATE OR REPLACE TABLE {PLACE_COUNTS} AS {place_counts_sql(EVERY_EVENT)}")
    db.execute(f"CREATE OR REPLACE TABLE {MOVEMENT_COUNTS} AS {movement_counts_sql(EVERY_EVENT)}")
