"""Reading a request: its words made canonical, and what it names.

``read_request`` turns "narate the 3rd chapter in a deeper voice" into canonical tokens
(``narrate``, ``chapter``, ``voice``...) with typos mended against the vocabulary, and the
things a command's arguments are made of: emails, a role, formats, a trim size, chapter and
scene numbers (digits, number words, ordinals, "the last", or a chapter's title), quoted
text, codex names, a cover style. Word order does not matter to what is found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from core.commands import vocabulary as v
from core.commands.context import RequestContext

_QUOTED = re.compile(
    r"[\"“”«»„]\s*([^\"“”«»„]+?)\s*[\"“”«»]|(?:^|(?<=\s))['‘]([^'‘’]+)['’](?=[\s.,!?;:]|$)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRIM = re.compile(
    r"\b(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:x|×|\*|by|par|mal|por)\s*(\d{1,2}(?:[.,]\d{1,2})?)\b"
    r"(?:\s*(?:in|inch|inches|\"|”))?",
    re.IGNORECASE,
)
_A_SIZES = re.compile(r"\b(a[45])\b", re.IGNORECASE)
_GLUED = re.compile(r"\b(ch|chap|chapter|sc|scene)\.?(\d+)\b", re.IGNORECASE)
_PATH = re.compile(
    r"(?:^|\s)((?:~|\.{1,2})?[\w./\\~-]*\w\."
    r"(?:md|markdown|txt|docx|epub|fountain|zip|png|jpg|jpeg|wav))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def fold(text: str) -> str:
    """Lower case without accents: the form every lookup uses."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def _known_words() -> frozenset[str]:
    from core.commands.catalog import CATALOG

    words: set[str] = set(v.STOPWORDS) | set(v.FORMATS) | set(v.ROLES) | set(v.ORDINALS)
    words |= set(v.NUMBERS) | v.LAST_WORDS | set(v.VOICE_WORDS) | v.DESTROY_WORDS | v.TOTAL_WORDS
    for phrase, target in v.SYNONYMS.items():
        words.update(phrase.split())
        words.add(target)
    for meta in CATALOG.values():
        for keyword in meta.get("keywords", {}):
            words.update(keyword.split())
    words |= set(_EXTRA_WORDS)
    return frozenset(w for w in words if w)


# Words the argument readers look for, so that typos of them are mended too.
_EXTRA_WORDS = [
    "chapter",
    "scene",
    "book",
    "books",
    "all",
    "every",
    "called",
    "named",
    "titled",
    "after",
    "before",
    "into",
    "to",
    "from",
    "by",
    "about",
    "with",
    "first",
    "start",
    "end",
    "beginning",
    "position",
    "separate",
    "each",
    "file",
    "files",
    "per",
    "cover",
    "noir",
    "dark",
    "romance",
    "thriller",
    "fantasy",
    "classic",
    "bold",
    "minimal",
    "print",
    "wrap",
    "ebook",
    "screenplay",
    "play",
    "graphic",
    "novel",
    "suggestions",
    "status",
    "unread",
    "accept",
    "reject",
    "approve",
    "decline",
    "discard",
    "resolve",
    "reopen",
    "reply",
    "comment",
    "empty",
    "restore",
    "list",
    "set",
    "clear",
    "basic",
    "pro",
    "enterprise",
    "free",
    "invoices",
    "portal",
    "card",
    "whole",
    "entire",
    "voice",
    "pitch",
    "rate",
    "next",
    "previous",
    "story",
    "mark",
    "synced",
    "work",
    "status",
    "state",
    "pending",
    "anthropic",
    "key",
    "api",
    "text",
    "words",
    "write",
]


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    return _known_words()


