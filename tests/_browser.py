"""The headless Chromium the browser tests drive: where it is, how it is launched, and the skip rule.

Debian's ``chromium`` package (``.ci/run`` installs it); ``THAADSIM_CHROMIUM`` names another binary.
The launch arguments keep it off the network and quiet (no sync, updates or background requests).
"""

import os
import shutil

import pytest

CHROMIUM = next((p for p in (os.environ.get("THAADSIM_CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser")) if p and os.path.exists(p)),
                None)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

requires_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium); "
                                       "the browser test needs a real browser")
