"""Plan and billing commands: ``account`` (plan, usage, invoices, the billing portal) and
``upgrade PLAN`` (prints the Checkout URL, or changes the plan of a subscription)."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import library_from_args, print_json


def register(subparsers: Any) -> None:
    account = subparsers.add_parser(
        "account",
        help="your plan on the sync server: usage against each limit, invoices",
        description="Your plan, its status and period, and how much of each limit you use.",
    )
    account.add_argument("--json", action="store_true")
    account.add_argument("--invoices", action="store_true", help="list the invoices too")
    account.add_argument(
        "--portal", action="store_true", help="print the billing portal's URL (cards, cancelling)"
    )
    account.set_defaults(handler=_account)
    upgrade = subparsers.add_parser(
        "upgrade",
        help="subscribe to (or change to) a plan: prints the Checkout URL to pay at",
        description="Subscribe to PLAN (prints the Stripe Checkout URL to open), or move a "
        "subscription to it: an upgrade at once, prorated; a downgrade at the period's end.",
    )
    upgrade.add_argument("plan", metavar="PLAN", help="basic, pro, ... (see `account --json`)")
    upgrade.add_argument("--json", action="store_true")
    upgrade.set_defaults(handler=_upgrade)


def _account(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.billing import describe

    with library_from_args(args) as library, account_api(library) as api:
        subscription = api.subscription()
        invoices = api.invoices() if args.invoices else None
        portal = api.billing_portal() if args.portal else None
    if args.json:
        data = dict(subscription)
        if invoices is not None:
            data["invoices"] = invoices
        if portal is not None:
            data["portal_url"] = portal
        print_json(data)
        return 0
    for line in describe(subscription):
        print(line)
    for invoice in invoices or []:
        total = (invoice.get("amount_due") or 0) / 100
        print(
            f"  {invoice.get('number') or invoice['id']}  {str(invoice.get('created'))[:10]}  "
            f"{total:.2f} {str(invoice.get('currency') or '').upper()}  {invoice.get('status')}  "
            f"{invoice.get('hosted_invoice_url') or ''}"
        )
    if portal:
        print(f"Billing portal: {portal}")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from core.sync.account import account_api

    with library_from_args(args) as library, account_api(library) as api:
        answer = api.checkout(args.plan)
    if args.json:
        print_json(answer)
    elif answer.get("action") == "checkout":
        print(answer["url"])
    elif answer.get("action") == "upgraded":
        print(f"Now on {answer['plan']}: the rest of this period is charged, prorated.")
    else:
        print(f"{answer['plan']} starts at the end of this period ({answer.get('effective')}).")
    return 0
