#!/usr/bin/env bash
# Create .venv (Python 3.11) and install FixFirst with its pinned dependencies.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test tools: pytest, hypothesis, ruff, playwright, ...,
#                                   Ray and the call transcription extra, so both are tested too)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), "FixFirst needs Python 3.11"'
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
extras="[calls]"  # call recordings are transcribed offline (the demo includes two)
[[ "${1:-}" == "--dev" ]] && extras="[dev,ray,calls]"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
