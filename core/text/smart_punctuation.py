"""Typographic punctuation: curly quotes and apostrophes, dashes and ellipses.

Used as the writer types (the editor asks :func:`replacement_for` after each key) and over a
whole book (:func:`smarten`). Quotes follow the book's language: “English”, „Deutsch“,
« français », «español», ”svenska”. Fountain (screenplays and plays) is left straight: its
parsers and the industry's fonts expect plain quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NBSP = "\u00a0"


@dataclass(frozen=True)
class Quotes:
    """The opening and closing double and single quotes of a language."""

    open_double: str
    close_double: str
    open_single: str
    close_single: str
    apostrophe: str = "’"


_ENGLISH = Quotes("“", "”", "‘", "’")
_QUOTES: dict[str, Quotes] = {
    "en": _ENGLISH,
    "de": Quotes("„", "“", "‚", "‘"),
    "cs": Quotes("„", "“", "‚", "‘"),
    "fr": Quotes("«" + NBSP, NBSP + "»", "‹" + NBSP, NBSP + "›"),
    "es": Quotes("«", "»", "“", "”"),
    "it": Quotes("«", "»", "“", "”"),
    "pt": Quotes("«", "»", "“", "”"),
    "ru": Quotes("«", "»", "„", "“"),
    "pl": Quotes("„", "”", "‚", "’"),
    "nl": Quotes("“", "”", "‘", "’"),
    "sv": Quotes("”", "”", "’", "’"),
    "fi": Quotes("”", "”", "’", "’"),
    "da": Quotes("»", "«", "›", "‹"),
}
# After these a quote opens; elsewhere it closes (or is an apostrophe).
_OPENS_AFTER = set(" \t\n([{<—–-/" + NBSP) | {"“", "‘", "«", "„", "‚"}


def quotes_for(language: str) -> Quotes:
    """The quotes of a book language ("en-GB", "fr_FR"); English ones for a language unknown."""
    primary = re.split(r"[-_]", (language or "en").strip().lower(), maxsplit=1)[0]
    return _QUOTES.get(primary, _ENGLISH)


def replacement_for(before: str, typed: str, language: str) -> tuple[int, str] | None:
    """What ``typed`` (just typed after ``before``) becomes: (characters to replace, new text).

    The count includes the typed character itself; None leaves it as typed.
    """
    q = quotes_for(language)
    previous = before[-1:] if before else ""
    opening = not previous or previous in _OPENS_AFTER
    if typed == '"':
        return 1, q.open_double if opening else q.close_double
    if typed == "'":
        # Between letters or after one it is an apostrophe (don’t, the Smiths’).
        return (
            1,
            q.open_single if opening else q.apostrophe if previous.isalnum() else q.close_single,
        )
    if typed == "-" and previous == "-":
        return 2, "—"
    if typed == "." and before.endswith(".."):
        return 3, "…"
    return None


_DOUBLE_RE = re.compile(r'"')
_SINGLE_RE = re.compile(r"'")


def smarten(text: str, language: str) -> str:
    """``text`` with straight quotes curled for ``language``, ``--`` as em dashes and ``...``
    as ellipses. Text already typographic is left as it is."""
    text = text.replace("---", "—").replace("--", "—").replace("...", "…")
    q = quotes_for(language)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch not in "\"'":
            out.append(ch)
            continue
        before = "".join(out[-1:]) if out else ""
        previous = before[-1:] if before else ""
        opening = not previous or previous in _OPENS_AFTER
        following = text[i + 1 : i + 2]
        if ch == '"':
            # A quote before a space or at the end closes, whatever came before.
            if following in ("", " ", "\n") and previous and previous not in " \n":
                opening = False
            out.append(q.open_double if opening else q.close_double)
        elif previous.isalnum() and following.isalnum():
            out.append(q.apostrophe)  # don’t
        elif opening and not following.isdigit():
            out.append(q.open_single)
        else:
            out.append(
                q.apostrophe if previous.isalnum() or following.isdigit() else q.close_single
            )
    return "".join(out)
