"""The web studio benchmark runs on a few loads and keystrokes and prints its figure lines
(no timing is asserted: the machine's load moves them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures.plugin import missing_dependency
from tests.sync_server.web_studio import built_bundle

HERE = Path(__file__).parent


def test_bench_web_studio_prints_its_figures():
    built_bundle()
    if shutil.which("chromium") is None:
        missing_dependency("chromium is not installed (Debian: chromium)")
    result = subprocess.run(
        [sys.executable, str(HERE / "bench_web_studio.py"), "--strokes", "10", "--loads", "2"],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stderr
    for line in ("web studio bundle:", "scene page first load", "browser keystroke"):
        assert line in result.stdout
