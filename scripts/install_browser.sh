#!/usr/bin/env bash
# Installs what the browser and call tests need (tests marked `browser`, tests/calls):
#   - Debian's chromium package (the only browser we use; nothing is downloaded outside apt),
#   - Debian's espeak-ng (renders the scripted test calls to speech),
#   - the Python `playwright` package, pinned; its wheel bundles the driver it needs.
# It never runs `playwright install`: browsers must come from Debian's package, not from a CDN.
# Usage: scripts/install_browser.sh [PYTHON]   (default: .venv/bin/python next to this repo, else python3)
set -euo pipefail

PLAYWRIGHT_VERSION="1.65.2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${1:-}"
if [[ -z "$python" ]]; then
  if [[ -x "$here/.venv/bin/python" ]]; then python="$here/.venv/bin/python"; else python="python3"; fi
fi

if [[ ! -x /usr/bin/chromium ]]; then
  sudo_cmd=()
  if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi
  echo "install_browser: installing Debian's chromium" >&2
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium
else
  echo "install_browser: /usr/bin/chromium already present" >&2
fi

if ! command -v espeak-ng >/dev/null; then
  sudo_cmd=()
  if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi
  echo "install_browser: installing Debian's espeak-ng" >&2
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends espeak-ng
fi

if ! "$python" -c "import playwright, importlib.metadata as m; assert m.version('playwright') == '$PLAYWRIGHT_VERSION'" 2>/dev/null; then
  echo "install_browser: installing playwright==$PLAYWRIGHT_VERSION into $python" >&2
  "$python" -m pip install "playwright==$PLAYWRIGHT_VERSION"
fi

/usr/bin/chromium --version >&2
"$python" -c "import importlib.metadata as m; print('playwright', m.version('playwright'))" >&2
