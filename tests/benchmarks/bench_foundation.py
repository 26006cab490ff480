"""Benchmark of the foundation: importing a long manuscript, counting it, opening the library.

Generates a deterministic Markdown manuscript of 1,000,000 words (300 chapters, 1,500 scenes;
pseudo-random prose with *italic*, **bold** and dialogue in curly quotes) in a temp folder,
then prints one line per figure with its target:

    import_1M_words_s: 2.31 (target <= 5)

Run: ``python tests/benchmarks/bench_foundation.py`` (``--small`` for 10,000 words).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.importers import import_manuscript  # noqa: E402
from core.store import open_library  # noqa: E402
from core.store.manuscript import book_stats, get_book, list_books  # noqa: E402

# The CLI figure includes starting Python and importing SQLAlchemy (~0.5 s of CPU on its own).
TARGETS = {"import": 5.0, "stats": 0.3, "stats_cli": 1.5, "open_list": 0.1}
_WORDS = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "was",
    "her",
    "his",
    "she",
    "he",
    "that",
    "it",
    "with",
    "as",
    "on",
    "for",
    "at",
    "by",
    "from",
    "lamp",
    "harbour",
    "salt",
    "map",
    "river",
    "tide",
    "stone",
    "wind",
    "coast",
    "ink",
    "pen",
    "paper",
    "light",
    "dark",
    "morning",
    "night",
    "slowly",
    "quiet",
    "old",
    "young",
    "keeper",
    "letter",
    "boat",
    "sea",
    "rock",
    "shore",
    "wave",
    "cliff",
    "path",
    "road",
    "window",
    "door",
    "table",
    "hand",
    "eye",
    "voice",
    "cold",
    "warm",
    "silver",
    "grey",
    "white",
    "blue",
    "always",
    "never",
    "again",
    "almost",
    "remembered",
    "whispered",
    "walked",
    "turned",
    "waited",
    "carried",
    "watched",
    "listened",
    "opened",
    "closed",
]
_NAMES = ["Mara", "Tobias", "Wren", "Adeyemi", "Solenne", "Ilse", "Corin"]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    roll = rng.random()
    if roll < 0.08:
        i = rng.randrange(n)
        words[i] = f"*{words[i]}*"
    elif roll < 0.12:
        i = rng.randrange(n)
        words[i] = f"**{words[i]}**"
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, n_words: int) -> str:
    if rng.random() < 0.3 and n_words >= 8:
        said = rng.choice(_NAMES)
        inner = _sentence(rng, n_words - 2)
        return f"“{inner}” {said} said."
    out: list[str] = []
    left = n_words
    while left > 0:
        k = min(left, rng.randint(6, 18))
        out.append(_sentence(rng, k))
        left -= k
    return " ".join(out)


def generate_manuscript(path: Path, *, words: int, chapters: int, scenes_per_chapter: int) -> int:
    """Write the manuscript; returns the number of words of prose written (headings excluded)."""
    rng = random.Random(20261121)
    n_scenes = chapters * scenes_per_chapter
    per_scene = -(-words // n_scenes)  # rounded up, so the book has at least `words` words
    written = 0
    parts = ["---\ntitle: The Long Benchmark\nauthor: B. Mark\n---\n"]
    for c in range(1, chapters + 1):
        parts.append(f"# Chapter {c}\n")
        for s in range(scenes_per_chapter):
            if s:
                parts.append("* * *\n")
            left = per_scene
            while left > 0:
                n = min(left, rng.randint(30, 90))
                parts.append(_paragraph(rng, n) + "\n")
                left -= n
            written += per_scene
    path.write_text("\n".join(parts), encoding="utf-8")
    return written


def _figure(name: str, seconds: float, target: float) -> None:
    print(f"{name}: {seconds:.3f} (target <= {target:g})", flush=True)


def run(*, small: bool) -> None:
    words, chapters, per_chapter, label = (
        (10_000, 10, 5, "10k") if small else (1_000_000, 300, 5, "1M")
    )
    with tempfile.TemporaryDirectory(prefix="aw-bench-") as tmp:
        root = Path(tmp)
        manuscript = root / "long.md"
        written = generate_manuscript(
            manuscript, words=words, chapters=chapters, scenes_per_chapter=per_chapter
        )
        size_mb = manuscript.stat().st_size / 1e6
        print(
            f"# manuscript: {written:,} words, {chapters} chapters, "
            f"{chapters * per_chapter} scenes, {size_mb:.1f} MB"
        )
        library_dir = root / "library"
        open_library(library_dir).close()  # creating the schema is not part of the import

        with open_library(library_dir) as lib:
            start = time.perf_counter()
            book_id = import_manuscript(lib, manuscript)
            _figure(f"import_{label}_words_s", time.perf_counter() - start, TARGETS["import"])

            with lib.session() as session:
                start = time.perf_counter()
                stats = book_stats(session=session, book=get_book(session=session, book_id=book_id))
                _figure("stats_s", time.perf_counter() - start, TARGETS["stats"])
            if (stats.chapters, stats.scenes) != (chapters, chapters * per_chapter):
                raise SystemExit(f"wrong structure imported: {stats}")
            if abs(stats.words - written) > written // 100:
                raise SystemExit(f"wrong word count: {stats.words} for {written} written")

        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        command = [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())",
                   "--library", str(library_dir), "stats", book_id]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        _figure("stats_cli_subprocess_s", time.perf_counter() - start, TARGETS["stats_cli"])

        start = time.perf_counter()
        with open_library(library_dir, create=False) as lib, lib.session() as session:
            titles = [b.title for b in list_books(session=session)]
        _figure("open_library_list_books_s", time.perf_counter() - start, TARGETS["open_list"])
        if titles != ["The Long Benchmark"]:
            raise SystemExit(f"unexpected books: {titles}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="10,000 words instead of 1,000,000")
    run(small=parser.parse_args(argv).small)


if __name__ == "__main__":
    main()
