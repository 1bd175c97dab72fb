"""How the browser tests and benchmarks start Chromium: Debian's package,
headless, with what this machine's closed network needs (no background
fetches, no component updates)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("POOLDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
