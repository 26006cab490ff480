"""Markdown manuscripts: ``#`` headings make chapters, ``##`` scenes, breaks split scenes.

Standard Markdown that is not in our subset is brought into it: ``_italic_`` and
``__bold__`` become ``*`` markers, hard-wrapped lines are joined, setext headings become
``#`` headings, links keep their text, images and HTML comments are dropped. A YAML front
matter block gives the title, author, language and description.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from core.importers.draft import BookDraft
from core.importers.source import read_text_file
from core.importers.structure import blocks_to_chapters
from core.text import Paragraph, parse_blocks

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_SETEXT_RE = re.compile(r"^(?P<text>[^\n#>*\-=][^\n]*)\n(?P<bar>=+|-+)[ \t]*$", re.MULTILINE)
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_BOLD_UNDERSCORE_RE = re.compile(r"(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)")
_ITALIC_UNDERSCORE_RE = re.compile(r"(?<![\w\\_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_HARD_BREAK_RE = re.compile(r"(?:  |\\)$")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")):
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[match.end() :]


def normalise_markdown(text: str) -> str:
    """Bring general Markdown into the stored subset (see the module docstring)."""
    # Each rule runs only when its marker occurs at all: a novel-length file is megabytes,
    # and most manuscripts use none of these.
    if "<!--" in text:
        text = _COMMENT_RE.sub("", text)
    if "\n=" in text or "\n-" in text:
        text = _SETEXT_RE.sub(
            lambda m: ("# " if m.group("bar")[0] == "=" else "## ") + m.group("text").strip(), text
        )
    if "](" in text:
        text = _IMAGE_RE.sub("", text)
        text = _LINK_RE.sub(r"\1", text)
    if "_" in text:
        if "__" in text:
            text = _BOLD_UNDERSCORE_RE.sub(r"**\1**", text)
        text = _ITALIC_UNDERSCORE_RE.sub(r"*\1*", text)
    return text


def _join_soft_breaks(paragraph: str) -> str:
    lines = paragraph.split("\n")
    out = lines[0]
    for prev, line in pairwise(lines):
        if _HARD_BREAK_RE.search(prev):
            out = out.rstrip(" \\") + "\n" + line
        else:
            out += " " + line
    return out


def read_markdown(path: Path) -> BookDraft:
    """A Markdown manuscript as a book draft."""
    meta, body = _front_matter(read_text_file(path))
    blocks = [
        Paragraph(_join_soft_breaks(b.text)) if isinstance(b, Paragraph) else b
        for b in parse_blocks(normalise_markdown(body))
    ]
    title, chapters = blocks_to_chapters(blocks)
    return BookDraft(
        title=meta.get("title") or title,
        author=meta.get("author", ""),
        subtitle=meta.get("subtitle", ""),
        language=meta.get("lang") or meta.get("language", ""),
        description=meta.get("description", ""),
        chapters=chapters,
    )
