"""The export benchmark runs on tiny data and prints every figure it promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_export.py"


def test_bench_export_small_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for figure in (
        r"ours epub: \d+\.\d+ s",
        r"ours docx: \d+\.\d+ s",
        r"ours print pdf \(2,000 words, 6x9\): \d+\.\d+ s \(target <= 20 s\)",
        r"ours pdf of one 5,000-word chapter: \d+\.\d+ s",
    ):
        assert re.search(figure, out), out
    if shutil.which("pandoc"):
        assert re.search(r"ratio epub ours/pandoc: \d+\.\d+ \(target <= 0\.33\)", out), out
        assert re.search(r"ratio docx ours/pandoc: \d+\.\d+ \(target <= 0\.5\)", out), out
    else:
        assert "pandoc: not installed" in out
