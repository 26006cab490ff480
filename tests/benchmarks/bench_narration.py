"""Narration benchmark: AuthorWorks against `espeak-ng -w` on the same text, side by side.

    python tests/benchmarks/bench_narration.py [--small] [--repeat N]

Prints, for a generated 5,000-word chapter (500 with --small):
- the time of `espeak-ng -w` rendering the whole text in one call (the baseline);
- narrating the chapter to WAV with 1 and 2 workers from an empty cache, and the ratio of each
  to the baseline (target: <= 1.2 with one worker, lower with two). Two workers are the calling
  thread and one worker process, which is kept between jobs as the app keeps it; the first
  two-worker run, which starts that process, is printed as well;
- re-narrating after a one-paragraph edit, and its ratio to the full one-worker render
  (target: <= 0.1);
- for information, encoding the same chapter to M4B from the cache.
Each figure is the best of --repeat runs, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WORDS = (  # noqa: SIM905 (a word list reads best as words)
    "the keeper lamp light rock sea fog ship harbour winter stair lantern logbook wick boy "
    "sailor spar shoal hull wave wind storm night dawn tower lens clockwork village feast "
    "letter wax roof board snow boots cold silence shore bell gull rope oar tide salt stone "
    "climbed watched turned waited listened carried wound trimmed rowed found swore read "
    "kept slowly quietly bright dark broken soaked silent thick green grey long old heavy "
    "small"
).split()


def make_chapter(words: int, seed: int = 7) -> list[str]:
    """Paragraphs of plain sentences, each paragraph different (so none share a cache entry)."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < words:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
            sentences.append(body[0].upper() + body[1:] + rng.choice([".", ".", ".", "?", "!"]))
        para = " ".join(sentences)
        paragraphs.append(para)
        total += len(para.split())
    return paragraphs


def timings(repeat: int, run: object, setup: object = None) -> list[float]:
    """Seconds taken by each of ``repeat`` calls of ``run``; ``setup`` runs untimed before each."""
    assert callable(run)
    times = []
    for _ in range(repeat):
        if callable(setup):
            setup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def best_of(repeat: int, run: object) -> float:
    return min(timings(repeat, run))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="500 words instead of 5,000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    args = parser.parse_args()
    words = 500 if args.small else 5000
    repeat = 1 if args.small else max(1, args.repeat)

    from core.jobs import JobContext
    from core.narration.engines import get_engine
    from core.narration.job import NarrationJob, NarrationPlan
    from core.store import open_library
    from core.store.manuscript import (
        add_chapter,
        add_scene,
        create_book,
        list_scenes,
        set_scene_text,
    )

    espeak = shutil.which("espeak-ng")
    if not espeak:
        print("espeak-ng is not installed: apt-get install espeak-ng", file=sys.stderr)
        return 1
    get_engine("espeak-ng")  # load the library once, as an open app would have

    paragraphs = make_chapter(words)
    n_words = sum(len(p.split()) for p in paragraphs)
    with tempfile.TemporaryDirectory(prefix="aw-bench-narration-") as tmp_name:
        tmp = Path(tmp_name)
        text_file = tmp / "chapter.txt"
        text_file.write_text("\n\n".join(paragraphs), encoding="utf-8")
        library = open_library(tmp / "library")
        with library.session() as s:
            book = create_book(session=s, title="Bench")
            chapter = add_chapter(session=s, book=book, title="One")
            add_scene(session=s, chapter=chapter, text="\n\n".join(paragraphs))
            book_id, chapter_id = book.id, chapter.id
        cache_dir = library.root / "cache"
        out = tmp / "chapter.wav"

        def baseline() -> None:
            subprocess.run(
                [
                    espeak,
                    "-v",
                    "en-us",
                    "-s",
                    "175",
                    "-w",
                    str(tmp / "espeak.wav"),
                    "-f",
                    str(text_file),
                ],
                check=True,
            )

        def narrate(workers: int, target: Path = out) -> None:
            plan = NarrationPlan(library, book_id, chapter=1, engine="espeak-ng")
            NarrationJob(plan, target, workers=workers)(JobContext())

        def clear_cache() -> None:
            # Untimed: the baseline's clock does not include deleting its previous output.
            shutil.rmtree(cache_dir, ignore_errors=True)

        def fresh(workers: int) -> None:
            narrate(workers)

        # Rounds interleave the baseline and ours, so that a busy machine slows both alike;
        # each ratio is the median of the per-round ratios.
        # The first two-worker run starts the worker process, which is kept after.
        t_two_cold = timings(1, lambda: fresh(2), clear_cache)[0]
        rounds = [
            timings(1, f, clear_cache)[0]
            for _ in range(repeat)
            for f in (baseline, lambda: fresh(1), lambda: fresh(2))
        ]
        t_espeak, t_one, t_two = (min(rounds[k::3]) for k in range(3))
        r_one = statistics.median(o / e for e, o in zip(rounds[0::3], rounds[1::3], strict=True))
        r_two = statistics.median(o / e for e, o in zip(rounds[0::3], rounds[2::3], strict=True))

        # A full one-worker render into the cache, then one paragraph edited and narrated again.
        edits = iter(range(1_000_000))

        def renarrate() -> None:
            with library.session() as s:
                scene = list_scenes(session=s, chapter_id=chapter_id)[0]
                parts = scene.text.split("\n\n")
                middle = len(parts) // 2
                parts[middle] = f"Edit number {next(edits)}. " + paragraphs[middle]
                set_scene_text(session=s, scene=scene, text="\n\n".join(parts))
            narrate(1)

        edit_rounds = [
            (timings(1, lambda: fresh(1), clear_cache)[0], timings(1, renarrate)[0])
            for _ in range(repeat)
        ]
        t_edit = min(e for _, e in edit_rounds)
        r_edit = statistics.median(e / full for full, e in edit_rounds)
        t_m4b = best_of(repeat, lambda: narrate(1, tmp / "chapter.m4b"))
        library.close()

    print(f"narration benchmark: {n_words} words in {len(paragraphs)} paragraphs")
    print(f"espeak-ng -w, one call:          {t_espeak:7.2f} s")
    print(
        f"narrate to WAV, 1 worker:        {t_one:7.2f} s   ratio {t_one / t_espeak:5.2f}"
        f"   (median of rounds {r_one:.2f})"
    )
    print(
        f"narrate to WAV, 2 workers:       {t_two:7.2f} s   ratio {t_two / t_espeak:5.2f}"
        f"   (median of rounds {r_two:.2f})"
    )
    print(f"  (2 workers, first run, starting the worker process: {t_two_cold:.2f} s)")
    print(f"re-narrate after 1-para edit:    {t_edit:7.2f} s   ratio {r_edit:5.2f} of full")
    print("targets: 1 worker <= 1.2; 2 workers lower; re-narration <= 0.1 of full")
    print("(times: best of the rounds; ratios: best against best, and the median per round)")
    print(f"M4B from cache (AAC encode):     {t_m4b:7.2f} s   (for information)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
