"""The registry of writer actions: one entry per thing a writer can do.

Every ``authorworks`` sub-command is read off the CLI's own argparse parser, so its arguments
(names, types, choices, which are required) are the CLI's and cannot drift from it; what a
parser cannot say — aliases, the words writers use for it, whether it changes anything, a
preview sentence — comes from :mod:`core.commands.catalog`. The studio adds its menu actions
as entries of its own (``source="studio"``), so the command bar offers both. A new CLI
sub-command joins the registry, and so the bar, by existing.

A sub-command with sub-actions of its own (``review BOOK accept``, ``invitations accept ID``)
is one entry with an ``action`` argument; the arguments of each action are marked with it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Options every command has that a request never sets: the runner decides them.
_HIDDEN = {"help", "json", "library", "handler", "version"}


@dataclass(frozen=True)
class Argument:
    """One argument of a command, as the CLI spells it."""

    name: str  # the argparse dest: "format", "chapter", "email", ...
    flag: str | None  # "--format", or None for a positional
    kind: str  # JSON schema type: string, integer, number, boolean, array
    help: str = ""
    required: bool = False
    choices: tuple[str, ...] | None = None
    default: Any = None
    action_of: str | None = None  # for a sub-action's argument: which action it belongs to

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind}
        if self.kind == "array":
            out["items"] = {"type": "string"}
        if self.choices:
            out["enum"] = list(self.choices)
        description = self.help
        if self.action_of:
            description = f"{description} (with action {self.action_of})".strip()
        if description:
            out["description"] = description
        return out


@dataclass
class Command:
    """A writer action: what it is called, what it takes, and how it runs."""

    name: str
    description: str
    arguments: tuple[Argument, ...] = ()
    aliases: tuple[str, ...] = ()
    # The words a request may use for it, each with how strongly it points here.
    keywords: Mapping[str, float] = field(default_factory=dict)
    changes: bool = False  # whether running it changes the library, the server or a file
    destructive: bool = False  # cannot be undone: asks even with --yes in the bar
    source: str = "cli"  # "cli" or "studio"
    # The CLI handler (argparse Namespace -> exit code); studio entries have ``trigger``.
    handler: Callable[[argparse.Namespace], int] | None = None
    trigger: Callable[[], object] | None = None
    actions: tuple[str, ...] = ()  # the sub-actions, for commands that have them
    action_positionals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def argument(self, name: str) -> Argument | None:
        return next((a for a in self.arguments if a.name == name), None)

    def input_schema(self) -> dict[str, Any]:
        """A strict JSON schema of the arguments (the ``input_schema`` of a Claude tool)."""
        properties = {a.name: a.schema() for a in self.arguments}
        # BOOK is filled from the context (the open book), so a request need not name it.
        required = [a.name for a in self.arguments if a.required and a.name != "book"]
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }

    def argv(self, arguments: Mapping[str, Any]) -> list[str]:
        """The command line that runs this command with ``arguments`` (for the CLI parser)."""
        action = arguments.get("action") if self.actions else None
        out = [self.name]
        top = [a for a in self.arguments if a.action_of is None and a.name != "action"]
        out += _arguments_argv(top, arguments)
        if action:
            out.append(str(action))
            own = [a for a in self.arguments if a.action_of == action]
            out += _arguments_argv(own, arguments)
        return out


def _arguments_argv(arguments: Iterable[Argument], values: Mapping[str, Any]) -> list[str]:
    positionals: list[str] = []
    options: list[str] = []
    for arg in arguments:
        value = values.get(arg.name)
        if value is None or value == "" or value is False:
            continue
        if arg.flag is None:
            positionals.append(str(value))
        elif arg.kind == "boolean":
            options.append(arg.flag)
        elif arg.kind == "array":
            for item in value if isinstance(value, list | tuple) else [value]:
                options += [arg.flag, str(item)]
        else:
            options += [arg.flag, str(value)]
    # Options first, then "--" would be safer for a positional starting with "-", but titles
    # never do after the router's cleaning; positionals stay in the parser's order.
    return options + positionals


class Registry:
    """The commands by name, in the order they were added."""

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        self._commands[command.name] = command

    def remove_source(self, source: str) -> None:
        """Drop every entry of ``source`` (the studio re-adds its menu on a rebuild)."""
        self._commands = {k: c for k, c in self._commands.items() if c.source != source}

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def __getitem__(self, name: str) -> Command:
        return self._commands[name]

    def __contains__(self, name: object) -> bool:
        return name in self._commands

    def __iter__(self) -> Any:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def trigger(self, name: str) -> None:
        """Run a studio entry (a menu item) by name."""
        command = self._commands[name]
        if command.trigger is None:
            raise LookupError(f"{name!r} is not a studio command")
        command.trigger()

    def dispatch(self, args: argparse.Namespace) -> int:
        """Run the CLI command parsed into ``args`` (what ``authorworks COMMAND`` does)."""
        command = self._commands.get(getattr(args, "command", None) or "")
        handler = command.handler if command else getattr(args, "handler", None)
        if handler is None:
            raise LookupError(f"no command {getattr(args, 'command', None)!r}")
        return int(handler(args) or 0)


def commands_from_parser(
    parser: argparse.ArgumentParser, catalog: Mapping[str, Mapping[str, Any]]
) -> list[Command]:
    """One Command per sub-command of ``parser``, described further by ``catalog``."""
    subparsers = _subparsers(parser)
    if subparsers is None:
        return []
    helps = {a.dest: a.help or "" for a in subparsers._choices_actions}
    commands = []
    for name, sub in subparsers.choices.items():
        meta = catalog.get(name, {})
        arguments = _arguments(sub)
        actions: tuple[str, ...] = ()
        positionals: dict[str, tuple[str, ...]] = {}
        nested = _subparsers(sub)
        if nested is not None:
            actions = tuple(nested.choices)
            arguments.append(Argument("action", None, "string", "what to do", choices=actions))
            for action, action_parser in nested.choices.items():
                own = _arguments(action_parser, action_of=action)
                names = {a.name for a in arguments}
                arguments += [a for a in own if a.name not in names]
                positionals[action] = tuple(a.name for a in own if a.flag is None)
        commands.append(
            Command(
                name=name,
                description=meta.get("description") or helps.get(name, "") or sub.description or "",
                arguments=tuple(arguments),
                aliases=tuple(meta.get("aliases", ())),
                keywords=dict(meta.get("keywords", {})),
                changes=bool(meta.get("changes", False)),
                destructive=bool(meta.get("destructive", False)),
                handler=sub.get_default("handler"),
                actions=actions,
                action_positionals=positionals,
            )
        )
    return commands


def _subparsers(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _arguments(parser: argparse.ArgumentParser, *, action_of: str | None = None) -> list[Argument]:
    out = []
    for action in parser._actions:
        if action.dest in _HIDDEN or isinstance(action, argparse._SubParsersAction):
            continue
        if action.dest is argparse.SUPPRESS:
            continue
        flag = next((o for o in action.option_strings if o.startswith("--")), None)
        if action.option_strings and flag is None:
            flag = action.option_strings[0]
        if isinstance(action, argparse._StoreTrueAction):
            kind = "boolean"
        elif isinstance(action, argparse._AppendAction):
            kind = "array"
        elif action.type is int:
            kind = "integer"
        elif action.type is float:
            kind = "number"
        else:
            kind = "string"
        choices = tuple(str(c) for c in action.choices) if action.choices else None
        required = bool(action.required) if action.option_strings else action.nargs != "?"
        out.append(
            Argument(
                name=action.dest,
                flag=flag,
                kind=kind,
                help=(action.help or "").replace("%(default)s", str(action.default)),
                required=required,
                choices=choices,
                default=None if action.default is argparse.SUPPRESS else action.default,
                action_of=action_of,
            )
        )
    return out
