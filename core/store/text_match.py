"""Deciding find/replace matches in one text, fast: literal, whole-word, case, regex.

Python's ``re`` finds a literal quickly only when it may use its literal-prefix scan, which
``re.IGNORECASE`` and a leading ``\\b`` both turn off (a case-insensitive search of a million
words takes ~170 ms, a ``\\bword`` regex ~400 ms). So:

* a case-insensitive literal is matched case-sensitively in ``text.lower()``. Offsets carry
  over because lowering keeps the length (a text where it does not, such as one with a Turkish
  dotted capital I, falls back to ``re.IGNORECASE``). Case-insensitive therefore means "equal
  in lower case" (Unicode ``str.lower``);
* a literal search treats straight and typographic quotes as the same character (a ``'``
  typed in Find matches ``’`` in the text, and the other way round): both the query and the
  text are folded before matching, one character for one, so offsets carry over;
* before running a pattern over a text, a cheap ``in`` test on a literal every match must
  contain (the query itself, or the longest literal a regex requires) skips texts that cannot
  match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from core.errors import AuthorWorksError

_GLOBAL_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+\)")
# Each quote or apostrophe to the straight one; one character for one keeps offsets.
QUOTE_FOLD = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "‛": "'",
        "ʼ": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
    }
)
_QUOTES = frozenset("'\"’‘‛ʼ′“”„‟″")


class InvalidSearchError(AuthorWorksError):
    """A search or replacement cannot be run as given (bad regex, bad scope, empty query)."""


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def compile_pattern(
    query: str, *, whole_word: bool = False, case_sensitive: bool = False, regex: bool = False
) -> re.Pattern[str]:
    """The regular expression that decides hits for these search options."""
    if not query:
        raise InvalidSearchError("nothing to search for: the query is empty")
    body = query if regex else re.escape(query)
    flags_prefix = ""
    if regex and (lead := _GLOBAL_FLAGS_RE.match(body)):
        # "(?i)" must stay first once the pattern is wrapped.
        flags_prefix, body = lead.group(), body[lead.end() :]
    if whole_word:
        # Only an edge that is itself a word character needs a boundary: "-foo" still finds
        # "x-foo" as a whole word, as in word processors.
        start = r"(?<!\w)" if regex or _is_word_char(query[0]) else ""
        end = r"(?!\w)" if regex or _is_word_char(query[-1]) else ""
        body = f"{start}(?:{body}){end}"
    body = flags_prefix + body
    flags = re.MULTILINE | (0 if case_sensitive else re.IGNORECASE)
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise InvalidSearchError(f"invalid regular expression {query!r}: {exc}") from None


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest literal string every match of ``pattern`` contains, if it has one."""
    found = _analyse(pattern)
    return found[0] if found else None


def _analyse(pattern: re.Pattern[str]) -> tuple[str, tuple[int, int] | None] | None:
    """(longest required literal, its offset range from the match start, if bounded)."""
    try:
        parser: Any = re._parser  # type: ignore[attr-defined]
        parsed = parser.parse(pattern.pattern, pattern.flags)
        unbounded = re._constants.MAXREPEAT - 1  # type: ignore[attr-defined]
        top = _flatten(list(parsed))
        best: tuple[str, tuple[int, int] | None] | None = None
        start = 0
        while start < len(top):
            if str(top[start][0]) != "LITERAL":
                start += 1
                continue
            end = start
            while end < len(top) and str(top[end][0]) == "LITERAL":
                end += 1
            literal = "".join(chr(av) for _op, av in top[start:end])
            if best is None or len(literal) > len(best[0]):
                lo, hi = parser.SubPattern(parsed.state, top[:start]).getwidth()
                best = (literal, (lo, hi) if hi < unbounded else None)
            start = end
    except Exception:  # the private parser changed: do without the shortcut
        return None
    nested: list[str] = []
    _collect_literals(list(parsed), nested)
    longest = max(nested, key=len, default="")
    if best is None or len(longest) > len(best[0]) + 2:
        return (longest, None) if longest else None
    return best


def _collect_literals(ops: list[Any], runs: list[str]) -> None:
    """Literal runs that every match contains, from groups and repeats too."""
    current: list[str] = []
    for op, av in ops:
        name = str(op)
        if name == "LITERAL":
            current.append(chr(av))
            continue
        if current:
            runs.append("".join(current))
            current = []
        if name == "SUBPATTERN" and not (av[1] or av[2]):
            _collect_literals(list(av[3]), runs)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            _collect_literals(list(av[2]), runs)
        elif name == "ATOMIC_GROUP":
            _collect_literals(list(av), runs)
    if current:
        runs.append("".join(current))


