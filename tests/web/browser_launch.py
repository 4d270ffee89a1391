"""How the web tests launch Debian's chromium: the same settings as tests/report/test_browser.py.

Copied rather than imported because test packages are not importable from each other here.
Without chromium or Playwright the browser tests skip locally and FAIL when CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    message = f"{reason}; install it with scripts/install_browser.sh"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)
