"""Backup commands: backup, restore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli.common import library_from_args


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("backup", help="back up the whole library to a zip file")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="the zip to write")
    p.set_defaults(handler=cmd_backup)

    p = subparsers.add_parser(
        "restore", help="replace the library with a backup (the current one is kept beside it)"
    )
    p.add_argument("archive", metavar="FILE.zip")
    p.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from core.store.backup import create_backup

    with library_from_args(args) as lib:
        out = create_backup(lib, args.output)
    print(out)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from core.store.backup import restore_backup
    from core.store.library import default_library_path, open_library

    path = Path(args.library) if args.library else default_library_path()
    kept = restore_backup(args.archive, path)
    open_library(path, create=False).close()  # upgrades an older backup's schema now
    if kept:
        print(f"The library that was there is kept at {kept}")
    print(f"Restored {args.archive} into {path}")
    return 0
