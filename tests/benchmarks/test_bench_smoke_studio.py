"""The studio benchmark runs on tiny data and prints every figure with its target."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_studio.py"
FIGURE_RE = re.compile(r"^(?P<name>[a-z0-9_]+_(?:s|mb)): (?P<value>\d+\.\d+) \(target <= [\d.]+\)$")


def test_bench_studio_small_prints_its_figures() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    figures = {m.group("name") for line in done.stdout.splitlines() if (m := FIGURE_RE.match(line))}
    assert figures == {
        "start_to_editable_s",
        "scene_switch_s",
        "keystroke_s",
        "event_loop_lag_max_s",
        "search_s",
        "rss_mb",
        "dictionary_load_ui_wait_s",
    }
