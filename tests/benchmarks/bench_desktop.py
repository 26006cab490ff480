"""Desktop benchmark: what the main window does on the UI thread, on a long novel.

    python tests/benchmarks/bench_desktop.py          # 150 chapters, 900 scenes, ~540,000 words
    python tests/benchmarks/bench_desktop.py --small  # tiny data, for the smoke test

Prints one line per figure with its target. The architecture's rule is that nothing blocks
the UI thread for more than 50 ms: reading the binder, showing a scene and showing a whole
chapter must each stay under it. Opening the window (binder, expansion, first scene) is a
one-off at start and gets a second. Figures are the median of several runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARAGRAPH = (
    "She walked *slowly* to the door and **stopped**, listening to the rain on the slates, "
    "the gutters, the long glass roof of the shed where the furnace breathed in the dark. "
)


def generate_markdown(chapters: int, scenes_per_chapter: int, paragraphs: int) -> str:
    parts: list[str] = []
    for c in range(1, chapters + 1):
        parts.append(f"# Chapter {c}")
        for s in range(scenes_per_chapter):
            if s:
                parts.append("* * *")
            parts.extend([PARAGRAPH * 3] * paragraphs)
    return "\n\n".join(parts) + "\n"


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="tiny data, for the smoke test")
    args = parser.parse_args()
    chapters, scenes, paragraphs = (3, 2, 2) if args.small else (150, 6, 8)

    from core.importers import import_manuscript
    from core.store import open_library
    from desktop.app import create_application
    from desktop.binder.model import NodeKind, load_binder
    from desktop.window.main_window import MainWindow

    _app = create_application()
    with tempfile.TemporaryDirectory(prefix="aw-bench-desktop-") as tmp:
        manuscript = Path(tmp) / "novel.md"
        manuscript.write_text(generate_markdown(chapters, scenes, paragraphs), encoding="utf-8")
        library = open_library(Path(tmp) / "library")
        import_manuscript(library, manuscript)

        books = load_binder(library)
        words = books[0].words
        scene_count = sum(len(c.children) for c in books[0].children)
        print(f"# {chapters} chapters, {scene_count} scenes, {words:,} words")

        binder = median_seconds(lambda: load_binder(library), 5)
        windows: list[MainWindow] = []
        window_open = median_seconds(lambda: windows.append(MainWindow(library)), 3)
        window = windows[-1]
        window.show()  # a visible view lays out what it is given, as in real use
        _app.processEvents()
        chapter_nodes = books[0].children
        scene_nodes = [s for c in chapter_nodes for s in c.children]
        step = iter(range(10**9))

        def show_scene() -> None:
            node = scene_nodes[next(step) % len(scene_nodes)]
            window.select(NodeKind.SCENE, node.id)

        def show_chapter() -> None:
            node = chapter_nodes[next(step) % len(chapter_nodes)]
            window.select(NodeKind.CHAPTER, node.id)

        scene = median_seconds(show_scene, 9)
        chapter = median_seconds(show_chapter, 9)
        for w in windows[:-1]:
            w.close()
        window.close()

    print(f"binder_load_s: {binder:.4f} (target <= 0.05)")
    print(f"window_open_s: {window_open:.4f} (target <= 1.0)")
    print(f"show_scene_s: {scene:.4f} (target <= 0.05)")
    print(f"show_chapter_s: {chapter:.4f} (target <= 0.05)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
