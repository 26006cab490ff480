"""Imaging benchmark: cover render, a 24-page comic chapter, a 60-second trailer.

    python tests/benchmarks/bench_imaging.py [--small]

Targets: cover <= 0.3 s; 24-page chapter <= 15 s on two cores; 60 s trailer <= 30 s.
``--small`` runs tiny versions (a 4-page chapter, a 5-second trailer) to check the script works.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import struct
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image

from core.imaging.comic import make_comic
from core.imaging.cover import render_cover
from core.imaging.geometry import ebook_geometry, print_geometry
from core.imaging.templates import design_for
from core.imaging.trailer import render_trailer
from core.store import open_library
from core.store.manuscript import add_chapter, add_scene, create_book


def cpu_split() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (workers, ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (workers, ffmpeg)."""
    return sum(cpu_split())


def bench_cover(runs: int) -> None:
    design = design_for(
        "classic", title="The Glass Orchard", subtitle="A novel of winter light",
        author="Jane Writer", series="The Orchard Cycle, Book One",
    )  # fmt: skip
    render_cover(design, ebook_geometry())  # warm the font cache
    for label, geometry in (
        ("ebook 1600x2560", ebook_geometry()),
        ("print 6x9 wrap", print_geometry("6x9", 320, "cream")),
    ):
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            render_cover(design, geometry)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(
            f"cover render ({label}, classic): median {statistics.median(times):.3f} s"
            f" (cpu {statistics.median(cpu):.3f} s) over {runs} (target <= 0.3 s)"
        )


def bench_comic(root: Path, pages: int) -> None:
    library = open_library(root / "lib")
    paragraphs = []
    for i in range(pages * 6):  # one panel each, six panels a page
        paragraphs.append(
            f"The fog rolled over the rock for the {i}th time. “Keep the lamp lit,” said Mara. "
            f"“I always do,” Tobias answered, and climbed on."
        )
    with library.session() as s:
        book = create_book(session=s, title="Bench Rock", author="B. Marker")
        chapter = add_chapter(session=s, book=book, title="The Long Night")
        add_scene(session=s, chapter=chapter, title="Stairs", text="\n\n".join(paragraphs))
        book_id, number = book.id, chapter.ordinal
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = make_comic(library, book_id, number, root / "chapter.cbz", workers=2)
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    size = (root / "chapter.cbz").stat().st_size / 1e6
    print(
        f"comic chapter: {result.pages} pages in {elapsed:.2f} s with 2 workers (cpu {cpu:.1f} s),"
        f" {size:.1f} MB CBZ"
        " (target <= 15 s for 24)"
    )
    library.close()


def bench_trailer(root: Path, seconds: float) -> None:
    wav = root / "vo.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(2000 * math.sin(i / 15))) for i in range(int(22050 * seconds))
            )
        )
    cover = render_cover(
        design_for("bold", title="Bench Rock", author="B. Marker"), ebook_geometry()
    ).image
    stills = [
        cover,
        Image.new("RGB", (1920, 1080), (40, 90, 120)),
        Image.new("RGB", (1200, 1800), (120, 60, 40)),
    ]
    t0, (own0, kids0) = time.perf_counter(), cpu_split()
    result = render_trailer(
        root / "trailer.mp4", title="Bench Rock", author="B. Marker", stills=stills, voice_over=wav
    )
    elapsed = time.perf_counter() - t0
    own1, kids1 = cpu_split()
    python_cpu, ffmpeg_cpu = own1 - own0, kids1 - kids0
    # On a shared machine the wall time follows the load; the CPU seconds are the cost.
    print(
        f"trailer: {result.duration:.1f} s of 1280x720 video in {elapsed:.2f} s"
        f" (cpu {python_cpu + ffmpeg_cpu:.1f} s: python {python_cpu:.1f} s,"
        f" ffmpeg {ffmpeg_cpu:.1f} s) (target <= 30 s for 60 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny data: check the script runs")
    parser.add_argument(
        "--only", choices=["cover", "comic", "trailer"], help="run one of the benchmarks"
    )
    args = parser.parse_args()
    # Wall times depend on what else runs: the load and the CPU seconds put them in context.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="aw-bench-imaging-") as tmp:
        root = Path(tmp)
        if args.only in (None, "cover"):
            bench_cover(3 if args.small else 10)
        if args.only in (None, "comic"):
            bench_comic(root, 4 if args.small else 24)
        if args.only in (None, "trailer"):
            bench_trailer(root, 5.0 if args.small else 60.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
