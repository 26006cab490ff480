"""Sync commands: ``login``, ``sync`` and ``logout``."""

from __future__ import annotations

import argparse
import os
import sys
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
    login.add_argument("--email", metavar="E", help="(not with --provider)")
    login.add_argument(
        "--provider",
        action="store_true",
        help="sign in through the server's OpenID Connect provider, in the browser",
    )
    login.add_argument("--register", action="store_true", help="create the account first")
    login.add_argument("--device-name", default="", help="how this device is listed")
    login.set_defaults(handler=_login)

    sync = subparsers.add_parser("sync", help="send and receive changes now")
    sync.add_argument("--status", action="store_true", help="only show the sync status")
    sync.add_argument("--json", action="store_true", help="print the result as JSON")
    sync.set_defaults(handler=_sync)

    logout = subparsers.add_parser("logout", help="sign this library out of its sync server")
    logout.set_defaults(handler=_logout)

    two = subparsers.add_parser(
        "two-factor",
        help="two-factor sign-in with an authenticator app",
        description="`two-factor setup` shows a secret (and its QR code) for an authenticator "
        "app; `two-factor enable CODE` turns it on with the app's first code and prints "
        "recovery codes; `two-factor disable CODE` turns it off. With it on, `login` asks for "
        "a code (or takes $AUTHORWORKS_OTP).",
    )
    steps = two.add_subparsers(dest="step", metavar="STEP", required=True)
    steps.add_parser("setup", help="a new secret for your authenticator app")
    enable = steps.add_parser("enable", help="turn it on with a code from the app")
    enable.add_argument("code", metavar="CODE")
    disable = steps.add_parser("disable", help="turn it off (a code or a recovery code)")
    disable.add_argument("code", metavar="CODE")
    two.set_defaults(handler=_two_factor)


def _password() -> str:
    password = os.environ.get("AUTHORWORKS_PASSWORD")
    if password:
        return password
    import getpass

    return getpass.getpass("Password: ")


def _login(args: argparse.Namespace) -> int:
    from core.sync.account import sign_in
    from core.sync.errors import SyncAuthError

    library = library_from_args(args, create=True)
    if args.provider:
        from core.sync.account import sign_in_with_provider

        with library:
            print("Finish signing in in your browser…", file=sys.stderr)
            result = sign_in_with_provider(
                library,
                server_url=args.server,
                device_name=args.device_name,
                otp=lambda: (
                    os.environ.get("AUTHORWORKS_OTP")
                    or input("Code from your authenticator app (or a recovery code): ").strip()
                ),
            )
        print(f"Signed in to {result.server} as {result.email}.")
        return 0
    if not args.email:
        raise SyncAuthError("login needs --email (or --provider to sign in in the browser)")
    password = _password()
    with library:
        otp = os.environ.get("AUTHORWORKS_OTP") or None
        for _attempt in (1, 2):
            try:
                result = sign_in(
                    library,
                    server_url=args.server,
                    email=args.email,
                    password=password,
                    register=args.register and _attempt == 1,
                    device_name=args.device_name,
                    otp=otp,
                )
                break
            except SyncAuthError as exc:
                if exc.code != "otp_required" or otp or not sys.stdin.isatty():
                    raise
                otp = input("Code from your authenticator app (or a recovery code): ").strip()
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
        if report.waiting_for_plan:
            from core.sync.engine import PLAN_WAIT_NOTE

            print(PLAN_WAIT_NOTE.format(n=len(report.waiting_for_plan)) + ".")
    return 0


def _logout(args: argparse.Namespace) -> int:
    from core.sync.account import sign_out

    library = library_from_args(args)
    with library:
        sign_out(library)
    print("Signed out. The books stay in this library.")
    return 0


def _two_factor(args: argparse.Namespace) -> int:
    from core.sync.account import account_api

    with library_from_args(args) as library, account_api(library) as api:
        if args.step == "setup":
            made = api.two_factor_setup()
            print("Add this to your authenticator app, then run `two-factor enable CODE`:")
            print(f"  secret: {made['secret']}")
            print(f"  link:   {made['uri']}")
            import segno

            segno.make(made["uri"]).terminal(compact=True)  # the QR code, to scan
        elif args.step == "enable":
            codes = api.two_factor_enable(args.code)
            print("Two-factor sign-in is on. Keep these recovery codes (each works once):")
            for code in codes:
                print(f"  {code}")
        else:
            api.two_factor_disable(args.code)
            print("Two-factor sign-in is off.")
    return 0