def _flatten(ops: list[Any]) -> list[Any]:
    """Top-level ops with plain groups opened up (their items follow one another anyway)."""
    flat: list[Any] = []
    for op, av in ops:
        if str(op) == "SUBPATTERN" and not (av[1] or av[2]):
            flat.extend(_flatten(list(av[3])))
        else:
            flat.append((op, av))
    return flat


class TextMatcher:
    """Finds the matches of one query in texts; every path gives the same matches."""

    def __init__(
        self,
        query: str,
        *,
        whole_word: bool = False,
        case_sensitive: bool = False,
        regex: bool = False,
    ) -> None:
        self.query = query
        self.regex = regex
        # Only a literal query with a quote folds: the common search pays nothing for it.
        self._fold = not regex and any(ch in _QUOTES for ch in query)
        if self._fold:
            query = query.translate(QUOTE_FOLD)
        self.pattern = compile_pattern(
            query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex
        )
        self._ignore_case = bool(self.pattern.flags & re.IGNORECASE)
        self._lowered: re.Pattern[str] | None = None
        # Where the needle sits from a match's start, when that is bounded (regex only).
        self._anchor: tuple[int, int] | None = None
        needle: str | None = query
        if regex:
            found = _analyse(self.pattern)
            needle, self._anchor = found if found else (None, None)
        elif self._ignore_case:
            self._lowered = compile_pattern(
                query.lower(), whole_word=whole_word, case_sensitive=True
            )
        self._needle = needle.lower() if needle and self._ignore_case else needle

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """The non-empty matches in ``text``, in order (regex matches keep their groups)."""
        if not text:
            return
        if self._fold:
            text = text.translate(QUOTE_FOLD)
        haystack = text
        if self._ignore_case:
            lowered = text.lower()
            if len(lowered) == len(text):
                haystack = lowered
            elif self._lowered is not None or self._anchor is not None:
                # Lowering changed the length: offsets would not carry over.
                yield from self._scan(text)
                return
        if self._needle and self._needle not in haystack:
            return
        if self._lowered is not None:
            for m in self._lowered.finditer(haystack):
                # The original text's match: same offsets, the writer's own case.
                yield self.pattern.match(text, m.start(), m.end()) or m
        elif self._anchor is not None and self._needle:
            yield from self._anchored(text, haystack, self._needle, *self._anchor)
        else:
            yield from self._scan(text)

    def _scan(self, text: str) -> Iterator[re.Match[str]]:
        for m in self.pattern.finditer(text):
            if m.end() > m.start():
                yield m

    def _anchored(
        self, text: str, haystack: str, needle: str, lo: int, hi: int
    ) -> Iterator[re.Match[str]]:
        """Regex matches tried only where the needle puts them: a leading ``\\b`` or
        lookbehind stops ``re`` from skipping ahead by itself, which makes a plain scan slow.

        Every match has the needle ``lo``..``hi`` characters after its start, so trying the
        starts before each needle occurrence, leftmost first, finds exactly what ``finditer``
        would.
        """
        tried = 0  # every start below this has been tried, or lies inside an earlier match
        at = haystack.find(needle)
        while at != -1:
            first = max(tried, at - hi)
            for start in range(first, at - lo + 1):
                m = self.pattern.match(text, start)
                if m is not None and m.end() > m.start():
                    yield m
                    tried = m.end()
                    break
            else:
                tried = max(tried, at - lo + 1)
            at = haystack.find(needle, max(at + 1, tried + lo))
        return

    def match_at(self, text: str, offset: int, length: int) -> re.Match[str] | None:
        """The match at exactly ``offset``..``offset + length``, or None if there is none now."""
        for m in self.matches(text):
            if m.start() == offset and m.end() == offset + length:
                return m
            if m.start() > offset:
                break
        return None

    def expand(self, match: re.Match[str], replacement: str) -> str:
        """The replacement for one match (group references are expanded in regex mode)."""
        if not self.regex:
            return replacement
        try:
            return match.expand(replacement)
        except (re.error, IndexError) as exc:
            raise InvalidSearchError(f"invalid replacement {replacement!r}: {exc}") from None
