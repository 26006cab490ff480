"""The search benchmark runs on tiny data and prints every figure with its target."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_search.py"
FIGURE_RE = re.compile(r"^(?P<name>search_[a-z_]+_ms): (?P<value>\d+\.\d+) \(target <= \d+\)$")


def test_bench_search_small_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    figures = {m.group("name") for line in done.stdout.splitlines() if (m := FIGURE_RE.match(line))}
    assert figures == {
        "search_plain_word_ms",
        "search_phrase_ms",
        "search_whole_word_case_ms",
        "search_regex_ms",
        "search_ui_max_stall_ms",
    }
    # Every query of the benchmark finds something, so the figures time real work.
    assert "-> 0 hits" not in done.stderr
