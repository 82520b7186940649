#!/usr/bin/env bash
# Set up (first time) and run the dashboard on its built-in default data.
# Usage: bash scripts/run.sh [--server.port N] [-- --db PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_python.sh
# The conduct model's suggestions (Narratives page): trained once from the labelled sets
# (~10 s; python -m analysis.classify.model train to retrain). Without it, rules only.
if [ ! -f data/models/conduct_model.npz ] && [ -z "${COLLECTION_WATCH_MODEL:-}" ]; then
  .venv/bin/python -m analysis.classify.model train 2>/dev/null || echo "conduct model not trained: rules only" >&2
fi
exec .venv/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
