"""What each line of a scene is: the kinds the editor styles and lays out.

Markdown-subset scenes: blank lines, paragraphs, headings and scene breaks, decided exactly as
:func:`core.text.parse_blocks` decides them. Fountain scenes: the elements a screenwriter
expects (scene headings, action, character cues, parentheticals, dialogue, transitions ...).
Kinds are small ints because they are kept as each QTextBlock's highlighter state.
"""

from __future__ import annotations

import re
from enum import IntEnum

from core.text.markdown_subset import HEADING_RE, is_scene_break


class Kind(IntEnum):
    NONE = -1  # before the first line
    BLANK = 1
    PARAGRAPH = 2
    SCENE_BREAK = 3
    HEADING_1 = 11
    HEADING_2 = 12
    HEADING_3 = 13
    HEADING_4 = 14
    HEADING_5 = 15
    HEADING_6 = 16
    # Fountain
    F_BLANK = 20
    ACTION = 21
    SCENE_HEADING = 22
    CHARACTER = 23
    DIALOGUE = 24
    PARENTHETICAL = 25
    TRANSITION = 26
    CENTERED = 27
    SECTION = 28
    SYNOPSIS = 29
    NOTE = 30
    PAGE_BREAK = 31
    LYRIC = 32


HEADINGS = {Kind.HEADING_1, Kind.HEADING_2, Kind.HEADING_3, Kind.HEADING_4, Kind.HEADING_5,
            Kind.HEADING_6}  # fmt: skip
_AFTER_WHICH_A_HEADING_MAY_START = {Kind.NONE, Kind.BLANK, Kind.SCENE_BREAK, *HEADINGS}


def markdown_kind(line: str, previous: int) -> Kind:
    """The kind of a Markdown-subset line, given the kind of the line before it."""
    if not line.strip():
        return Kind.BLANK
    if is_scene_break(line.rstrip()):
        return Kind.SCENE_BREAK
    # A heading only starts a paragraph (core reads "#" mid-paragraph as text).
    if previous in _AFTER_WHICH_A_HEADING_MAY_START:
        match = HEADING_RE.match(line.rstrip())
        if match:
            return Kind(Kind.HEADING_1 + len(match.group(1)) - 1)
    return Kind.PARAGRAPH


_SCENE_HEADING_RE = re.compile(r"^(?:int|ext|est|int\.?/ext|i/e)[. ]", re.IGNORECASE)
_TRANSITION_RE = re.compile(r"^[A-Z0-9 .'-]*TO:$")
_CUE_RE = re.compile(r"^[^a-z]*[A-Z][^a-z]*?(?:\s*\(.*\))?\s*\^?$")
_DIALOGUE_CHAIN = {Kind.CHARACTER, Kind.DIALOGUE, Kind.PARENTHETICAL, Kind.LYRIC}


def fountain_kind(line: str, previous: int, next_line: str) -> Kind:
    """The Fountain element a line is, given the previous line's kind and the next line."""
    stripped = line.strip()
    if not stripped:
        # Two spaces keep a dialogue block going across an empty-looking line.
        if line == "  " and previous in _DIALOGUE_CHAIN:
            return Kind.DIALOGUE
        return Kind.F_BLANK
    starts_element = previous in (Kind.NONE, Kind.F_BLANK)
    if re.fullmatch(r"={3,}", stripped):
        return Kind.PAGE_BREAK
    if stripped.startswith("#"):
        return Kind.SECTION
    if stripped.startswith("=") and not stripped.startswith("=="):
        return Kind.SYNOPSIS
    if stripped.startswith("[[") and stripped.endswith("]]"):
        return Kind.NOTE
    if stripped.startswith(">") and stripped.endswith("<"):
        return Kind.CENTERED
    if stripped.startswith("~"):
        return Kind.LYRIC
    if previous in _DIALOGUE_CHAIN:
        if stripped.startswith("(") and stripped.endswith(")"):
            return Kind.PARENTHETICAL
        return Kind.DIALOGUE
    if starts_element:
        if stripped.startswith("!"):
            return Kind.ACTION
        if (stripped.startswith(".") and not stripped.startswith("..")) or _SCENE_HEADING_RE.match(
            stripped
        ):
            return Kind.SCENE_HEADING
        if stripped.startswith(">") or (_TRANSITION_RE.match(stripped) and not next_line.strip()):
            return Kind.TRANSITION
        if next_line.strip() and (stripped.startswith("@") or _CUE_RE.match(stripped)):
            return Kind.CHARACTER
    return Kind.ACTION
