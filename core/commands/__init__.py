"""The registry of writer actions and the routing of plain-language requests to them.

``default_registry()`` holds every ``authorworks`` sub-command (read off the CLI's parser and
described by :mod:`core.commands.catalog`); the studio adds its menu actions to a copy.
``resolve(text, ctx, registry)`` finds the command a request asks for, offline;
:mod:`core.commands.claude_router` asks Claude when that is not confident enough.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.commands.registry import Argument, Command, Registry

if TYPE_CHECKING:
    from core.commands.context import BookRef, RequestContext, context_from_library
    from core.commands.router import THRESHOLD, Resolution, resolve

# Loaded when first used: the studio builds its menus' registry without the router.
_LAZY = {
    "BookRef": "core.commands.context",
    "RequestContext": "core.commands.context",
    "context_from_library": "core.commands.context",
    "THRESHOLD": "core.commands.router",
    "Resolution": "core.commands.router",
    "resolve": "core.commands.router",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core.commands' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "THRESHOLD",
    "Argument",
    "BookRef",
    "Command",
    "Registry",
    "RequestContext",
    "Resolution",
    "cli_parser",
    "cli_registry",
    "context_from_library",
    "resolve",
]


_CLI: tuple[argparse.ArgumentParser, Registry] | None = None


def cli_registry() -> Registry:
    """Every sub-command of ``authorworks``, as registry entries (built once per process)."""
    return _cli()[1]


def cli_parser() -> argparse.ArgumentParser:
    """The ``authorworks`` parser the registry was read from (to parse a command's argv)."""
    return _cli()[0]


def _cli() -> tuple[argparse.ArgumentParser, Registry]:
    global _CLI
    if _CLI is None:
        from core.cli import build_parser

        parser = build_parser()
        _CLI = (parser, registry_of(parser))
    return _CLI


def registry_of(parser: argparse.ArgumentParser, *, remember: bool = False) -> Registry:
    """The registry of ``parser``'s sub-commands; ``remember``: it is the CLI's own."""
    global _CLI
    from core.commands.catalog import CATALOG
    from core.commands.registry import commands_from_parser

    registry = Registry(commands_from_parser(parser, CATALOG))
    if remember:
        _CLI = (parser, registry)
    return registry
