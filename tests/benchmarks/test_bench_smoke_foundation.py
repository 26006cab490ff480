"""The foundation benchmark runs on tiny data and prints every figure with its target."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_foundation.py"
FIGURE_RE = re.compile(r"^(?P<name>[a-z0-9_]+_s): (?P<value>\d+\.\d+) \(target <= [\d.]+\)$")


def test_bench_foundation_small_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    figures = {m.group("name") for line in done.stdout.splitlines() if (m := FIGURE_RE.match(line))}
    assert figures == {
        "import_10k_words_s",
        "stats_s",
        "stats_cli_subprocess_s",
        "open_library_list_books_s",
    }
