"""The command bar benchmark runs on small data and prints its figure lines (no timing is
asserted: the machine's load moves them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_bench_command_bar_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(HERE / "bench_command_bar.py"), "--small"],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stderr
    for line in ("offline resolution:", "do --dry-run, whole process:", "bar, one keystroke"):
        assert line in result.stdout
