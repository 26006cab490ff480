"""A scene as a panel script: what each panel shows, its caption, and who says what.

Two ways in: :func:`heuristic_script` (paragraphs become panels, quoted speech becomes
balloons, the speaker found from "said Mara" / "Mara asked" or the last name seen), and
:mod:`core.imaging.claude_script`, which asks Claude for the same structure. Both end in
:func:`normalised`, which bounds what a page can hold (three balloons per panel, short captions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.text import Paragraph, parse_blocks, parse_inline

MAX_LINES_PER_PANEL = 3
MAX_CAPTION_CHARS = 220
MAX_DESCRIPTION_CHARS = 400

_QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")
_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+")
_SAY = r"(?:said|says|asked|asks|replied|whispered|shouted|called|cried|muttered|answered)"
_AFTER_RE = re.compile(rf"^\W*{_SAY}\s+([A-Z][\w'’-]+)|^\W*([A-Z][\w'’-]+)\s+{_SAY}")
_BEFORE_RE = re.compile(rf"([A-Z][\w'’-]+)\s+{_SAY}\W*$")
_NAME_RE = re.compile(r"\b([A-Z][a-z][\w'’-]+)\b")
_NOT_NAMES = {
    "The", "A", "An", "And", "But", "That", "This", "Then", "There", "When", "What", "She",
    "He", "They", "It", "His", "Her", "At", "In", "On", "Spring", "Winter", "Come", "You",
}  # fmt: skip


@dataclass
class DialogueLine:
    speaker: str
    text: str


@dataclass
class Panel:
    description: str
    caption: str = ""
    dialogue: list[DialogueLine] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        seen: list[str] = []
        for line in self.dialogue:
            if line.speaker not in seen:
                seen.append(line.speaker)
        return seen


@dataclass
class PanelScript:
    title: str
    panels: list[Panel]
    source: str = "heuristic"  # or "claude"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "panels": [
                {
                    "description": p.description,
                    "caption": p.caption,
                    "dialogue": [{"speaker": d.speaker, "text": d.text} for d in p.dialogue],
                }
                for p in self.panels
            ],
        }


def _first_sentences(text: str, limit: int) -> str:
    out = ""
    for sentence in _SENTENCE_RE.split(text.strip()):
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def _speaker_for(before: str, after: str, known: list[str], last: str) -> str:
    m = _AFTER_RE.search(after)
    if m:
        return m.group(1) or m.group(2)
    m = _BEFORE_RE.search(before)
    if m:
        return m.group(1)
    names = [n for n in _NAME_RE.findall(before + " " + after) if n not in _NOT_NAMES]
    for name in names:
        if name in known:
            return name
    return names[0] if names else last


def _paragraph_panel(text: str, known: list[str], last: str) -> tuple[Panel, str]:
    lines: list[DialogueLine] = []
    quotes = list(_QUOTE_RE.finditer(text))
    for i, m in enumerate(quotes):
        before = text[quotes[i - 1].end() if i else 0 : m.start()]
        after = text[m.end() : quotes[i + 1].start() if i + 1 < len(quotes) else len(text)]
        speaker = _speaker_for(before, after, known, last) or "Voice"
        lines.append(DialogueLine(speaker, m.group(1).strip().rstrip(",")))
        last = speaker
        if speaker not in known:
            known.append(speaker)
    narration = _QUOTE_RE.sub(" ", text)
    narration = re.sub(rf"\b{_SAY}\s+[A-Z][\w'’-]+\b|\b[A-Z][\w'’-]+\s+{_SAY}\b", " ", narration)
    narration = (
        re.sub(r"\s+([,.;!?])", r"\1", re.sub(r"\s+", " ", narration))
        .lstrip(" ,.;!?—-")
        .rstrip(" ,;—-")
    )
    description = _first_sentences(narration or text, MAX_DESCRIPTION_CHARS)
    caption = (
        "" if lines and len(narration) < 40 else _first_sentences(narration, MAX_CAPTION_CHARS)
    )
    return Panel(description=description, caption=caption, dialogue=lines), last


def heuristic_script(
    title: str, scene_text: str, characters: list[str] | None = None
) -> PanelScript:
    """Split a scene (Markdown subset) into panels: one per paragraph, speech as balloons."""
    known = list(characters or [])
    last = ""
    panels: list[Panel] = []
    for block in parse_blocks(scene_text):
        if not isinstance(block, Paragraph):
            continue
        text = "".join(span.text for span in parse_inline(block.text)).strip()
        if not text:
            continue
        panel, last = _paragraph_panel(text, known, last)
        panels.append(panel)
    return normalised(PanelScript(title=title, panels=panels, source="heuristic"))


def normalised(script: PanelScript) -> PanelScript:
    """Bound the script to what pages can letter: long dialogue continues in a new panel."""
    panels: list[Panel] = []
    for panel in script.panels:
        caption = _first_sentences(panel.caption, MAX_CAPTION_CHARS) if panel.caption else ""
        lines = [d for d in panel.dialogue if d.text.strip()]
        first = Panel(
            panel.description.strip()[:MAX_DESCRIPTION_CHARS], caption, lines[:MAX_LINES_PER_PANEL]
        )
        panels.append(first)
        rest = lines[MAX_LINES_PER_PANEL:]
        while rest:
            panels.append(Panel(first.description, "", rest[:MAX_LINES_PER_PANEL]))
            rest = rest[MAX_LINES_PER_PANEL:]
    if not panels:
        panels = [Panel(description=script.title or "An empty scene", caption=script.title)]
    return PanelScript(script.title, panels, script.source, list(script.warnings))
