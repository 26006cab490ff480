"""Benchmark of AI generation: context assembly on a large library, streaming latency.

    python tests/benchmarks/bench_generation.py          # 1,000,000 words, 500 codex entries
    python tests/benchmarks/bench_generation.py --small  # a tiny library, for the smoke test

Prints one line per figure:
- context assembly for one scene (targets <= 50 ms), with the codex mention scan;
- the first streamed character reaching the editor after the transport delivers it
  (target <= 20 ms), through the real SDK, the worker thread and the Qt event loop;
  and the same without Qt (transport -> on_text callback).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_VOCAB_TEXT = (
    "the a and of to in was she he her his it that with as for on at by from light sea rock"
    " wind fog lamp stairs boat harbour keeper night morning cold salt rope glass door window"
    " said asked looked turned waited climbed listened remembered walked ran across under"
    " slowly quietly again never always before after long small dark bright old new"
)
VOCAB = tuple(_VOCAB_TEXT.split())


def build_library(
    root: Path, *, chapters: int, scenes: int, words: int, codex: int
) -> tuple[object, str]:
    from core.domain import Book, Chapter, Character, Location, LoreEntry, Scene
    from core.store import open_library

    rng = random.Random(7)
    lib = open_library(root / "library")
    names = [f"Name{i:03d} Surname{i:03d}" for i in range(codex)]
    with lib.session() as s:  # type: ignore[attr-defined]
        book = Book(
            title="Benchmark", author="Bench", metadata_={"style_notes": "Spare, close third."}
        )
        s.add(book)
        s.flush()
        kinds = (Character, Location, LoreEntry)
        for i, name in enumerate(names):
            model = kinds[i % 3]
            s.add(
                model(
                    book_id=book.id,
                    name=name,
                    aliases=[f"Alias{i:03d}"],
                    description=" ".join(rng.choice(VOCAB) for _ in range(60)),
                    pinned=i < 5,
                )
            )
        for c in range(chapters):
            chapter = Chapter(
                book_id=book.id,
                ordinal=c + 1,
                title=f"Chapter {c + 1}",
                synopsis=" ".join(rng.choice(VOCAB) for _ in range(40)),
            )
            s.add(chapter)
            s.flush()
            rows = []
            for n in range(scenes):
                body = [rng.choice(VOCAB) for _ in range(words)]
                for k in range(0, words, 150):  # a mention every 150 words
                    body[k] = f"Alias{rng.randrange(codex):03d}"
                paras = [" ".join(body[i : i + 100]) + "." for i in range(0, words, 100)]
                rows.append(
                    Scene(
                        chapter_id=chapter.id,
                        ordinal=n + 1,
                        title=f"Scene {n + 1}",
                        synopsis=" ".join(rng.choice(VOCAB) for _ in range(30)),
                        text="\n\n".join(paras),
                        word_count=words,
                    )
                )
            s.add_all(rows)
        s.flush()
        book_id = book.id
    return lib, book_id


def pick_scene(lib: object, book_id: str) -> str:
    from sqlalchemy import select

    from core.domain import Chapter, Scene

    with lib.session() as s:  # type: ignore[attr-defined]
        chapter_ids = list(
            s.scalars(
                select(Chapter.id).where(Chapter.book_id == book_id).order_by(Chapter.ordinal)
            )
        )
        chapter = chapter_ids[int(len(chapter_ids) * 0.8)]
        scene_ids = list(
            s.scalars(select(Scene.id).where(Scene.chapter_id == chapter).order_by(Scene.ordinal))
        )
        return scene_ids[len(scene_ids) // 2]


def bench_context(lib: object, scene_id: str, runs: int) -> None:
    from core.domain import Scene
    from core.generation.context import EditorState, assemble_context

    with lib.session() as s:  # type: ignore[attr-defined]
        text = s.get(Scene, scene_id).text
    editor = EditorState(text, len(text) // 2)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with lib.session() as s:  # type: ignore[attr-defined]
            ctx = assemble_context(s, scene_id=scene_id, action="continue", editor=editor)
        times.append((time.perf_counter() - t0) * 1000)
    mentioned = next(p for p in ctx.parts if p.label == "Codex entries mentioned")
    print(f"context_assembly_ms: {statistics.median(times):.2f} (target <= 50)")
    print(
        f"  median of {runs} runs; first (cold) {times[0]:.1f} ms, p90 {_p90(times):.1f} ms,"
        f" max {max(times):.1f} ms; {mentioned.note.split(';')[0]} codex entries mentioned,"
        f" ~{ctx.estimated_tokens:,} tokens"
    )


def _p90(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.9))]


def _scripted(fake, delivered: list[float]):
    from tests.core.generation.anthropic_fake import ScriptedStream, message_events

    events = message_events(["The", " fog", " lifted."])
    first_delta = 3  # message_start, content_block_start, ping, then the first text delta

    def on_chunk(index: int, at: float) -> None:
        if index == first_delta:
            delivered.append(at)

    return fake.queue_stream(ScriptedStream(events, on_chunk=on_chunk))


def bench_stream_core(runs: int) -> None:
    from core.generation.client import ClaudeClient
    from tests.core.generation.anthropic_fake import FakeAnthropic

    fake = FakeAnthropic()
    client = ClaudeClient("sk-bench", transport=fake.transport())
    gaps = []
    for _ in range(runs):
        delivered: list[float] = []
        seen: list[float] = []
        _scripted(fake, delivered)

        def on_text(_text: str, seen: list[float] = seen) -> None:
            if not seen:
                seen.append(time.perf_counter())

        client.stream(
            model="m",
            system=[],
            messages=[{"role": "user", "content": "x"}],
            max_tokens=5,
            on_text=on_text,
        )
        gaps.append((seen[0] - delivered[0]) * 1000)
    print(
        f"  transport -> on_text callback (no Qt): median {statistics.median(gaps):.3f} ms,"
        f" max {max(gaps):.3f} ms over {runs} runs"
    )


def bench_stream_editor(lib: object, scene_id: str, runs: int) -> None:
    import keyring
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTextEdit

    from core.generation.client import ClaudeClient
    from desktop.panels.ai_panel import AiPanel
    from tests.core.generation.anthropic_fake import FakeAnthropic

    os.environ["ANTHROPIC_API_KEY"] = "sk-bench"  # only this process; never stored
    keyring.set_keyring(__import__("keyring.backends.null", fromlist=["Keyring"]).Keyring())
    from desktop.runtime.qt_workarounds import keep_none_alive

    keep_none_alive()  # as the app does: see desktop/runtime/qt_workarounds.py
    app = QApplication.instance() or QApplication([])
    fake = FakeAnthropic()
    editor = QTextEdit()
    with lib.session() as s:  # type: ignore[attr-defined]
        from core.domain import Scene

        editor.setPlainText(s.get(Scene, scene_id).text)
    panel = AiPanel(
        lib, editor, client_factory=lambda key: ClaudeClient(key, transport=fake.transport())
    )
    panel.set_scene(scene_id)
    panel.set_action("continue")
    gaps = []
    for _ in range(runs):
        delivered: list[float] = []
        _scripted(fake, delivered)
        loop = QEventLoop()
        panel.generation_finished.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        panel.generate()
        loop.exec()
        panel.generation_finished.disconnect(loop.quit)
        if panel.first_chunk_at is None or not delivered:
            raise SystemExit(f"the stream did not reach the editor: {panel.status.text()}")
        gaps.append((panel.first_chunk_at - delivered[0]) * 1000)
        panel.discard()
        while panel.busy():
            app.processEvents()
    panel.shutdown()
    print(f"first_char_to_editor_ms: {statistics.median(gaps):.2f} (target <= 20)")
    print(
        f"  transport -> editor through the SDK, worker thread and event loop: median of {runs}"
        f" runs; p90 {_p90(gaps):.2f} ms, max {max(gaps):.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tiny library (smoke test)")
    args = parser.parse_args()
    if args.small:
        shape = {"chapters": 4, "scenes": 3, "words": 200, "codex": 20}
        runs = 5
    else:
        shape = {"chapters": 100, "scenes": 10, "words": 1000, "codex": 500}
        runs = 20
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # default preferences only
        t0 = time.perf_counter()
        lib, book_id = build_library(Path(tmp), **shape)
        total = shape["chapters"] * shape["scenes"] * shape["words"]
        print(
            f"library: {total:,} words, {shape['codex']} codex entries,"
            f" built in {time.perf_counter() - t0:.1f} s (estimated tokens: 4 characters each)"
        )
        scene_id = pick_scene(lib, book_id)
        bench_context(lib, scene_id, runs)
        bench_stream_editor(lib, scene_id, runs)
        bench_stream_core(runs)
        lib.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
