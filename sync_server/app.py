"""The FastAPI application factory: nothing is built at import time."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import sessionmaker

from sync_server.blobstore import S3BlobStore, make_blob_store
from sync_server.collab.hub import CollabHub
from sync_server.errors import NotFound, Unauthorized, install_error_handlers
from sync_server.guard import RequestGuard
from sync_server.jobs import start_publishing_rounds, stop_publishing_rounds
from sync_server.observability import Metrics, RequestMiddleware, configure_logging
from sync_server.ratelimit import make_rate_limiter, parse_proxies
from sync_server.routers import (
    auth,
    billing,
    books,
    collab,
    devices,
    discovery,
    invitations,
    media,
    notifications,
    publishing,
    sync,
)
from sync_server.schemas import ERROR_RESPONSES
from sync_server.security import Passwords
from sync_server.services.mail import Mailer
from sync_server.services.media import MediaService
from sync_server.settings import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger("authorworks.server")


def make_engine(database_url: str) -> Engine:
    """An engine for the server database (PostgreSQL through psycopg 3, or SQLite)."""
    url = database_url
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # No pre-ping round trip per request: a dropped connection invalidates the pool, the
    # request answers 503 and the next one reconnects.
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)


def migrate(engine: Engine) -> None:
    """Bring the server database to the newest schema (Alembic)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when not given)."""
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    configure_logging(settings.json_logs)
    engine = make_engine(settings.database_url)
    store = make_blob_store(settings)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            migrate(engine)
        except Exception as exc:  # the database is down: serve 503s until it is back
            log.error("database migration failed: %s", exc)
        if isinstance(store, S3BlobStore):
            try:
                store.ensure_bucket()
            except Exception as exc:
                log.error("object storage unavailable: %s", exc)
        await app.state.collab.start()
        rounds = start_publishing_rounds(app)
        yield
        await stop_publishing_rounds(rounds)
        await app.state.collab.stop()
        await app.state.ai_client.aclose()
        engine.dispose()

    app = FastAPI(
        title="AuthorWorks sync server",
        version="0.1.0",
        lifespan=lifespan,
        description=(
            "Accounts, devices, shared books, CRDT sync and media for AuthorWorks libraries."
        ),
    )
    app.state.settings = settings
    app.state.engine = engine
    # Single-statement reads (the feed pull) need no transaction around them: in autocommit
    # they cost one round trip instead of BEGIN, SELECT and ROLLBACK.
    app.state.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.passwords = Passwords(settings)
    app.state.rate_limiter = make_rate_limiter(settings.redis_url)
    app.state.trusted_proxies = parse_proxies(settings.trusted_proxies)
    app.state.blob_store = store
    app.state.media = MediaService(settings, store)
    app.state.mailer = Mailer(settings.smtp_url, settings.mail_from, ca_file=settings.smtp_ca_file)
    app.state.metrics = metrics
    # Hosted AI's calls to Anthropic (a test gives it a transport of its own).
    app.state.ai_client = httpx.AsyncClient(
        timeout=httpx.Timeout(connect=10.0, read=600.0, write=60.0, pool=10.0)
    )
    app.state.collab = hub = CollabHub(settings, app.state.sessions)
    metrics.watch_collab(lambda: hub.stats())
    install_error_handlers(app)
    # Added first, so it runs inside the request log: refusals are logged and counted too.
    app.add_middleware(RequestGuard, settings=settings)
    app.add_middleware(RequestMiddleware, metrics=metrics)

    api = APIRouter(prefix="/api/v1")
    for module in (
        auth, devices, sync, books, publishing, invitations, notifications, media, billing,
        discovery,
    ):  # fmt: skip
        api.include_router(module.router, responses=ERROR_RESPONSES)
    api.include_router(billing.ai_router, responses=ERROR_RESPONSES)
    # The live rooms speak y-websocket, not JSON: no error responses to document.
    api.include_router(collab.router)
    app.include_router(api)
    app.include_router(invitations.link_router)
    # The public reading site (pages, feeds, sitemap) and its two static files.
    from fastapi.staticfiles import StaticFiles

    from sync_server.web import routes as web
    from sync_server.web import studio

    app.state.error_page = web.error_page
    app.include_router(studio.router)
    app.add_exception_handler(studio.SignInFirst, studio.sign_in_first)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=str(web.HERE / "static")), name="static")

    @app.get("/health", tags=["health"])
    def health() -> JSONResponse:
        """200 when the database and the blob store answer, else 503 naming what failed."""
        checks: dict[str, Any] = {}
        try:
            with app.state.sessions() as session:
                session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # any driver error means the database is unreachable
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            store.check()
            checks["blob_store"] = "ok"
        except Exception as exc:
            checks["blob_store"] = f"error: {getattr(exc, 'strerror', None) or type(exc).__name__}"
        healthy = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if healthy else "unavailable", "checks": checks},
            status_code=200 if healthy else 503,
        )

    @app.get("/metrics", tags=["health"], response_class=Response, responses=ERROR_RESPONSES)
    def prometheus_metrics(request: Request) -> Response:
        """Prometheus metrics of this worker (behind ``metrics_token`` when one is set)."""
        token = settings.metrics_token
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                raise Unauthorized("the metrics take their token", code="invalid_token")
        elif settings.production:
            raise NotFound("not found")  # no token configured: not served in production
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory`` with several workers (settings from the environment)."""
    return create_app(Settings())
