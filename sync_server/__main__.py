"""``authorworks-server``: start the sync server (127.0.0.1:8000, SQLite + local blobs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def set_plan(argv: Sequence[str]) -> int:
    """``authorworks-server set-plan EMAIL PLAN [--limits JSON]``: an operator's plan for an
    account (enterprise, set per customer), outside Stripe."""
    import json

    parser = argparse.ArgumentParser(
        prog="authorworks-server set-plan",
        description="Put an account on a plan by hand (an enterprise customer, a gift). "
        "Stripe's own subscriptions are not touched.",
    )
    parser.add_argument("email")
    parser.add_argument("plan", help="a plan id of the plan table (free, basic, pro, enterprise)")
    parser.add_argument(
        "--limits", default="{}", help="JSON of this customer's own limits: '{\"seats\": 40}'"
    )
    args = parser.parse_args(argv)
    from sqlalchemy import select

    from sync_server.app import make_engine, migrate
    from sync_server.billing.entitlements import plans_of
    from sync_server.billing.plans import LIMITS
    from sync_server.models import Subscription, User, utcnow
    from sync_server.settings import Settings

    settings = Settings()
    if args.plan not in plans_of(settings):
        print(f"set-plan: no plan {args.plan!r}: {', '.join(plans_of(settings))}", file=sys.stderr)
        return 2
    try:
        limits = json.loads(args.limits)
        if not isinstance(limits, dict) or set(limits) - set(LIMITS):
            raise ValueError(f"limits are among {', '.join(LIMITS)}")
    except ValueError as exc:
        print(f"set-plan: --limits: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        user = session.scalar(select(User).where(User.email == args.email.strip().casefold()))
        if user is None:
            print(f"set-plan: no account {args.email}", file=sys.stderr)
            return 1
        row = session.get(Subscription, user.id) or Subscription(user_id=user.id)
        row.plan, row.status, row.limits, row.updated_at = (
            args.plan, "manual", json.dumps(limits), utcnow(),
        )  # fmt: skip
        session.add(row)
        session.commit()
    engine.dispose()
    print(f"{args.email} is on {args.plan}" + (f" with {json.dumps(limits)}" if limits else ""))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["set-plan"]:
        return set_plan(argv[1:])
    parser = argparse.ArgumentParser(
        prog="authorworks-server",
        description=__doc__,
        epilog="authorworks-server set-plan EMAIL PLAN [--limits JSON]: an operator's plan for "
        "an account.",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--data", type=Path, help="folder for the database and blobs")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args(argv)

    import uvicorn
    from pydantic import ValidationError

    from sync_server.settings import Settings

    overrides = {
        k: v
        for k, v in {"host": args.host, "port": args.port, "data_dir": args.data}.items()
        if v is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        print(f"authorworks-server: error: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    if args.workers > 1:
        import os

        # Each worker process builds its own app from the environment.
        os.environ["AUTHORWORKS_SERVER_DATA_DIR"] = str(settings.data_dir)
        os.environ["AUTHORWORKS_SERVER_DATABASE_URL"] = settings.database_url
        uvicorn.run(
            "sync_server.app:app_from_environment",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            log_level="warning",
            proxy_headers=False,  # X-Forwarded-For is read by the app, from trusted proxies only
        )
        return 0
    from sync_server.app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=False,  # X-Forwarded-For is read by the app, from trusted proxies only
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
