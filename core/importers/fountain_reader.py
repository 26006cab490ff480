"""Fountain screenplays (``.fountain``, ``.spmd``): acts from sections, scenes from headings.

The title page (``Title:``, ``Credit:``, ``Author:``, ``Draft date:`` ... up to the first
blank line) gives the book's metadata. Top-level ``#`` sections start chapters (acts); with
no sections the script is one chapter. Each scene heading (``INT.``, ``EXT.``, ``EST.``,
``INT./EXT.``, ``I/E``, or a line forced with a leading ``.``) starts a scene titled by the
heading. Scene text is the Fountain source itself, heading line included, so that a Fountain
export gives the script back; text before the first heading of an act is an untitled scene.
Deeper sections (``##``), synopses, notes and the boneyard stay in the text as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.importers.draft import BookDraft, ChapterDraft, SceneDraft
from core.importers.source import read_text_file

_TITLE_PAGE_KEYS = {
    "title", "credit", "author", "authors", "source", "draft date", "date", "contact",
    "notes", "copyright", "revision",
}  # fmt: skip
_TITLE_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z ]{0,30}):(.*)$")
_SCENE_HEADING_RE = re.compile(r"^(?:INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[. ]", re.IGNORECASE)
_FORCED_HEADING_RE = re.compile(r"^\.(?=[^.\s])")
_SCENE_NUMBER_RE = re.compile(r"\s*#[\w.\-]+#\s*$")
_SECTION_RE = re.compile(r"^(#+)\s*(.*?)\s*$")
_EMPHASIS_RE = re.compile(r"(\\?)([*_]+)")


def _plain(value: str) -> str:
    """A title-page value without Fountain emphasis markers or escapes."""
    return " ".join(_EMPHASIS_RE.sub(lambda m: m.group(2) if m.group(1) else "", value).split())


def split_title_page(text: str) -> tuple[dict[str, str], str]:
    """(title-page keys lower-cased -> values, the script after the title page)."""
    lines = text.split("\n")
    first = _TITLE_KEY_RE.match(lines[0]) if lines else None
    # "FADE IN:" also looks like a key: a title page must open with one of the spec's keys.
    if not first or first.group(1).strip().lower() not in _TITLE_PAGE_KEYS:
        return {}, text
    fields: dict[str, list[str]] = {}
    key = ""
    end = len(lines)
    for index, line in enumerate(lines):
        if not line.strip():
            end = index
            break
        match = _TITLE_KEY_RE.match(line)
        if match and not line.startswith((" ", "\t")):
            key = match.group(1).strip().lower()
            fields[key] = [match.group(2).strip()] if match.group(2).strip() else []
        elif key and line.startswith((" ", "\t")):
            fields[key].append(line.strip())
        else:  # not a title page after all
            return {}, text
    values = {k: "\n".join(v) for k, v in fields.items()}
    return values, "\n".join(lines[end + 1 :])


def _is_heading(line: str) -> bool:
    return bool(_SCENE_HEADING_RE.match(line) or _FORCED_HEADING_RE.match(line))


def _heading_title(line: str) -> str:
    title = line[1:] if _FORCED_HEADING_RE.match(line) else line
    return _SCENE_NUMBER_RE.sub("", title).strip()


def read_fountain(path: Path) -> BookDraft:
    """A Fountain screenplay as a book draft of content type "screenplay"."""
    meta, body = split_title_page(read_text_file(path))
    lines = body.split("\n")
    section_depths = [
        len(m.group(1)) for line in lines if (m := _SECTION_RE.match(line)) and m.group(2)
    ]
    act_depth = min(section_depths) if section_depths else None

    chapters: list[ChapterDraft] = []
    scene_lines: list[str] = []
    scene_title = ""
    in_boneyard = False
    prev_blank = True

    def close_scene() -> None:
        nonlocal scene_title
        text = "\n".join(scene_lines).strip("\n")
        scene_lines.clear()
        if text.strip():
            if not chapters:
                chapters.append(ChapterDraft())
            chapters[-1].scenes.append(SceneDraft(title=scene_title, text=text))
        scene_title = ""

    for index, line in enumerate(lines):
        stripped = line.strip()
        if in_boneyard:
            in_boneyard = "*/" not in line
        elif "/*" in line and "*/" not in line.split("/*", 1)[1]:
            in_boneyard = True
        elif (
            act_depth is not None
            and (m := _SECTION_RE.match(stripped))
            and len(m.group(1)) == act_depth
            and m.group(2)
        ):
            close_scene()
            chapters.append(ChapterDraft(title=m.group(2)))
            prev_blank = True
            continue
        elif prev_blank and _is_heading(stripped):
            # The spec wants a blank line after a heading too; scripts in the wild often skip it.
            next_line = lines[index + 1] if index + 1 < len(lines) else ""
            if not _SCENE_HEADING_RE.match(stripped) or not next_line.strip() or stripped.isupper():
                close_scene()
                scene_title = _heading_title(stripped)
        scene_lines.append(line)
        prev_blank = not stripped
    close_scene()

    draft = BookDraft(
        title=_plain(meta.get("title", "")),
        author=_plain(meta.get("author") or meta.get("authors") or ""),
        content_type="screenplay",
        chapters=chapters or [ChapterDraft()],
    )
    extra: dict[str, Any] = {}
    if meta:
        extra["title_page"] = meta
    draft.metadata = extra
    return draft
