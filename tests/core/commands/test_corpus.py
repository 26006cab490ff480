"""The offline router against a labelled corpus of requests (requests.tsv).

The bar must get >= 95% of them right first time, confidently, with the right arguments;
every miss is listed in the report (``pytest -rP`` or the assertion message) so a change
that makes some better and others worse shows which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.commands import THRESHOLD, BookRef, RequestContext, cli_registry, resolve

CORPUS = Path(__file__).with_name("requests.tsv")
_PAIR = re.compile(r"(\w+)=(.*?)(?=\s+\w+=|$)")

CONTEXT = RequestContext(
    book=BookRef("0190aaaa-0000-7000-8000-000000000001", "The Glass Orchard"),
    chapters=(
        "The Furnace",
        "The Assessor",
        "The Storm",
        "The Speckled Band",
        "Lantern Night",
        "Homecoming",
    ),
    codex=(
        "Irene",
        "Teo Marsh",
        "Teo",
        "Ines Calloway",
        "Ines",
        "Orrin Vale",
        "Bettany Rook",
        "Bettany",
        "Harrowmere",
        "Wren",
    ),
    books=(
        BookRef("0190aaaa-0000-7000-8000-000000000001", "The Glass Orchard"),
        BookRef("0190aaaa-0000-7000-8000-000000000002", "Night Train"),
    ),
    scene_id="0190aaaa-0000-7000-8000-0000000000ff",
    output_dir=Path("/tmp/out"),
    templates=("bold", "classic", "minimal", "noir"),
)


@dataclass
class Case:
    text: str
    command: str  # "?" must ask, "!" must refuse, "NAME?" this command, asking
    arguments: dict[str, str]


def load_corpus() -> list[Case]:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, command, *rest = line.split("\t")
        # key=value pairs; a value runs to the next " key=" (so it may hold spaces).
        arguments = dict(_PAIR.findall(rest[0])) if rest else {}
        cases.append(Case(text, command, arguments))
    return cases


def miss(case: Case) -> str | None:
    """Why the router got ``case`` wrong, or None if it got it right."""
    got = resolve(case.text, CONTEXT, cli_registry())
    if case.command == "!":
        return None if got.refused else f"not refused: {got.command} {got.arguments}"
    if case.command == "?":
        confident = got.command is not None and got.confidence >= THRESHOLD and not got.question
        return f"guessed {got.command} ({got.confidence:.2f})" if confident else None
    if case.command.endswith("?") and len(case.command) > 1:
        asked = got.command == case.command[:-1] and got.question
        return None if asked else f"got {got.command} ({got.confidence:.2f}) without asking"
    if case.command.endswith("?") and len(case.command) > 1:
        asked = got.command == case.command[:-1] and got.question
        return None if asked else f"got {got.command} ({got.confidence:.2f}) without asking"
    if got.command != case.command:
        return f"got {got.command} ({got.confidence:.2f}; {got.question or got.refused})"
    if got.confidence < THRESHOLD or got.question:
        return f"unsure ({got.confidence:.2f}): {got.question}"
    wrong = {
        k: got.arguments.get(k) for k, want in case.arguments.items()
        if str(got.arguments.get(k)) != want
    }  # fmt: skip
    return f"arguments {wrong} (want {case.arguments})" if wrong else None


def test_the_corpus_is_big_and_covers_the_registry() -> None:
    cases = load_corpus()
    assert len(cases) >= 300
    commands = {c.command for c in cases}
    # The commands writers ask for most, each with many phrasings.
    for name in ("export", "narrate", "search", "share", "cover", "review", "stats"):
        assert sum(c.command == name for c in cases) >= 8, name
    assert {"?", "!"} <= commands


def test_offline_routing_gets_95_percent_right_first_time() -> None:
    cases = load_corpus()
    misses = [(c, why) for c in cases if (why := miss(c)) is not None]
    report = "\n".join(f"  {c.text!r} -> want {c.command}: {why}" for c, why in misses)
    accuracy = 1 - len(misses) / len(cases)
    print(f"\n{len(cases)} requests, {accuracy:.1%} right; misses:\n{report or '  none'}")
    assert accuracy >= 0.95, f"{accuracy:.1%} right; misses:\n{report}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export the book as an epub", "export"),
        ("epub the book export", "export"),  # word order (vscode #68396)
        ("book the export epub", "export"),
    ],
)
def test_word_order_does_not_matter(text: str, expected: str) -> None:
    got = resolve(text, CONTEXT, cli_registry())
    assert got.command == expected and got.arguments["format"] == "epub"
