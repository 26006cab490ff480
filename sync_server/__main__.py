"""``authorworks-server``: start the sync server (127.0.0.1:8000, SQLite + local blobs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="authorworks-server", description=__doc__)
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
