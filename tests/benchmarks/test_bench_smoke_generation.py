"""The generation benchmark runs on tiny data and prints every figure with its target."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_generation.py"
FIGURE_RE = re.compile(r"^(?P<name>[a-z0-9_]+_ms): (?P<value>\d+\.\d+) \(target <= [\d.]+\)$")


def test_bench_generation_small_prints_its_figures() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("ANTHROPIC_API_KEY", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    figures = {m.group("name") for line in done.stdout.splitlines() if (m := FIGURE_RE.match(line))}
    assert figures == {"context_assembly_ms", "first_char_to_editor_ms"}
    assert "transport -> on_text callback" in done.stdout
