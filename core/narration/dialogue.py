"""Who says what: quoted speech in a paragraph and the character it belongs to.

A quotation is given to a character by, in order of trust:

1. an explicit speaker tag at the start of the paragraph, ``[Holmes] “...”`` (the whole
   paragraph is that character's when it has no quotation marks: a letter, a note);
2. an attribution right after the quotation: ``“...,” said Holmes`` / ``“...,” Holmes
   remarked`` / ``“...,” returned the uncle`` (any of many speech verbs, said-bookisms too);
3. an attribution ending the text just before it: ``Holmes said, “...”``;
4. a pronoun attribution: ``I said`` / ``said I`` is the narrator's own line (a first-person
   book); ``he said`` / ``she answered`` goes to the last man or woman who spoke or was
   named; ``they said`` to the last speaker;
5. an action beat: ``“Sit.” Holmes pointed at the chair`` / ``Alice frowned. “No.”``;
6. a line with no attribution at all, in a conversation, goes to the other party: speakers
   alternate (``“What is his name?” / “Bingley.”``).

One speaker found in a paragraph speaks all of its quotations (``“Come,” said Tobias.
“Now.”``). Quotations nobody can be found for are read by the narrator.

A character's gender (for he and she) is given with it, or guessed from its name (Mr., Mrs.,
a title) and its codex description (:func:`guess_gender`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SPEECH_VERBS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "said says say asked asks replied replies answered answers whispered whispers shouted "
        "shouts cried cries called calls muttered mutters murmured murmurs added adds continued "
        "continues began begins exclaimed exclaims snapped snaps laughed laughs sighed sighs "
        "told tells yelled yells insisted insists protested protests agreed agrees demanded "
        "demands repeated repeats growled growls hissed hisses breathed breathes offered offers "
        "pleaded pleads admitted admits warned warns explained explains declared declares "
        "suggested suggests shrieked shrieks screamed screams sobbed sobs stammered stammers "
        "stuttered stutters gasped gasps grunted grunts barked barks remarked remarks observed "
        "observes returned returns retorted retorts responded responds rejoined rejoins "
        "interrupted interrupts interposed interposes inquired inquires enquired enquires "
        "queried queries urged urges persisted persists conceded concedes countered counters "
        "mused muses sneered sneers drawled drawls chuckled chuckles ventured ventures resumed "
        "resumes concluded concludes faltered falters promised promises reminded reminds "
        "assured assures cautioned cautions corrected corrects objected objects argued argues "
        "confessed confesses commented comments noted notes stated states announced announces "
        "mumbled mumbles grumbled grumbles wailed wails roared roars bellowed bellows thundered "
        "thunders croaked croaks purred purrs snarled snarls coaxed coaxes teased teases "
        "scoffed scoffs ejaculated quoth thought thinks wondered wonders begged begs prompted "
        "prompts pressed presses cooed coos piped pipes sang sings recited recites"
    ).split()
)
# Verbs of two words ("the March Hare went on").
SPEECH_PHRASES = ("went on", "broke in", "cut in", "put in", "chimed in", "spoke up")
FIRST_PERSON = ("i", "we")
GENDERED = {"he": "m", "she": "f"}
PRONOUNS = ("he", "she", "they", *FIRST_PERSON)
_VERB = (
    r"(?:"
    + "|".join(
        [re.escape(p).replace(r"\ ", r"\s+") for p in SPEECH_PHRASES]
        + sorted(SPEECH_VERBS, key=len, reverse=True)
    )
    + r")"
)
_ADVERB = r"(?:\w+ly\s+)?"
_PRONOUN = r"(" + "|".join(PRONOUNS) + r")"
# Opening and closing marks of the quotations we recognise.
_QUOTE_RE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»|„([^“”]*)[“”]")
_TAG_RE = re.compile(r"^\s*\[([^\]\n]{1,80})\]\s*:?\s*")
# How many paragraphs of narration may come between two lines of one conversation.
CONVERSATION_GAP = 2
# The narrator as a party to a conversation (a first-person book); read as None.
_NARRATOR = "\x00narrator"

_FEMALE_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "she her hers herself woman women girl lady mother sister daughter wife widow queen "
        "princess duchess aunt niece grandmother mrs mrs. miss ms ms. madam madame mademoiselle "
        "dame female"
    ).split()
)
_MALE_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "he him his himself man men boy gentleman father brother son husband widower king "
        "prince duke uncle nephew grandfather mr mr. sir lord master monsieur count baron male"
    ).split()
)
# Capitalised words of a name or alias that name nobody on their own ("His Majesty").
_NOT_NAMES = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "the his her their its our your mr. mrs. miss ms. dr. sir lord lady king queen "
        "prince princess count duke master mister madam madame old young little great"
    ).split()
)
_WORD_RE = re.compile(r"[a-z]+\.?", re.IGNORECASE)


def guess_gender(name: str, *texts: str) -> str | None:
    """ "f", "m" or None, from a title in the name (Mrs., Sir, the Count) or the words of
    its description (pronouns, woman, father...): the one that clearly outnumbers."""
    words = [w.casefold() for w in _WORD_RE.findall(name)]
    for word in words:
        if word in ("mrs", "mrs.", "miss", "ms", "ms.", "lady", "madame", "queen", "duchess"):
            return "f"
        if word in ("mr", "mr.", "sir", "lord", "king", "count", "duke", "baron", "prince"):
            return "m"
    female = male = 0
    for text in texts:
        for word in _WORD_RE.findall(text or ""):
            w = word.casefold()
            female += w in _FEMALE_WORDS
            male += w in _MALE_WORDS
    if female > male * 2 and female:
        return "f"
    if male > female * 2 and male:
        return "m"
    return None


@dataclass(frozen=True)
class SpeechRun:
    """A stretch of a paragraph and who reads it (a character id, or None for the narrator)."""

    text: str
    speaker: str | None


@dataclass
class SpeakerIndex:
    """Finds characters by name, alias, first or last name; knows their gender if given."""

    names: dict[str, str] = field(default_factory=dict)  # casefolded name -> character id
    genders: dict[str, str] = field(default_factory=dict)  # character id -> "f" | "m"
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, characters: Iterable[Sequence[object]]) -> SpeakerIndex:
        """From (id, name, aliases[, gender]) tuples; full names win over shared first or
        last names. A gender not given is guessed from the name."""
        index = cls()
        parts: dict[str, set[str]] = {}
        for entry in characters:
            char_id, name, aliases = str(entry[0]), str(entry[1]), list(entry[2])  # type: ignore[call-overload]
            gender = entry[3] if len(entry) > 3 else None
            gender = gender or guess_gender(name)
            if gender in ("f", "m"):
                index.genders[char_id] = str(gender)
            for full in [name, *aliases]:
                full = str(full).strip()
                if full:
                    index.names.setdefault(full.casefold(), char_id)
                    for token in full.split():
                        if (
                            len(token) >= 3
                            and token[0].isupper()
                            and token.casefold() not in _NOT_NAMES
                        ):
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

    def mentioned(self, text: str) -> list[str]:
        """The characters named in ``text``, in order."""
        if self._pattern is None:
            return []
        found = (self.lookup(m.group(1)) for m in self._pattern.finditer(text))
        return [f for f in found if f]


class DialogueTracker:
    """Splits paragraphs into narrator and character runs, remembering who spoke last, who
    was named, and the parties of the conversation going on."""

    def __init__(self, index: SpeakerIndex) -> None:
        self.index = index
        self.last_speaker: str | None = None
        self._last_of: dict[str, str] = {}  # gender -> the last such character
        self._turns: list[str] = []  # the conversation's speakers, latest last
        self._quiet = 0  # paragraphs of narration since the last line of dialogue
        name = index.name_re
        lead = r"^[\s,;:—–-]*"
        self._after_verb_name = re.compile(rf"{lead}{_VERB}\s+{name}", re.IGNORECASE)
        self._after_name_verb = re.compile(rf"{lead}{name}\s+{_ADVERB}{_VERB}\b", re.IGNORECASE)
        self._after_pronoun = re.compile(
            rf"{lead}(?:{_VERB}\s+{_PRONOUN}\b|{_PRONOUN}\s+{_ADVERB}{_VERB}\b)", re.IGNORECASE
        )
        self._before_name = re.compile(
            rf"{name}(?![\w])[^.!?“”\"]{{0,80}}?\b{_VERB}\b[^.!?“”\"]*[,:—–-]+\s*$",
            re.IGNORECASE,
        )
        self._before_pronoun = re.compile(
            rf"\b{_PRONOUN}\s+(?:\w+\s+){{0,8}}?{_ADVERB}{_VERB}\b[^.!?“”\"]*[,:—–-]+\s*$",
            re.IGNORECASE,
        )
        self._beat_after = re.compile(rf"^\s*{name}\s+\w+", re.IGNORECASE)
        self._beat_after_pronoun = re.compile(r"^\s*(he|she)\s+\w+", re.IGNORECASE)
        self._beat_before = re.compile(
            rf"(?:^|[.!?]\s+){name}\s+[^.!?“”\"]*[.!?]\s*$", re.IGNORECASE
        )

    def reset(self) -> None:
        """Forget the conversation (a new chapter or scene)."""
        self.last_speaker = None
        self._last_of.clear()
        self._turns.clear()
        self._quiet = 0

    # ------------------------------------------------------------------ splitting

    def split(self, text: str) -> list[SpeechRun]:
        """The paragraph as runs of narrator and character speech, in order."""
        text, tagged, quotes, speakers = self._read(text)
        if not quotes:
            return [SpeechRun(text, tagged)] if text.strip() else []
        runs: list[SpeechRun] = []
        pos = 0
        for m, speaker in zip(quotes, speakers, strict=True):
            if m.start() > pos:
                runs.append(SpeechRun(text[pos : m.start()], None))
            spoken = next(g for g in m.groups() if g is not None)
            runs.append(SpeechRun(spoken, speaker))
            pos = m.end()
        if pos < len(text):
            runs.append(SpeechRun(text[pos:], None))
        return _merge([r for r in runs if r.text.strip()])

    def attribute(self, text: str) -> list[str | None]:
        """Who speaks each quotation of the paragraph, in order (None: the narrator)."""
        return self._read(text)[3]

    def _read(self, text: str) -> tuple[str, str | None, list[re.Match[str]], list[str | None]]:
        """The paragraph without its speaker tag, the tag's character, its quotations and who
        speaks each; the conversation so far is updated with what it says."""
        tag = _TAG_RE.match(text)
        tagged: str | None = None
        if tag:
            tagged = self.index.lookup(tag.group(1))
            text = text[tag.end() :]
        quotes = list(_QUOTE_RE.finditer(text))
        if tagged:
            self._spoke(tagged)
            return text, tagged, quotes, [tagged] * len(quotes)
        if not quotes:
            self._narration(text)
            return text, None, quotes, []
        return text, None, quotes, self._attribute_all(text, quotes)

    def _attribute_all(self, text: str, quotes: list[re.Match[str]]) -> list[str | None]:
        found: list[str | None] = []  # a character id, _NARRATOR, or None: not found
        for i, m in enumerate(quotes):
            head = text[quotes[i - 1].end() if i else 0 : m.start()]
            tail_end = quotes[i + 1].start() if i + 1 < len(quotes) else len(text)
            tail = text[m.end() : tail_end]
            who = self._attribution(head, tail)
            if who is None:
                who = self._beat(head if i == 0 else "", tail)
            found.append(who)
            # Names in the narration around a line count for the pronouns after it.
            self._note_mentions(head)
        known = {s for s in found if s}
        if known:
            fallback = next(iter(known)) if len(known) == 1 else None
            speakers = [s or fallback for s in found]
        else:
            speakers = [self._alternate()] * len(found)
        self._note_mentions(text[quotes[-1].end() :])
        for speaker in speakers:
            if speaker:
                self._spoke(speaker)
        if not any(speakers):
            self._quiet = 0  # a line nobody was found for still belongs to the conversation
        return [None if s in (None, _NARRATOR) else s for s in speakers]

    # ------------------------------------------------------------------ the rules

    def _attribution(self, head: str, tail: str) -> str | None:
        for pattern in (self._after_verb_name, self._after_name_verb):
            m = pattern.search(tail)
            if m:
                return self.index.lookup(m.group(1))
        m = self._after_pronoun.search(tail)
        if m:
            return self._pronoun(m.group(1) or m.group(2))
        m = self._before_name.search(head)
        if m:
            return self.index.lookup(m.group(1))
        m = self._before_pronoun.search(head)
        if m:
            return self._pronoun(m.group(1))
        return None

    def _beat(self, head: str, tail: str) -> str | None:
        """The subject of the action right after the line, or of the sentence before it."""
        m = self._beat_after.search(tail)
        if m:
            return self.index.lookup(m.group(1))
        m = self._beat_after_pronoun.search(tail)
        if m:
            return self._pronoun(m.group(1))
        m = self._beat_before.search(head)
        if m:
            return self.index.lookup(m.group(1))
        return None

    def _pronoun(self, pronoun: str) -> str | None:
        word = pronoun.casefold()
        if word in FIRST_PERSON:
            return _NARRATOR
        gender = GENDERED.get(word)
        if gender is not None:
            last = self.last_speaker
            if last and last != _NARRATOR and self.index.genders.get(last) == gender:
                return last
            return self._last_of.get(gender) or (
                last if last and last != _NARRATOR and last not in self.index.genders else None
            )
        return self.last_speaker if self.last_speaker != _NARRATOR else None

    def _alternate(self) -> str | None:
        """The other party of the conversation, for a line without any attribution."""
        if self._quiet > CONVERSATION_GAP or not self._turns:
            return None
        last = self._turns[-1]
        for earlier in reversed(self._turns[:-1]):
            if earlier != last:
                return earlier
        return None

    # ------------------------------------------------------------------ memory

    def _spoke(self, speaker: str) -> None:
        self.last_speaker = speaker
        gender = self.index.genders.get(speaker)
        if gender:
            self._last_of[gender] = speaker
        if not self._turns or self._turns[-1] != speaker:
            self._turns.append(speaker)
            del self._turns[:-6]
        self._quiet = 0

    def _narration(self, text: str) -> None:
        if text.strip():
            self._quiet += 1
            if self._quiet > CONVERSATION_GAP:
                self._turns.clear()
        self._note_mentions(text)

    def _note_mentions(self, text: str) -> None:
        """Characters named in narration: the he or she of the next line, and a party to the
        conversation that is about to begin (``Mr. Bennet made no answer.``)."""
        for char_id in self.index.mentioned(text):
            gender = self.index.genders.get(char_id)
            if gender:
                self._last_of[gender] = char_id
            if (
                char_id != (self._turns[-1] if self._turns else None)
                and char_id not in self._turns[-2:]
            ):
                self._turns.insert(max(0, len(self._turns) - 1), char_id)
                del self._turns[:-6]


def _merge(runs: list[SpeechRun]) -> list[SpeechRun]:
    out: list[SpeechRun] = []
    for run in runs:
        if out and out[-1].speaker == run.speaker:
            out[-1] = SpeechRun(out[-1].text.rstrip() + " " + run.text.lstrip(), run.speaker)
        else:
            out.append(run)
    return out
