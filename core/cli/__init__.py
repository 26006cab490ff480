"""The ``authorworks`` command line.

Each command module exposes ``register(subparsers)``, which adds its sub-commands with
``set_defaults(handler=...)``. A handler takes the parsed arguments and returns the exit
code. Modules import their heavy dependencies inside the handlers, so ``authorworks books``
does not pay for the EPUB, audio or Qt stacks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from core.errors import AuthorWorksError

COMMAND_MODULES = [
    "core.cli.library_commands",
    "core.cli.binder_commands",
    "core.cli.backup_commands",
    "core.cli.export_commands",
    "core.cli.narration_commands",
    "core.cli.imaging_commands",
    "core.cli.generation_commands",
    "core.cli.sync_commands",
    "core.cli.sharing_commands",
    "core.cli.publishing_commands",
    "core.cli.account_commands",
    "core.cli.review_commands",
    "core.cli.search_commands",
    "core.cli.do_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authorworks",
        description="AuthorWorks: a writing studio for novelists, screenwriters and playwrights.",
    )
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library folder (default: $AUTHORWORKS_LIBRARY, else the user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("authorworks")
    except PackageNotFoundError:
        return "dev"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    from core.commands import registry_of

    try:
        # Every sub-command runs through the registry, as the command bar's do.
        return registry_of(parser, remember=True).dispatch(args)
    except AuthorWorksError as exc:
        print(f"authorworks: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("authorworks: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `authorworks show BOOK | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
