"""Export benchmark: our EPUB and DOCX against pandoc on the same Markdown, and a print PDF.

    python tests/benchmarks/bench_export.py          # 1,000,000 words; 100,000-word PDF
    python tests/benchmarks/bench_export.py --small  # tiny data, for the smoke test

Prints one line per figure, then the ratios the issue sets as targets:
EPUB ours/pandoc <= 0.33, DOCX ours/pandoc <= 0.5, print PDF of 100,000 words <= 20 s.
The manuscript is generated (deterministic pseudo-prose), imported into a temp library,
and exported through the same code path as `authorworks export`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

WORDS = [
    "the",
    "a",
    "keeper",
    "light",
    "sea",
    "fog",
    "wind",
    "stone",
    "harbour",
    "boat",
    "rope",
    "lamp",
    "night",
    "morning",
    "tide",
    "gull",
    "she",
    "he",
    "they",
    "walked",
    "climbed",
    "said",
    "watched",
    "waited",
    "turned",
    "held",
    "found",
    "broke",
    "carried",
    "slowly",
    "quietly",
    "never",
    "always",
    "again",
    "before",
    "after",
    "under",
    "over",
    "across",
    "toward",
    "cold",
    "grey",
    "bright",
    "tower",
    "stair",
    "window",
    "letter",
    "hand",
    "voice",
    "boy",
    "sailor",
    "village",
    "shore",
    "rock",
    "wave",
    "salt",
    "iron",
]


def generate_markdown(words: int, chapters: int, scenes: int, seed: int = 7) -> str:
    """A manuscript of about ``words`` words: ``chapters`` chapters, ``scenes`` scenes in all."""
    rng = random.Random(seed)
    per_scene = max(1, words // scenes)
    scenes_per_chapter = max(1, scenes // chapters)
    out = ["---", 'title: "Benchmark Novel"', 'author: "A. Writer"', "---", ""]
    for c in range(1, chapters + 1):
        out.append(f"# Chapter {c}\n")
        for s in range(scenes_per_chapter):
            if s:
                out.append("* * *\n")
            left = per_scene
            while left > 0:
                n = min(left, rng.randint(20, 70))
                left -= n
                sentence = " ".join(rng.choice(WORDS) for _ in range(n))
                if rng.random() < 0.1:
                    sentence = sentence.replace(" light ", " *light* ", 1)
                out.append(sentence[0].upper() + sentence[1:] + ".\n")
    return "\n".join(out)


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny data (smoke test)")
    args = parser.parse_args()
    if args.small:
        big = (3000, 6, 30)
        novel = (2000, 4, 8)
    else:
        big = (1_000_000, 300, 1500)
        novel = (100_000, 30, 150)

    from core.export import ExportFormat, ExportOptions, export_book
    from core.importers import import_manuscript
    from core.store import open_library

    work = Path(tempfile.mkdtemp(prefix="aw-bench-export-"))
    try:
        big_md = work / "big.md"
        big_md.write_text(generate_markdown(*big), encoding="utf-8")
        novel_md = work / "novel.md"
        novel_md.write_text(generate_markdown(*novel), encoding="utf-8")
        lib = open_library(work / "library")
        big_id = import_manuscript(lib, big_md)
        novel_id = import_manuscript(lib, novel_md)
        print(f"manuscript: {big[0]:,} words, {big[1]} chapters, {big[2]} scenes")

        ours_epub = timed(
            lambda: export_book(
                lib, big_id, work / "ours.epub", ExportOptions(format=ExportFormat.EPUB)
            )
        )
        ours_docx = timed(
            lambda: export_book(
                lib, big_id, work / "ours.docx", ExportOptions(format=ExportFormat.DOCX)
            )
        )
        pdf_time = timed(
            lambda: export_book(
                lib,
                novel_id,
                work / "novel.pdf",
                ExportOptions(format=ExportFormat.PDF, trim="6x9"),
            )
        )
        print(f"ours epub: {ours_epub:.2f} s")
        print(f"ours docx: {ours_docx:.2f} s")
        print(f"ours print pdf ({novel[0]:,} words, 6x9): {pdf_time:.2f} s (target <= 20 s)")
        huge_words = 500_000 if not args.small else 5_000
        huge_md = work / "huge.md"
        huge_md.write_text(generate_markdown(huge_words, 1, 1), encoding="utf-8")
        huge_id = import_manuscript(lib, huge_md)
        for fmt in (ExportFormat.EPUB, ExportFormat.DOCX, ExportFormat.PDF):
            seconds = timed(
                lambda fmt=fmt: export_book(
                    lib, huge_id, work / f"huge{fmt.suffix}", ExportOptions(format=fmt)
                )
            )
            print(f"ours {fmt.value} of one {huge_words:,}-word chapter: {seconds:.2f} s")
        pandoc = shutil.which("pandoc")
        if pandoc is None:
            print("pandoc: not installed (apt-get install -y pandoc); ratios not measured")
            return 0
        pandoc_epub = timed(
            lambda: subprocess.run(
                [pandoc, str(big_md), "-o", str(work / "pandoc.epub")], check=True
            )
        )
        pandoc_docx = timed(
            lambda: subprocess.run(
                [pandoc, str(big_md), "-o", str(work / "pandoc.docx")], check=True
            )
        )
        print(f"pandoc epub: {pandoc_epub:.2f} s")
        print(f"pandoc docx: {pandoc_docx:.2f} s")
        print(f"ratio epub ours/pandoc: {ours_epub / pandoc_epub:.3f} (target <= 0.33)")
        print(f"ratio docx ours/pandoc: {ours_docx / pandoc_docx:.3f} (target <= 0.5)")
        lib.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
