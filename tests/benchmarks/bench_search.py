"""Benchmark of project-wide find: searching a library of 1,000,000 words.

Generates a deterministic Markdown manuscript (pseudo-random prose over a Zipf-weighted
vocabulary of a few thousand made-up words, so common words are everywhere and rare ones
in a few scenes, as in real prose), imports it, then times each kind of search over the whole
library (median of several runs), and the longest the UI thread stalls while the search panel
searches (offscreen Qt), and prints one line per figure with its target:

    search_plain_word_ms: 41.2 (target <= 150)
    search_ui_max_stall_ms: 12.0 (target <= 50)

Run: ``python tests/benchmarks/bench_search.py`` (``--small`` for 10,000 words).
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

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import text as sql  # noqa: E402

from core.importers import import_manuscript  # noqa: E402
from core.store import open_library  # noqa: E402
from core.store.search import search  # noqa: E402

TARGET_MS = 150.0
UI_STALL_TARGET_MS = 50.0
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "dor",
    "vel",
    "sa",
    "nu",
    "bre",
    "tha",
    "quin",
    "mor",
    "ell",
    "ast",
    "ow",
    "fen",
    "gar",
    "lim",
    "pes",
]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def make_manuscript(path: Path, words: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 4000)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    scenes = max(1, words // 700)
    per_chapter = 5
    per_scene = words // scenes
    out: list[str] = ["# Benchmark\n"]
    for n in range(scenes):
        if n % per_chapter == 0:
            out.append(f"\n## Chapter {n // per_chapter + 1}\n")
        elif n:
            out.append("\n* * *\n")
        body = rng.choices(vocab, weights, k=per_scene)
        paragraphs = [body[i : i + 60] for i in range(0, len(body), 60)]
        for para in paragraphs:
            sentence = " ".join(para)
            out.append("\n" + sentence[:1].upper() + sentence[1:] + ".\n")
    path.write_text("".join(out), encoding="utf-8")


def _median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ui_max_stall_ms(lib: object, queries: list[dict[str, object]]) -> float:
    """The longest the UI thread went without running its event loop during panel searches.

    A 5 ms timer ticks on the UI thread while the search panel searches on its worker and
    then lists the hits; the longest gap between ticks, less the tick interval, is the stall.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.panels.search_panel import SearchPanel

    app = QApplication.instance() or QApplication([])
    panel = SearchPanel(lib)  # type: ignore[arg-type]
    panel.set_scope("library")
    worst = 0.0
    for options in queries:
        panel.query_edit.setText(str(options["query"]))
        panel.regex_box.setChecked(bool(options.get("regex")))
        panel.whole_word_box.setChecked(bool(options.get("whole_word")))
        panel.case_box.setChecked(bool(options.get("case_sensitive")))
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick(gaps: list[float] = gaps, last: list[float] = last) -> None:
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        loop = QEventLoop()
        panel.search_finished.connect(loop.quit)
        timer.start()
        panel.start_search()
        loop.exec()
        tick()  # the hits were listed in the slot that quit the loop: count it
        timer.stop()
        panel.search_finished.disconnect(loop.quit)
        worst = max(worst, max(gaps) - 5)
    app.processEvents()
    return max(worst, 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10,000 words instead of 1,000,000")
    args = parser.parse_args()
    words = 10_000 if args.small else 1_000_000
    repeat = 3 if args.small else 7
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.md"
        make_manuscript(source, words)
        lib = open_library(Path(tmp) / "lib")
        try:
            import_manuscript(lib, source, title="Benchmark")
            rng = random.Random(11)
            vocab = _vocabulary(random.Random(7), 4000)
            mid = vocab[200]  # a middling word: in many scenes, not all
            rare = vocab[3000]
            with lib.session() as s:
                sample = s.execute(sql("SELECT text FROM scenes LIMIT 1")).scalar_one()
            start = rng.randrange(0, max(1, len(sample.split()) - 2))
            phrase = " ".join(sample.split()[start : start + 2]).strip(".")
            cases = {
                "plain_word": dict(query=mid),
                "phrase": dict(query=phrase),
                "whole_word_case": dict(query=rare, whole_word=True, case_sensitive=True),
                "regex": dict(query=rf"\b{mid[:5]}\w*\b", regex=True),
            }
            for name, options in cases.items():
                hits = 0

                def run(options: dict[str, object] = options) -> None:
                    nonlocal hits
                    with lib.session() as s:
                        hits = len(search(session=s, **options))  # type: ignore[arg-type]

                run()  # warm the page cache, as a second search in the app would be
                ms = _median_ms(run, repeat)
                print(f"search_{name}_ms: {ms:.1f} (target <= {TARGET_MS:.0f})")
                print(f"#   {name}: {options['query']!r} -> {hits} hits", file=sys.stderr)
            common = {"query": vocab[0]}  # the commonest word: the most hits to list
            stall = ui_max_stall_ms(lib, [common, *cases.values()])
            print(f"search_ui_max_stall_ms: {stall:.1f} (target <= {UI_STALL_TARGET_MS:.0f})")
        finally:
            lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
