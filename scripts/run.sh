#!/usr/bin/env bash
# Set up (first time) and run the dashboard on its built-in default data.
# Usage: bash scripts/run.sh [--server.port N] [-- --db PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_python.sh
exec .venv/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
