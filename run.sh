#!/usr/bin/env bash
# The dashboard on the bundled corpus (data/raw): sets up .venv on first use, builds the
# store if there is none, and serves the app on http://localhost:8501. Extra arguments go
# to `streamlit run` (e.g. ./run.sh --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
if [ ! -e "${TIMELINE_PROCESSED_DIR:-data/processed}/current" ]; then
  .venv/bin/python -m etl run
fi
exec .venv/bin/python -m streamlit run app.py "$@"
