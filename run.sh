#!/usr/bin/env bash
# The dashboard on the bundled corpus (data/raw): sets up .venv on first use, builds or
# updates the store, and serves the app on http://localhost:8501. Extra arguments go
# to `streamlit run` (e.g. ./run.sh --server.port 8600). serve.py serves app.py and warms it up as it starts.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
# Incremental: builds the store the first time, later brings it up to date with the code and
# data/raw (nothing is re-extracted when nothing changed). A failed input does not stop the app.
.venv/bin/python -m etl run || [ $? -eq 1 ]
exec .venv/bin/python -m streamlit run serve.py "$@"
