"""The review benchmark runs on small data and prints its figure lines (no timing is
asserted: the machine's load moves them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_bench_review_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(HERE / "bench_review.py"), "--small"],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stderr
    assert "open a 1,000-word scene with 20 comments and 50 suggestions" in result.stdout
    assert "keystroke among 50 suggestions" in result.stdout
    assert "keystroke in suggesting mode among" in result.stdout
    assert "studio keystroke in suggesting mode" in result.stdout
    assert "accept all" in result.stdout
