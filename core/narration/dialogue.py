"""Who says what: quoted speech in a paragraph and the character it belongs to.

A quotation is given to a character by, in order of trust:

1. an explicit speaker tag at the start of the paragraph, ``[Holmes] “...”`` (the whole
   paragraph is that character's when it has no quotation marks: a letter, a note);
2. an attribution right after the quotation: ``“...,” said Holmes`` / ``“...,” Holmes said``;
3. an attribution ending the text just before it: ``Holmes said, “...”``;
4. a pronoun attribution (``he said``, ``she asked``) goes to the last named speaker.

One speaker found in a paragraph speaks all of its quotations (``“Come,” said Tobias.
“Now.”``). Quotations nobody can be found for are read by the narrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SPEECH_VERBS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "said says say asked asks replied replies answered answers whispered whispers shouted "
        "shouts cried cries called calls muttered mutters murmured murmurs added adds continued "
        "continues began begins exclaimed exclaims snapped snaps laughed laughs sighed sighs "
        "told tells yelled yells insisted insists protested protests agreed agrees demanded "
        "demands repeated repeats growled growls hissed hisses breathed breathes offered offers "
        "pleaded pleads admitted admits warned warns explained explains declared declares "
        "suggested suggests called shrieked screamed sobbed stammered stuttered gasped grunted "
        "barked"
    ).split()
)
PRONOUNS = ("he", "she", "they", "i", "we")
_VERB = r"(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")"
_ADVERB = r"(?:\w+ly\s+)?"
# Opening and closing marks of the quotations we recognise.
_QUOTE_RE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»|„([^“”]*)[“”]")
_TAG_RE = re.compile(r"^\s*\[([^\]\n]{1,80})\]\s*:?\s*")


@dataclass(frozen=True)
class SpeechRun:
    """A stretch of a paragraph and who reads it (a character id, or None for the narrator)."""

    text: str
    speaker: str | None


@dataclass
class SpeakerIndex:
    """Finds characters by name, alias, first or last name."""

    names: dict[str, str] = field(default_factory=dict)  # casefolded name -> character id
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, characters: list[tuple[str, str, list[str]]]) -> SpeakerIndex:
        """From (id, name, aliases) triples; full names win over shared first/last names."""
        index = cls()
        parts: dict[str, set[str]] = {}
        for char_id, name, aliases in characters:
            for full in [name, *aliases]:
                full = full.strip()
                if full:
                    index.names.setdefault(full.casefold(), char_id)
                    for token in full.split():
                        if len(token) >= 3 and token[0].isupper():
                            parts.setdefault(token.casefold(), set()).add(char_id)
        for token, ids in parts.items():
            if len(ids) == 1:  # a first name two characters share identifies neither
                index.names.setdefault(token, next(iter(ids)))
        if index.names:
            alternatives = sorted(index.names, key=len, reverse=True)
            index._pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
        return index

    @property
    def name_re(self) -> str:
        return self._pattern.pattern if self._pattern else r"(?!x)x"

    def lookup(self, name: str) -> str | None:
        return self.names.get(name.strip().casefold())


class DialogueTracker:
    """Splits paragraphs into narrator and character runs, remembering the last speaker."""

    def __init__(self, index: SpeakerIndex) -> None:
        self.index = index
        self.last_speaker: str | None = None
        name = index.name_re
        self._after_verb_name = re.compile(rf"^[\s,;:—–-]*{_VERB}\s+{name}", re.IGNORECASE)
        self._after_name_verb = re.compile(
            rf"^[\s,;:—–-]*{name}\s+{_ADVERB}{_VERB}\b", re.IGNORECASE
        )
        self._after_pronoun = re.compile(
            rf"^[\s,;:—–-]*(?:{_VERB}\s+(?:{'|'.join(PRONOUNS)})\b|(?:{'|'.join(PRONOUNS)})\s+{_ADVERB}{_VERB}\b)",
            re.IGNORECASE,
        )
        self._before_name = re.compile(
            rf"{name}(?![\w])[^.!?“”\"]{{0,60}}?\b{_VERB}\b[^.!?“”\"]*[,:]\s*$", re.IGNORECASE
        )
        self._before_pronoun = re.compile(
            rf"\b(?:{'|'.join(PRONOUNS)})\s+{_ADVERB}{_VERB}\b[^.!?“”\"]*[,:]\s*$", re.IGNORECASE
        )

    def reset(self) -> None:
        """Forget the last speaker (a new chapter or scene)."""
        self.last_speaker = None

    def split(self, text: str) -> list[SpeechRun]:
        """The paragraph as runs of narrator and character speech, in order."""
        tag = _TAG_RE.match(text)
        tagged: str | None = None
        if tag:
            tagged = self.index.lookup(tag.group(1))
            text = text[tag.end() :]
        quotes = list(_QUOTE_RE.finditer(text))
        if not quotes:
            if tagged:
                self.last_speaker = tagged
            return [SpeechRun(text, tagged)] if text.strip() else []
        speakers: list[str | None] = []
        for i, m in enumerate(quotes):
            head = text[quotes[i - 1].end() if i else 0 : m.start()]
            tail_end = quotes[i + 1].start() if i + 1 < len(quotes) else len(text)
            tail = text[m.end() : tail_end]
            speakers.append(self._attribute(head, tail))
        known = {s for s in speakers if s}
        fallback = tagged or (next(iter(known)) if len(known) == 1 else None)
        speakers = [tagged or s or fallback for s in speakers]
        runs: list[SpeechRun] = []
        pos = 0
        for m, speaker in zip(quotes, speakers, strict=True):
            if m.start() > pos:
                runs.append(SpeechRun(text[pos : m.start()], None))
            spoken = next(g for g in m.groups() if g is not None)
            runs.append(SpeechRun(spoken, speaker))
            pos = m.end()
            if speaker:
                self.last_speaker = speaker
        if pos < len(text):
            runs.append(SpeechRun(text[pos:], None))
        return _merge([r for r in runs if r.text.strip()])

    def _attribute(self, head: str, tail: str) -> str | None:
        for pattern in (self._after_verb_name, self._after_name_verb):
            m = pattern.search(tail)
            if m:
                return self.index.lookup(m.group(1))
        if self._after_pronoun.search(tail):
            return self.last_speaker
        m = self._before_name.search(head)
        if m:
            return self.index.lookup(m.group(1))
        if self._before_pronoun.search(head):
            return self.last_speaker
        return None


def _merge(runs: list[SpeechRun]) -> list[SpeechRun]:
    out: list[SpeechRun] = []
    for run in runs:
        if out and out[-1].speaker == run.speaker:
            out[-1] = SpeechRun(out[-1].text.rstrip() + " " + run.text.lstrip(), run.speaker)
        else:
            out.append(run)
    return out