@lru_cache(maxsize=1)
def _phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Synonym phrases as token tuples by their first word, longest first (so "read it
    aloud" beats "read"): each word of a request looks at its own few."""
    items = [(tuple(_WORD.findall(fold(k))), t) for k, t in v.SYNONYMS.items()]
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, target in sorted((i for i in items if i[0]), key=lambda i: -len(i[0])):
        by_first.setdefault(phrase[0], []).append((phrase, target))
    return by_first


@lru_cache(maxsize=4096)
def mend(token: str) -> str:
    """A misspelt word as the vocabulary word it most likely is (itself if none is close).

    A four-letter word is only mended when its letters are swapped ("epbu") or one is left out
    ("covr"), since one changed letter of so short a word is as often another word ("work",
    not "word"). Among
    close words the fewest edits win, a swap counting one ("stauts" is "status", not "stats").
    """
    if len(token) < 4 or token.isdigit() or token in known_words():
        return token
    if len(token) == 4:
        near = [w for w in known_words() if _swapped_or_short(token, w)]
        return near[0] if len(near) == 1 else token
    cutoff = 80
    close = process.extract(token, known_words(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=4)
    # A typo adds or drops a letter or two, not a syllable ("pears" is not "appears").
    slack = 1 if len(token) <= 6 else 2
    close = [c for c in close if abs(len(c[0]) - len(token)) <= slack]
    if not close:
        return token
    best = min(
        close,
        key=lambda c: (
            DamerauLevenshtein.distance(token, c[0]),
            len(c[0]) != len(token),
            -c[1],
        ),
    )
    return str(best[0])


def _swapped_or_short(token: str, word: str) -> bool:
    """``token`` is ``word`` with two letters swapped ("epbu") or one left out ("covr")."""
    if len(word) == len(token):
        return sorted(word) == sorted(token) and word != token
    if len(word) == len(token) + 1:
        return any(word[:i] + word[i + 1 :] == token for i in range(len(word)))
    return False


@dataclass
class Reading:
    """What a request says, in the registry's words."""

    text: str  # as typed
    folded: str  # lower case, no accents, quotes, emails and sizes taken out
    raw: list[str]  # the folded words, typos mended, before synonyms
    tokens: list[str]  # canonical tokens (synonyms applied), stop words dropped
    words: list[str] = field(default_factory=list)  # canonical, with stop words (for phrases)
    quotes: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    trim: str | None = None
    formats: list[str] = field(default_factory=list)
    role: str | None = None
    chapter: int | None = None
    scene: int | None = None
    to_chapter: int | None = None
    position: int | None = None
    chapter_by_title: bool = False
    codex: list[str] = field(default_factory=list)
    template: str | None = None
    voice: dict[str, int] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    plan: str | None = None  # basic, pro, enterprise
    titled: bool = False  # "called ...", "named ...", "titled ..."
    total: bool = False  # "all", "every", "everything"
    destroy: bool = False  # "delete", "erase", ...

    def has(self, *words: str) -> bool:
        return any(w in self.tokens or w in self.raw for w in words)


def read_request(text: str, ctx: RequestContext, known: frozenset[str] = frozenset()) -> Reading:
    text = text.strip()[:2000]  # a pasted page is not a request; its start is read
    quotes = [a or b for a, b in _QUOTED.findall(text)]
    rest = _QUOTED.sub(" ", text)
    emails = _EMAIL.findall(rest)
    rest = _EMAIL.sub(" ", rest)
    paths = [p for p in _PATH.findall(rest) if "@" not in p]
    for p in paths:
        rest = rest.replace(p, " ")
    trim = None
    m = _TRIM.search(rest)
    if m:
        trim = f"{_num(m.group(1))}x{_num(m.group(2))}"
        rest = rest[: m.start()] + " " + rest[m.end() :]
    else:
        a = _A_SIZES.search(rest)
        if a:
            trim = a.group(1).lower()
    rest = _GLUED.sub(lambda g: f"{g.group(1)} {g.group(2)}", rest)
    folded = fold(rest)
    # The book's own words (names, chapter titles) are never "mended" into vocabulary.
    own = _context_words(ctx) | known
    words = [w if w in own else mend(w) for w in _WORD.findall(folded)]
    # Chapter titles and codex names are read from the words as typed; take them out of the
    # words that choose a command, so a chapter called "The Export" exports nothing.
    reading = Reading(
        text=text, folded=folded, raw=words, tokens=[], quotes=quotes, emails=emails, trim=trim,
        paths=paths,
    )  # fmt: skip
    _title_chapter(reading, ctx)
    _codex(reading, ctx)
    words = _canonical(reading.raw)
    # "chapter 3" names a place, not what to make: its words leave the command's words, so
    # "add a scene to chapter 2" is not also "add chapter".
    used = _places(reading, words, ctx)
    reading.words = [t for i, t in enumerate(words) if i not in used]
    reading.tokens = [t for t in reading.words if t not in v.STOPWORDS]
    _things(reading, ctx)
    return reading


@lru_cache(maxsize=8)
def _context_words(ctx: RequestContext) -> frozenset[str]:
    names = (*ctx.codex, *ctx.chapters, *(b.title for b in ctx.books))
    return frozenset(w for name in names for w in _WORD.findall(fold(name)))


def _num(value: str) -> str:
    value = value.replace(",", ".")
    return value[:-2] if value.endswith(".0") else value


def _canonical(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    phrases = _phrases()
    while i < len(words):
        for phrase, target in phrases.get(words[i], ()):
            n = len(phrase)
            if tuple(words[i : i + n]) == phrase:
                out.append(target)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _title_chapter(r: Reading, ctx: RequestContext) -> None:
    """'the Speckled Band chapter', 'chapter called The Storm': a chapter by its title."""
    if not ctx.chapters:
        return
    titles = {i: fold(t) for i, t in enumerate(ctx.chapters, start=1) if len(t.strip()) >= 4}
    titles = {i: t for i, t in titles.items() if not re.fullmatch(r"chapter \d+", t)}
    if not titles:
        return
    haystack = " ".join(r.raw)
    best = process.extractOne(
        haystack, titles, scorer=fuzz.partial_ratio, score_cutoff=88, processor=None
    )
    if not best:
        return
    title, _score, number = best
    # The title's words (and "the"), with their typos, leave the words that choose a command.
    title_words = set(_WORD.findall(title))
    keep = [w for w in r.raw if not (w in title_words or _close_to_any(w, title_words))]
    if len(r.raw) - len(keep) >= max(1, len(title_words) - 1):
        r.raw = keep
        r.chapter = int(number)
        r.chapter_by_title = True


def _close_to_any(word: str, words: set[str]) -> bool:
    return len(word) >= 4 and any(fuzz.ratio(word, w) >= 85 for w in words)


def _codex(r: Reading, ctx: RequestContext) -> None:
    found: list[str] = []
    for name in ctx.codex:
        parts = _WORD.findall(fold(name))
        if not parts:
            continue
        if all(p in r.raw for p in parts) or (
            len(parts) == 1
            and len(parts[0]) >= 5
            and any(len(w) >= 4 and fuzz.ratio(w, parts[0]) >= 85 for w in r.raw)
        ):
            found.append(name)
    r.codex = found
    if found:
        names = {p for name in found for p in _WORD.findall(fold(name))}
        r.raw = [w for w in r.raw if w not in names and not _close_to_any(w, names)]


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return v.NUMBERS.get(word)


def _places(r: Reading, words: list[str], ctx: RequestContext) -> set[int]:
    """Chapter and scene numbers: 'chapter 3', 'third chapter', 'ch. three', 'the last one',
    'scene 2 of chapter 4', 'to chapter 5', 'after chapter 2', 'to the start'. Returns the
    indices of the words that said so."""
    used: set[int] = set()
    for i, w in enumerate(words):
        kind = "chapter" if w == "chapter" else "scene" if w == "scene" else None
        if kind is None:
            continue
        number = None
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i > 0 else ""
        if _number(after) is not None:
            number, at = _number(after), i + 1
        elif after in v.ORDINALS:
            number, at = v.ORDINALS[after], i + 1
        elif before in v.ORDINALS:
            number, at = v.ORDINALS[before], i - 1
        elif kind == "chapter" and (before in v.LAST_WORDS or after in v.LAST_WORDS):
            number = len(ctx.chapters) or None
            at = i - 1 if before in v.LAST_WORDS else i + 1
        if number is None:
            continue
        used.update((i, at))
        lead = words[i - 1] if i > 0 else ""
        if (
            kind == "chapter"
            and r.chapter is not None
            and (lead in ("to", "into", "in") or not r.chapter_by_title)
        ):
            r.to_chapter = number
        elif kind == "chapter":
            r.chapter = number if r.chapter is None else r.chapter
        elif r.scene is None:
            r.scene = number
    for i, w in enumerate(words):
        if w in ("start", "beginning", "top") and i > 0 and words[i - 1] in ("to", "the"):
            r.position = 1
    return used


def _things(r: Reading, ctx: RequestContext) -> None:
    tokens, raw = r.tokens, r.raw
    words = r.words
    for i, t in enumerate(words):
        if t not in v.FORMATS or v.FORMATS[t] in r.formats:
            continue
        before = words[i - 1] if i else ""
        if t == "manuscript" and before in ("my", "the", "this", "our", "whole"):
            continue  # "export my manuscript as an epub": the manuscript is the book
        if before in ("as", "to", "into", "in", "an", "a"):
            r.formats.insert(0, v.FORMATS[t])  # the format it is made into comes first
        else:
            r.formats.append(v.FORMATS[t])
    for t in tokens:
        if t in ("editor", "commenter", "viewer", "owner"):
            r.role = t
            break
    else:
        for i, w in enumerate(raw):
            if w == "as" and i + 1 < len(raw):
                nxt = (
                    raw[i + 1]
                    if raw[i + 1] not in ("a", "an", "the")
                    else raw[min(i + 2, len(raw) - 1)]
                )
                if nxt in v.ROLES:
                    r.role = v.ROLES[nxt]
    names = {fold(t): t for t in ctx.templates}
    styles = {"dark": "noir", "crime": "noir", "detective": "noir", "hardboiled": "noir",
              "simple": "minimal", "clean": "minimal", "plain": "minimal", "loud": "bold",
              "traditional": "classic", "elegant": "classic"}  # fmt: skip
    for w in raw:
        if w in names:
            r.template = names[w]
            break
    else:
        for w in raw:
            if w in styles and styles[w] in names:
                r.template = names[styles[w]]
                break
    for w in raw:
        if w in v.VOICE_WORDS:
            arg, value = v.VOICE_WORDS[w]
            r.voice.setdefault(arg, value)
    if r.emails and r.role is None:
        # "let anna@… comment", "anna@… should be able to edit": the role by its verb.
        for word, role in (("comment", "commenter"), ("editor", "editor"), ("view", "viewer"),
                           ("read", "viewer"), ("see", "viewer")):  # fmt: skip
            if word in raw or word in tokens:
                r.role = role
                break
    r.plan = next((p for p in ("enterprise", "pro", "basic") if p in raw), None)
    r.titled = bool(re.search(r"\b(?:called|named|titled|entitled|intitul|namens|llamad|titulad)",
                              r.folded))  # fmt: skip
    r.total = any(w in v.TOTAL_WORDS for w in raw)
    r.destroy = any(w in v.DESTROY_WORDS for w in raw)
