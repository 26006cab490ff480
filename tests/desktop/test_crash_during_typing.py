"""A kill -9 in the middle of typing loses at most the last 2 seconds and never the library."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from core.store import open_library
from core.store.manuscript import add_chapter, add_scene, create_book, get_scene
from desktop.tools.typing_drill import ENV_VAR, word

MAX_LOSS_SECONDS = 2.0


def test_kill_9_mid_typing_loses_at_most_two_seconds(tmp_path: Path) -> None:
    library_path = tmp_path / "library"
    with open_library(library_path) as library, library.session() as s:
        book = create_book(session=s, title="Crash Test")
        chapter = add_chapter(session=s, book=book, title="One")
        scene_id = add_scene(session=s, chapter=chapter, title="Typed", text="Start. ").id

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{ENV_VAR: "40"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--library", str(library_path)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    typed: list[tuple[int, float]] = []
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("ready"), first
        assert first.split()[1] == scene_id
        deadline = time.monotonic() + 60
        # Type for a few seconds: several autosaves happen, one may be in flight at the kill.
        while len(typed) < 120 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("typed"):
                _, n, at = line.split()
                typed.append((int(n), float(at)))
        killed_at = time.time()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(30)
    assert len(typed) >= 120, "the app did not type"

    db = library_path / "library.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_library(library_path) as library, library.session() as s:
        text = get_scene(session=s, scene_id=scene_id).text
    assert text.startswith("Start. ")
    words = text[len("Start. ") :].split()
    # What was saved is exactly the first words typed, in order, nothing garbled ...
    assert words == [word(n) for n in range(1, len(words) + 1)]
    # ... and every word typed more than 2 s before the kill is among them.
    must_have = [n for n, at in typed if at < killed_at - MAX_LOSS_SECONDS]
    assert must_have, "typing was too short to judge"
    assert len(words) >= max(must_have)
