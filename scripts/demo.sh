#!/usr/bin/env bash
# One command: set up, then run the whole flow on the bundled demo data (offline, no server).
# Writes fixfirst-demo/ (fixfirst.db, results.jsonl, report.html).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
.venv/bin/fixfirst demo --out fixfirst-demo "$@"
