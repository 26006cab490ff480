"""Media (server hardening): parallel uploads cannot beat the quota, an upload that stalls is
dropped without holding a database connection, uploads per account are limited, and files
come back with headers that stop a browser from running them."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient

from sync_server.app import create_app
from tests.sync_server.fixtures import fast_settings, live_server, sign_up

API = "/api/v1"
MB = 1024 * 1024


def _put(client: httpx.Client | TestClient, data: bytes, headers: dict[str, str], **kw):
    sha = hashlib.sha256(data).hexdigest()
    return client.put(f"{API}/media/{sha}", content=data, headers=headers, **kw)


def _upload_in_background(
    url: str, sha: str, body: Iterator[bytes], headers: dict[str, str], statuses: list[int]
) -> threading.Thread:
    """PUT ``body`` on a thread of its own; its status goes into ``statuses``."""

    def run() -> None:
        r = httpx.put(f"{url}{API}/media/{sha}", content=body, headers=headers, timeout=30)
        statuses.append(r.status_code)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_parallel_uploads_cannot_beat_the_quota(tmp_path, sync_database_url):
    app = create_app(
        fast_settings(
            tmp_path / "srv",
            sync_database_url,
            storage_quota_bytes=20 * MB,
            max_uploads_per_account=100,
        )
    )
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        user = sign_up(http)  # type: ignore[arg-type]
        files = [os.urandom(5 * MB) for _ in range(10)]
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda f: _put(http, f, user.headers).status_code, files))
        usage = http.get(f"{API}/media", headers=user.headers).json()
    assert answers.count(201) == 4 and answers.count(413) == 6, answers
    assert usage["used_bytes"] == 20 * MB and len(usage["items"]) == 4


def test_a_stalled_upload_is_dropped_and_others_go_on(tmp_path, sync_database_url):
    app = create_app(fast_settings(tmp_path / "srv", sync_database_url, upload_read_timeout=0.5))
    with live_server(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        user = sign_up(http)  # type: ignore[arg-type]
        data = b"slow bytes " * 1000
        sha = hashlib.sha256(data).hexdigest()

        def trickle():
            yield data[:10]
            time.sleep(2)  # longer than the read timeout
            yield data[10:]

        results: list[int] = []
        slow = _upload_in_background(url, sha, trickle(), user.headers, results)
        time.sleep(0.2)
        # While it stalls, the same account and others are served (it holds no connection).
        other = sign_up(http)  # type: ignore[arg-type]
        assert http.get(f"{API}/media", headers=other.headers).status_code == 200
        assert http.get("/health").status_code == 200
        slow.join(timeout=20)
        assert results == [408]
        assert http.get(f"{API}/media", headers=user.headers).json()["used_bytes"] == 0


def test_uploads_of_one_account_at_once_are_limited(tmp_path, sync_database_url):
    app = create_app(
        fast_settings(
            tmp_path / "srv", sync_database_url, max_uploads_per_account=1, upload_read_timeout=5
        )
    )
    with live_server(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        user = sign_up(http)  # type: ignore[arg-type]
        data = os.urandom(1000)
        gate = threading.Event()

        def held():
            yield data[:10]
            gate.wait(5)
            yield data[10:]

        sha = hashlib.sha256(data).hexdigest()
        first: list[int] = []
        runner = _upload_in_background(url, sha, held(), user.headers, first)
        deadline = time.monotonic() + 10
        while not app.state.media._slots and time.monotonic() < deadline:
            time.sleep(0.02)  # until the first upload holds its slot
        assert app.state.media._slots
        second = _put(http, os.urandom(100), user.headers)
        gate.set()
        runner.join(timeout=20)
    assert second.status_code == 429 and second.json()["error"]["code"] == "rate_limited"
    assert first == [201]


def test_media_come_back_with_headers_that_stop_a_browser_running_them(
    sync_client: TestClient, sync_user
):
    page = b"<html><script>alert(1)</script></html>"
    png = b"\x89PNG\r\n\x1a\n a tiny cover"
    _put(sync_client, page, {**sync_user.headers, "Content-Type": "text/html"})
    _put(sync_client, png, {**sync_user.headers, "Content-Type": "image/png"})
    html = sync_client.get(
        f"{API}/media/{hashlib.sha256(page).hexdigest()}", headers=sync_user.headers
    )
    assert html.headers["x-content-type-options"] == "nosniff"
    assert html.headers["content-disposition"].startswith("attachment")
    image = sync_client.get(
        f"{API}/media/{hashlib.sha256(png).hexdigest()}", headers=sync_user.headers
    )
    assert image.headers["x-content-type-options"] == "nosniff"
    assert "content-disposition" not in image.headers
