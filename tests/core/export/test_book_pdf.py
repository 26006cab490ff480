"""Print PDF: trim sizes, embedded fonts, extractable text, openers, heads, the contents page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.export import TRIM_SIZES, ExportFormat, ExportOptions, export_book
from core.export.book_pdf import write_book_pdf
from core.export.content import ChapterContent, SceneContent
from core.jobs import JobContext
from tests.core.export.conftest import sample_content

WORDS = [
    "keeper",
    "light",
    "fog",
    "stone",
    "harbour",
    "tide",
    "gull",
    "lamp",
    "rope",
    "stair",
    "window",
    "letter",
    "wave",
    "salt",
]


def _prose(seed: int, paragraphs: int) -> str:
    out = []
    for p in range(paragraphs):
        n = 30 + (seed * 7 + p * 13) % 40
        words = [WORDS[(seed + p * 3 + i * 5) % len(WORDS)] for i in range(n)]
        out.append(f"Para{seed}x{p} " + " ".join(words) + ".")
    return "\n\n".join(out)


def long_book(chapters: int = 3, scenes: int = 3, paragraphs: int = 12):  # type: ignore[no-untyped-def]
    return sample_content(
        chapters=[
            ChapterContent(
                c,
                f"Part {c}",
                tuple(
                    SceneContent(f"Scene {c}.{s}", _prose(c * 10 + s, paragraphs))
                    for s in range(1, scenes + 1)
                ),
            )
            for c in range(1, chapters + 1)
        ],
        about_author="",
    )


def _write(tmp_path: Path, book, **options) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "book.pdf"
    write_book_pdf(book, path, ExportOptions(format=ExportFormat.PDF, **options), JobContext())
    return path


def _pages(poppler, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    text = poppler("pdftotext", "-layout", str(path), "-")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.parametrize("trim", sorted(TRIM_SIZES))
def test_page_size_matches_the_trim(tmp_path, poppler, trim):
    info = poppler("pdfinfo", str(_write(tmp_path, sample_content(), trim=trim)))
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    w, h = TRIM_SIZES[trim]
    assert float(match.group(1)) == pytest.approx(w * 72, abs=0.5)
    assert float(match.group(2)) == pytest.approx(h * 72, abs=0.5)


def test_every_font_is_embedded(tmp_path, poppler):
    out = poppler("pdffonts", str(_write(tmp_path, sample_content())))
    rows = out.strip().splitlines()[2:]
    assert rows, out
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\s+\d+\s+\d+$", row), f"not embedded: {row}"
    assert any("GentiumBookPlus-Italic" in r for r in rows)


def test_text_comes_back_in_order(tmp_path, poppler):
    book = long_book(chapters=2, scenes=2, paragraphs=6)
    text = poppler("pdftotext", str(_write(tmp_path, book)), "-")
    words = text.split()
    position = 0
    for chapter in book.chapters:
        for scene in chapter.scenes:
            for word in scene.text.split():
                position = words.index(word, position)  # raises if missing or out of order
    markers = re.findall(r"Para\d+x\d+", text)
    assert markers == sorted(markers, key=lambda m: tuple(map(int, m[4:].split("x"))))


def test_chapters_open_on_rectos_and_the_contents_has_their_pages(tmp_path, poppler):
    # Chapters of three pages each: every one after the first needs a blank verso before it.
    book = long_book(chapters=4, scenes=2, paragraphs=7)
    pages = _pages(poppler, _write(tmp_path, book))
    openers = {}
    for number, page in enumerate(pages, start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and re.fullmatch(r"Part \d", lines[0]):
            openers[lines[0]] = number
    assert list(openers) == ["Part 1", "Part 2", "Part 3", "Part 4"]
    assert all(n % 2 == 1 for n in openers.values()), openers
    contents = next(p for p in pages if "Contents" in p)
    listed = dict(re.findall(r"(Part \d)\s+(\d+)", contents))
    assert {k: int(v) for k, v in listed.items()} == openers
    # A verso left blank before an opener has no running head and no number.
    blanks = [n for n, p in enumerate(pages, start=1) if not p.strip()]
    assert len(blanks) >= 3 and all(n % 2 == 0 for n in blanks)


def test_running_heads_and_page_numbers(tmp_path, poppler):
    book = long_book(chapters=2, scenes=3, paragraphs=14)
    pages = _pages(
        poppler,
        _write(tmp_path, book, title_page=False, copyright_page=False, table_of_contents=False),
    )
    assert len(pages) >= 6
    for number, page in enumerate(pages, start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if not lines:
            continue
        assert lines[-1] == str(number), f"page {number} ends with {lines[-1]!r}"
        opener = re.fullmatch(r"Part \d", lines[0])
        if opener:
            continue
        head = "GANNET ROCK" if number % 2 == 1 else "ADA QUILL"
        assert lines[0] == head, f"page {number} starts with {lines[0]!r}"


def test_mirrored_margins(tmp_path, poppler):
    book = long_book(chapters=1, scenes=2, paragraphs=14)
    path = _write(tmp_path, book, title_page=False, copyright_page=False, table_of_contents=False)
    lefts = {}
    for page in (2, 3):
        bbox = poppler("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
        xs = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"', bbox)]
        lefts[page] = min(xs)
    assert lefts[3] == pytest.approx(0.85 * 72, abs=1)  # recto: the gutter is on the left
    assert lefts[2] == pytest.approx(0.6 * 72, abs=1)  # verso: the gutter is on the right


def test_no_heading_or_scene_break_is_left_at_a_page_foot(tmp_path, poppler):
    # Scenes of many different lengths, so that headings and breaks fall at every height.
    scenes = tuple(
        SceneContent(
            f"Scene {i}",
            "\n\n".join(f"Short{i}x{p} " + "tide " * (3 + (i * p) % 17) for p in range(1 + i % 5)),
        )
        for i in range(1, 90)
    )
    book = sample_content(chapters=[ChapterContent(1, "Part 1", scenes)], about_author="")
    pages = _pages(
        poppler,
        _write(
            tmp_path,
            book,
            scene_titles=True,
            title_page=False,
            copyright_page=False,
            table_of_contents=False,
        ),
    )
    checked = 0
    for page in pages:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if len(lines) < 3:
            continue
        last_text = lines[-2]  # the last line above the page number
        assert not re.fullmatch(r"Scene \d+", last_text), page
        checked += 1
    assert checked >= 4


def test_sample_book_exports_from_the_library(aw_library, aw_sample_book, tmp_path, poppler):
    result = export_book(
        aw_library,
        aw_sample_book,
        tmp_path / "gannet.pdf",
        ExportOptions(format=ExportFormat.PDF, trim="5x8"),
    )
    text = poppler("pdftotext", str(result.path), "-")
    assert "Chapter Two: The Wreck" in text
    assert "There were others out there." in " ".join(text.split())
    assert "Pages:" in poppler("pdfinfo", str(result.path))


def test_right_to_left_book_is_refused_and_passages_are_flagged(tmp_path, poppler):
    from core.errors import ExportFailedError

    with pytest.raises(ExportFailedError, match="right to left"):
        _write(tmp_path, sample_content(language="he"))
    assert not (tmp_path / "book.pdf").exists() or (tmp_path / "book.pdf").stat().st_size == 0
    book = sample_content(title="Gannet Rock שלום 🌊")
    path = _write(tmp_path, book)
    assert any("right-to-left" in w for w in book.warnings)
    assert "Gannet Rock" in poppler("pdftotext", str(path), "-")
