"""The sync benchmark runs on tiny data and prints its figure lines (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("bench_sync.py")


def test_bench_sync_small_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, timeout=110
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in (
        "shared with 12 members (A, B and 10 more, each invited and accepted)",
        "first sync into empty device B:",
        "one-scene edit round trip (push on A, pull on B): p50",
        "permission check (role of a member in the shared book): mean",
        "pull throughput with 10 concurrent member clients polling the shared book:",
    ):
        assert line in out, out
    assert " 0 errors)" in out, out
