"""Sync commands: ``login``, ``sync`` and ``logout``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from core.cli.common import library_from_args, print_json, progress_context


def register(subparsers: Any) -> None:
    login = subparsers.add_parser(
        "login",
        help="sign this library in to a sync server",
        description="Sign in to a sync server (the password comes from a prompt or "
        "$AUTHORWORKS_PASSWORD); the refresh token is kept in the OS keyring.",
    )
    login.add_argument("--server", required=True, metavar="URL", help="e.g. http://127.0.0.1:8000")
    login.add_argument("--email", required=True, metavar="E")
    login.add_argument("--register", action="store_true", help="create the account first")
    login.add_argument("--device-name", default="", help="how this device is listed")
    login.set_defaults(handler=_login)

    sync = subparsers.add_parser("sync", help="send and receive changes now")
    sync.add_argument("--status", action="store_true", help="only show the sync status")
    sync.add_argument("--json", action="store_true", help="print the result as JSON")
    sync.set_defaults(handler=_sync)

    logout = subparsers.add_parser("logout", help="sign this library out of its sync server")
    logout.set_defaults(handler=_logout)


def _password() -> str:
    password = os.environ.get("AUTHORWORKS_PASSWORD")
    if password:
        return password
    import getpass

    return getpass.getpass("Password: ")


def _login(args: argparse.Namespace) -> int:
    from core.sync.account import sign_in

    library = library_from_args(args, create=True)
    with library:
        result = sign_in(
            library,
            server_url=args.server,
            email=args.email,
            password=_password(),
            register=args.register,
            device_name=args.device_name,
        )
    print(f"Signed in to {result.server} as {result.email} (device {result.device_id[:8]}).")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from core.sync.account import status, sync_library

    library = library_from_args(args)
    with library:
        if args.status:
            current = status(library)
            data = {
                "server": current.server,
                "email": current.email,
                "signed_in": current.signed_in,
                "pending": current.pending,
                "last_sync": current.last_sync,
            }
            if args.json:
                print_json(data)
            else:
                where = (
                    f"{current.email} on {current.server}" if current.signed_in else "not signed in"
                )
                last = current.last_sync or "never"
                print(f"{where}; {current.pending} change(s) waiting; last sync {last}")
            return 0
        with progress_context("Syncing") as ctx:
            report = sync_library(library, ctx)
    if args.json:
        print_json(report.__dict__)
    else:
        print(
            f"Synced: sent {report.pushed} change(s), received {report.pulled}, "
            f"updated {report.applied} item(s)" + (" (full re-sync)" if report.resynced else "")
        )
    return 0


def _logout(args: argparse.Namespace) -> int:
    from core.sync.account import sign_out

    library = library_from_args(args)
    with library:
        sign_out(library)
    print("Signed out. The books stay in this library.")
    return 0
