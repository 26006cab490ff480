"""Manuscript text to a script a speech engine can read.

A chapter becomes a list of :class:`SpokenParagraph`: its heading announced, then each
paragraph as runs of text per voice (see :mod:`core.narration.dialogue`), each followed by a
pause: short after a paragraph, longer after a heading, a scene break and the chapter's end.
Text is made speakable on the way: Markdown removed, the book's pronunciation lexicon
applied, symbols an engine would spell out or choke on replaced or dropped, and very long
paragraphs cut at sentence ends into clips of a bounded size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.narration.dialogue import DialogueTracker
from core.text import Heading, Paragraph, SceneBreak, parse_blocks, parse_inline


@dataclass(frozen=True)
class Pauses:
    """Silences in milliseconds."""

    paragraph: int = 600
    voice_change: int = 250  # between clips of one paragraph (narration and quoted speech)
    heading: int = 1000
    scene_break: int = 1800
    chapter_end: int = 2500

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | None) -> Pauses:
        data = data or {}
        defaults = cls()
        values = {}
        for name in ("paragraph", "voice_change", "heading", "scene_break", "chapter_end"):
            raw = data.get(name, getattr(defaults, name))
            values[name] = (
                max(0, min(10_000, int(raw)))
                if isinstance(raw, int | float)
                else getattr(defaults, name)
            )
        return cls(**values)


# Clips longer than this are cut at sentence ends: the engine's memory and one cache entry
# stay small, and a huge paragraph still renders in parallel.
MAX_CLIP_CHARS = 1500


@dataclass(frozen=True)
class Clip:
    """Text for one voice: ``speaker`` is a character id, or None for the narrator."""

    text: str
    speaker: str | None = None


@dataclass
class SpokenParagraph:
    """One paragraph (or heading) as clips, and the silence after it."""

    clips: list[Clip]
    pause_after_ms: int
    source: str = ""  # the manuscript text, for showing and previewing
    is_heading: bool = False


@dataclass
class ChapterScript:
    """A chapter ready to speak."""

    number: int
    title: str
    paragraphs: list[SpokenParagraph] = field(default_factory=list)

    @property
    def clip_count(self) -> int:
        return sum(len(p.clips) for p in self.paragraphs)


_SYMBOL_WORDS = {
    "&": " and ", "%": " percent", "@": " at ", "+": " plus ", "=": " equals ",
    "°": " degrees", "§": " section ", "¶": " ", "№": " number ", "½": " a half",
    "¼": " a quarter", "¾": " three quarters", "×": " times ", "/": " ",
    "~": " ", "|": " ", "_": " ", "^": " ", "\\": " ", "<": " ", ">": " ",
    "*": " ", "#": " ",
}  # fmt: skip
_PUNCT_MAP = {
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
    "—": ", ", "–": ", ", "…": "...", "‐": "-", "‑": "-",
}  # fmt: skip
_REPEATED_PUNCT_RE = re.compile(r"([!?.,;:'\"()\-])\1{2,}")
_SPACE_RE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,.;:!?])")
_DOUBLE_COMMA_RE = re.compile(r",(?:\s*,)+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_HAS_WORD_RE = re.compile(r"\w")


def clean_symbols(text: str) -> str:
    """Text with symbols spoken as words or dropped (emoji, dingbats, control characters)."""
    out: list[str] = []
    for ch in text:
        if ch in _PUNCT_MAP:
            out.append(_PUNCT_MAP[ch])
        elif ch in _SYMBOL_WORDS:
            out.append(_SYMBOL_WORDS[ch])
        elif ch.isspace():
            out.append(" ")
        else:
            category = unicodedata.category(ch)
            # Letters, marks, numbers, punctuation and currency read well; other symbols
            # (emoji, arrows, box drawing, maths) and control/private characters do not.
            if category[0] in "LMNP" or category == "Sc":
                out.append(ch)
            else:
                out.append(" ")
    cleaned = _REPEATED_PUNCT_RE.sub(r"\1", "".join(out))
    cleaned = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", _SPACE_RE.sub(" ", cleaned))
    return _DOUBLE_COMMA_RE.sub(",", cleaned).strip().lstrip(", ")


def lexicon_pattern(lexicon: Mapping[str, str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A compiled whole-word matcher for a pronunciation lexicon (None when it is empty)."""
    entries = {k.strip().casefold(): v for k, v in lexicon.items() if k.strip()}
    if not entries:
        return None
    words = sorted(entries, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    return pattern, entries


def apply_lexicon(text: str, compiled: tuple[re.Pattern[str], dict[str, str]] | None) -> str:
    """Replace every lexicon word in ``text`` by its spoken form."""
    if compiled is None:
        return text
    pattern, entries = compiled
    return pattern.sub(lambda m: entries[m.group(1).casefold()], text)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (at ., ! and ? followed by space)."""
    return [s for s in _SENTENCE_END_RE.split(text) if s.strip()]


def chunk_text(text: str, limit: int = MAX_CLIP_CHARS) -> list[str]:
    """``text`` cut at sentence ends (or, for a run-on sentence, spaces) into pieces <= limit."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:  # a run-on sentence: cut at the last space before the limit
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


class ScriptBuilder:
    """Builds chapter scripts with one lexicon, dialogue tracker and set of pauses."""

    def __init__(
        self,
        *,
        lexicon: Mapping[str, str] | None = None,
        tracker: DialogueTracker | None = None,
        pauses: Pauses | None = None,
    ) -> None:
        self._lexicon = lexicon_pattern(lexicon or {})
        self.tracker = tracker
        self.pauses = pauses or Pauses()

    def speakable(self, text: str) -> str:
        """Plain text made ready for an engine ('' when nothing in it can be spoken)."""
        text = clean_symbols(apply_lexicon(text, self._lexicon))
        return text if _HAS_WORD_RE.search(text) else ""

    def paragraph(self, markdown: str, *, announce: bool = False) -> SpokenParagraph | None:
        """One paragraph of Markdown-subset text as clips (None when nothing is speakable)."""
        plain = "".join(span.text for span in parse_inline(markdown)).replace("\n", " ")
        runs: list[tuple[str, str | None]]
        if announce or self.tracker is None:
            runs = [(plain, None)]
        else:
            runs = [(r.text, r.speaker) for r in self.tracker.split(plain)]
        clips: list[Clip] = []
        for text, speaker in runs:
            spoken = self.speakable(text)
            if spoken:
                clips.extend(Clip(piece, speaker) for piece in chunk_text(spoken))
        if not clips:
            return None
        pause = self.pauses.heading if announce else self.pauses.paragraph
        return SpokenParagraph(clips, pause, source=markdown, is_heading=announce)

    def chapter(
        self, *, number: int, title: str, scenes: Iterable[tuple[str, str]]
    ) -> ChapterScript:
        """A chapter from its title and (scene title, scene text) pairs, in order."""
        script = ChapterScript(number=number, title=title or f"Chapter {number}")
        if self.tracker:
            self.tracker.reset()
        heading = self.paragraph(_announcement(number, title), announce=True)
        if heading:
            script.paragraphs.append(heading)
        for scene_index, (scene_title, text) in enumerate(scenes):
            if scene_index and script.paragraphs:
                _lengthen_last_pause(script, self.pauses.scene_break)
            if scene_title.strip():
                announced = self.paragraph(scene_title, announce=True)
                if announced:
                    script.paragraphs.append(announced)
            for block in parse_blocks(text):
                if isinstance(block, SceneBreak):
                    _lengthen_last_pause(script, self.pauses.scene_break)
                elif isinstance(block, Heading):
                    announced = self.paragraph(block.text, announce=True)
                    if announced:
                        script.paragraphs.append(announced)
                elif isinstance(block, Paragraph):
                    para = self.paragraph(block.text)
                    if para:
                        script.paragraphs.append(para)
        if script.paragraphs:
            _lengthen_last_pause(script, self.pauses.chapter_end)
        return script


def _announcement(number: int, title: str) -> str:
    title = title.strip()
    if not title:
        return f"Chapter {number}."
    # "Chapter One: The Keeper" already says which chapter it is.
    if re.match(r"^(chapter|part|book|prologue|epilogue|interlude)\b", title, re.IGNORECASE):
        return title
    return f"Chapter {number}. {title}"


def _lengthen_last_pause(script: ChapterScript, ms: int) -> None:
    last = script.paragraphs[-1] if script.paragraphs else None
    if last is not None:
        last.pause_after_ms = max(last.pause_after_ms, ms)
