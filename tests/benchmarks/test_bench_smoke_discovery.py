"""The discovery benchmark runs on a small catalogue and prints its figure lines (no timing
is asserted: the machine's load moves them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures.plugin import missing_dependency

HERE = Path(__file__).parent


def test_bench_discovery_prints_its_figures():
    import psycopg

    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        missing_dependency(f"PostgreSQL is not reachable ({exc})")
    result = subprocess.run(
        [sys.executable, str(HERE / "bench_discovery.py"), "--works", "300", "--queries", "20"],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stderr
    for line in ("search, three facets:", "chapter page, first byte:", "home page:", "mended"):
        assert line in result.stdout
