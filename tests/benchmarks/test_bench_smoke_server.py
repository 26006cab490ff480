"""The server-hardening benchmarks run on small data and print their figure lines (no timing
or memory figure is asserted: the machine's load moves them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(HERE / script), "--small"],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_bench_server_memory_prints_its_figures():
    out = _run("bench_server_memory.py")
    assert "server memory at idle:" in out
    assert "chunked pushes, anonymous: peak" in out and "401 Unauthorized" in out


def test_bench_slow_uploads_prints_its_figures():
    out = _run("bench_slow_uploads.py")
    assert "pulls with 10 slow uploads in flight: p50" in out and " 0 errors of 50" in out


def test_bench_collab_prints_its_figures():
    out = _run("bench_collab.py")
    assert "memory per idle room:" in out
    assert "clients in one room: keystroke to every other client p50" in out
    assert "joining a room (websocket open to first sync)" in out
    assert "two workers over Redis" in out or "two workers: skipped" in out
