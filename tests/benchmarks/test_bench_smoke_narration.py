"""The narration benchmark runs on tiny data and prints its figure lines (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).with_name("bench_narration.py")


def test_bench_narration_small_prints_its_figures(aw_require: Any) -> None:
    aw_require("espeak-ng")
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--small"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in (
        "espeak-ng -w, one call:",
        "narrate to WAV, 1 worker:",
        "narrate to WAV, 2 workers:",
        "re-narrate after 1-para edit:",
        "M4B from cache (AAC encode):",
    ):
        assert label in out, out
    assert out.count(" ratio ") == 3
