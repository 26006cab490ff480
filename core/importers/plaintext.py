"""Plain-text manuscripts: chapter headings found by their wording, breaks split scenes.

A line on its own that reads like a chapter heading ("Chapter 1", "CHAPTER TWELVE: The Wreck",
"Prologue", "Part Two", "IV.") starts a chapter. Paragraphs are separated by blank lines; a
file with no blank lines at all has one paragraph per line. Hard-wrapped paragraphs (as in
many public-domain texts) are joined. Characters that mean markup in our subset are escaped,
so the text reads back exactly as it was typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.importers.draft import BookDraft
from core.importers.source import read_text_file
from core.importers.structure import build_chapters
from core.text import Block, Heading, Paragraph, SceneBreak, escape_markdown, is_scene_break

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|third"
)
CHAPTER_HEADING_RE = re.compile(
    rf"^(?:(?:chapter|part|book)\s+(?:\d+|[ivxlcdm]+|(?:{_NUMBER_WORDS})(?:[\s-]\w+)?)\b.*"
    r"|prologue\b.*|epilogue\b.*|interlude\b.*|afterword\b.*|[IVXLCDM]{1,7}\.?)$",
    re.IGNORECASE,
)
_MAX_HEADING_LEN = 80


def _is_heading(paragraph: str) -> bool:
    return (
        "\n" not in paragraph
        and len(paragraph) <= _MAX_HEADING_LEN
        and bool(CHAPTER_HEADING_RE.match(paragraph.strip()))
    )


def text_to_blocks(text: str) -> list[Block]:
    """Plain text to the block stream: headings at level 1, escaped paragraphs."""
    if re.search(r"\n[ \t]*\n", text):
        chunks = re.split(r"\n[ \t]*\n", text)
        # Hard-wrapped paragraphs: lines of a chunk are joined with spaces.
        chunks = [" ".join(line.strip() for line in c.strip().split("\n")) for c in chunks]
    else:
        chunks = text.split("\n")
    blocks: list[Block] = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if is_scene_break(chunk):
            blocks.append(SceneBreak())
        elif _is_heading(chunk):
            blocks.append(Heading(1, chunk))
        else:
            blocks.append(Paragraph(escape_markdown(chunk)))
    return blocks


def read_plain_text(path: Path) -> BookDraft:
    """A plain-text manuscript as a book draft."""
    blocks = text_to_blocks(read_text_file(path))
    has_headings = any(isinstance(b, Heading) for b in blocks)
    _, chapters = build_chapters(
        blocks, chapter_level=1 if has_headings else None, scene_level=None
    )
    return BookDraft(chapters=chapters)
