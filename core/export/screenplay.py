"""Fountain text to screenplay elements, for the screenplay and stage-play PDF layouts.

Follows the Fountain syntax (fountain.io): scene headings (INT./EXT. or forced ``.``),
action (forced ``!``), character cues (upper case before dialogue, forced ``@``),
parentheticals, dialogue, transitions (``... TO:`` or forced ``>``), centred text
(``>text<``), lyrics (``~``), page breaks (``===``); sections (``#``), synopses (``=``),
notes (``[[...]]``) and boneyard (``/* ... */``) do not print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    CHARACTER = "character"
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    TRANSITION = "transition"
    CENTERED = "centered"
    LYRICS = "lyrics"
    PAGE_BREAK = "page_break"


@dataclass(frozen=True, slots=True)
class Element:
    kind: Kind
    text: str


SCENE_HEADING_RE = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E|INT\./EXT)[.\s]", re.IGNORECASE)
_TRANSITION_RE = re.compile(r"^[A-Z0-9 .'\-]+TO:$")
_NOTE_RE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_BONEYARD_RE = re.compile(r"/\*.*?\*/", re.DOTALL)


def is_scene_heading(line: str) -> bool:
    """True if ``line`` is a Fountain scene heading (natural or forced with a dot)."""
    line = line.strip()
    return bool(SCENE_HEADING_RE.match(line)) or (
        line.startswith(".") and not line.startswith("..") and len(line) > 1
    )


def _is_character(line: str) -> bool:
    line = line.strip()
    if line.startswith("@"):
        return len(line) > 1
    name = re.sub(r"\(.*?\)", "", line).rstrip("^ ").strip()
    return (
        bool(name)
        and any(ch.isalpha() for ch in name)
        and name == name.upper()
        and not (name.endswith("TO:"))
    )


def strip_title_page(text: str) -> tuple[dict[str, str], str]:
    """(title page keys, the rest) if ``text`` opens with a Fountain title page."""
    lines = text.split("\n")
    if not lines or not re.match(r"^[A-Za-z][A-Za-z ]*:", lines[0]):
        return {}, text
    meta: dict[str, str] = {}
    key = ""
    i = 0
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        match = re.match(r"^([A-Za-z][A-Za-z ]*):\s*(.*)$", line)
        if match and not line.startswith((" ", "\t")):
            key = match.group(1).strip().lower()
            meta[key] = match.group(2).strip()
        elif key:
            meta[key] = (meta[key] + "\n" + line.strip()).strip()
        i += 1
    return meta, "\n".join(lines[i:])


def parse_fountain(text: str) -> list[Element]:
    """The printable elements of Fountain ``text`` in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BONEYARD_RE.sub("", _NOTE_RE.sub("", text))
    lines = text.split("\n")
    out: list[Element] = []
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        line = raw.strip()
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= n or not lines[i + 1].strip()
        i += 1
        if not line:
            continue
        if line.startswith(("#", "=")) and not re.fullmatch(r"={3,}", line):
            continue  # sections and synopses do not print
        if re.fullmatch(r"={3,}", line):
            out.append(Element(Kind.PAGE_BREAK, ""))
        elif line.startswith("!"):
            out.append(Element(Kind.ACTION, line[1:]))
        elif line.startswith(">") and line.endswith("<"):
            out.append(Element(Kind.CENTERED, line[1:-1].strip()))
        elif line.startswith(">"):
            out.append(Element(Kind.TRANSITION, line[1:].strip().upper()))
        elif line.startswith("~"):
            out.append(Element(Kind.LYRICS, line[1:].strip()))
        elif prev_blank and is_scene_heading(line):
            heading = line[1:] if line.startswith(".") else line
            out.append(Element(Kind.SCENE_HEADING, heading.strip().upper()))
        elif prev_blank and next_blank and _TRANSITION_RE.match(line):
            out.append(Element(Kind.TRANSITION, line))
        elif prev_blank and not next_blank and _is_character(line):
            name = line[1:] if line.startswith("@") else line
            out.append(Element(Kind.CHARACTER, name.rstrip("^ ").strip()))
            while i < n and lines[i].strip():
                spoken = lines[i].strip()
                i += 1
                if spoken.startswith("(") and spoken.endswith(")"):
                    out.append(Element(Kind.PARENTHETICAL, spoken))
                elif out[-1].kind is Kind.DIALOGUE:
                    out[-1] = Element(Kind.DIALOGUE, out[-1].text + "\n" + spoken)
                else:
                    out.append(Element(Kind.DIALOGUE, spoken))
        else:
            # Action keeps its line breaks; consecutive lines form one block.
            if out and out[-1].kind is Kind.ACTION and not prev_blank:
                out[-1] = Element(Kind.ACTION, out[-1].text + "\n" + raw.rstrip())
            else:
                out.append(Element(Kind.ACTION, raw.rstrip().lstrip("\t")))
    return out
