#!/usr/bin/env bash
# One command: set up (dev tools, Debian's chromium, a throwaway PostgreSQL on loopback), then lint and
# run the whole test suite. CI runs exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --dev
bash scripts/install_browser.sh .venv/bin/python
eval "$(bash scripts/start_postgres.sh)"
export FIXFIRST_TEST_POSTGRES_URL
.venv/bin/ruff check fixfirst tests benchmarks scripts
.venv/bin/python -m pytest "$@"
