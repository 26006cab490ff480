"""The registry: one entry per CLI sub-command, read off the parser, and the CLI dispatching
through it; studio entries joining it by existing."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import build_parser
from core.commands import Command, cli_registry, registry_of, resolve
from core.commands.registry import Registry
from core.commands.runner import parse
from tests.core.commands.test_corpus import CONTEXT


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_cli_subcommand_is_an_entry_with_a_description_and_schema() -> None:
    registry = cli_registry()
    assert {c.name for c in registry} == _subcommands(build_parser())
    for command in registry:
        assert command.description, command.name
        schema = command.input_schema()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert set(schema["required"]) <= set(schema["properties"]), command.name
        assert "json" not in schema["properties"]  # the runner decides output, not a request
    # The names an issue gave the arguments are the CLI's own.
    assert {"format", "trim", "chapters", "output"} <= set(
        registry["export"].input_schema()["properties"]
    )
    assert {"email", "role"} <= set(registry["share"].input_schema()["properties"])
    assert "query" in registry["search"].input_schema()["properties"]
    assert registry["review"].argument("action").choices == (  # type: ignore[union-attr]
        "comment", "reply", "resolve", "reopen", "accept", "reject",
    )  # fmt: skip


def test_arguments_round_trip_through_the_clis_own_parser(tmp_path: Path) -> None:
    registry = cli_registry()
    args = parse(
        registry["export"],
        {"book": "Gannet", "format": "pdf", "trim": "6x9", "chapters": "2", "output": "x.pdf"},
        tmp_path,
    )
    assert (args.command, args.book, args.format, args.trim, args.chapters, args.output) == (
        "export", "Gannet", "pdf", "6x9", "2", "x.pdf",
    )  # fmt: skip
    review = parse(registry["review"], {"book": "G", "action": "accept", "all": True}, None)
    assert (review.action, review.all, review.book) == ("accept", True, "G")
    argv = registry["review"].argv({"book": "G", "action": "accept", "all": True, "by": "Anna"})
    assert argv == ["review", "G", "accept", "--all", "--by", "Anna"]


def test_the_cli_dispatches_through_the_registry(monkeypatch, capsys, tmp_path: Path) -> None:
    from core.cli import main

    seen = []
    real = Registry.dispatch

    def spy(self: Registry, args: argparse.Namespace) -> int:
        seen.append(args.command)
        return real(self, args)

    monkeypatch.setattr(Registry, "dispatch", spy)
    assert main(["--library", str(tmp_path / "lib"), "init"]) == 0
    assert main(["--library", str(tmp_path / "lib"), "books", "--json"]) == 0
    assert seen == ["init", "books"]


def test_a_studio_entry_joins_the_bar_by_existing() -> None:
    ran = []
    registry = registry_of(build_parser())
    registry.add(
        Command(
            name="studio:view.focus-mode",
            description="Focus mode: only the page, nothing around it",
            aliases=("Focus Mode", "distraction free"),  # the menu text first
            source="studio",
            trigger=lambda: ran.append(True),
        )
    )
    got = resolve("focus mode", CONTEXT, registry)
    assert got.command == "studio:view.focus-mode" and got.confidence >= 0.7
    assert resolve("distraction free writing", CONTEXT, registry).command == (
        "studio:view.focus-mode"
    )
    registry.remove_source("studio")
    assert "studio:view.focus-mode" not in registry
