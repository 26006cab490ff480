"""Tags of published books: one spelling each, so "Sci-Fi", "scifi" and "science fiction"
are one tag to filter by (the synonyms AO3's tag wranglers keep, for the common ones)."""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_TAGS = 20
MAX_TAG_CHARS = 60
SYNONYMS = {
    "sci fi": "science fiction",
    "scifi": "science fiction",
    "sf": "science fiction",
    "litrpg": "litrpg",
    "rom com": "romantic comedy",
    "romcom": "romantic comedy",
    "ya": "young adult",
    "lgbt": "lgbtq+",
    "lgbtq": "lgbtq+",
    "queer": "lgbtq+",
    "whodunit": "mystery",
    "whodunnit": "mystery",
    "detective": "mystery",
    "horror fiction": "horror",
    "fantasy fiction": "fantasy",
    "hurt comfort": "hurt/comfort",
    "slowburn": "slow burn",
    "enemies to lovers": "enemies to lovers",
    "found-family": "found family",
    "historical fiction": "historical",
}
_SPACE_RE = re.compile(r"[\s_-]+")
_DROP_RE = re.compile(r"[<>\"'`]")


def normalise_tag(tag: str) -> str:
    """The tag's one spelling: lower case, single spaces, no markup characters."""
    plain = _SPACE_RE.sub(" ", _DROP_RE.sub("", tag.casefold())).strip(" ,.;")
    plain = plain[:MAX_TAG_CHARS].strip()
    return SYNONYMS.get(plain, plain)


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Tags, each once, in the order given, at most :data:`MAX_TAGS`."""
    out: list[str] = []
    for raw in tags:
        for part in str(raw).split(","):
            tag = normalise_tag(part)
            if tag and tag not in out:
                out.append(tag)
    return out[:MAX_TAGS]
