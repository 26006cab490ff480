"""The imaging benchmark runs on tiny data and prints its figure lines (no timing checks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("bench_imaging.py")


def test_bench_imaging_small_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("cover render (") == 2
    assert "comic chapter: 4 pages" in out
    assert "trailer: 5.0 s of 1280x720 video" in out
