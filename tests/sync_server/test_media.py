"""Media: content-addressed, deduplicated, streamed, within quota — on local disk and S3."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.settings import Settings
from tests.sync_server.fixtures import sign_up

API = "/api/v1"


@pytest.fixture
def media_client(sync_media_settings: Settings) -> Iterator[TestClient]:
    sync_media_settings.storage_quota_bytes = 600_000
    sync_media_settings.max_upload_bytes = 400_000
    with TestClient(create_app(sync_media_settings)) as client:
        yield client


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_upload_once_dedupe_stream_and_delete(media_client: TestClient):
    owner, other = sign_up(media_client), sign_up(media_client)
    audio = os.urandom(300_000)
    sha = _sha(audio)
    r = media_client.put(
        f"{API}/media/{sha}", content=audio, headers={**owner.headers, "Content-Type": "audio/mpeg"}
    )
    assert r.status_code == 201 and r.json()["size"] == len(audio)
    again = media_client.put(f"{API}/media/{sha}", content=audio, headers=owner.headers)
    assert again.status_code == 200  # already there: nothing stored twice
    assert (
        media_client.put(f"{API}/media/{sha}", content=audio, headers=other.headers).status_code
        == 201
    )
    store = media_client.app.state.blob_store
    assert store.exists(sha)
    got = media_client.get(f"{API}/media/{sha}", headers=owner.headers)
    assert got.status_code == 200 and got.content == audio
    assert got.headers["content-type"] == "audio/mpeg"
    usage = media_client.get(f"{API}/media", headers=owner.headers).json()
    assert usage["used_bytes"] == len(audio) and usage["limit_bytes"] == 600_000
    # One owner deleting keeps the bytes for the other; the last one removes them.
    assert media_client.delete(f"{API}/media/{sha}", headers=owner.headers).status_code == 204
    assert store.exists(sha)
    assert media_client.get(f"{API}/media/{sha}", headers=other.headers).content == audio
    assert media_client.delete(f"{API}/media/{sha}", headers=other.headers).status_code == 204
    assert not store.exists(sha)


def test_size_limit_quota_and_hash_checks(media_client: TestClient):
    user = sign_up(media_client)
    too_big = os.urandom(400_001)
    r = media_client.put(f"{API}/media/{_sha(too_big)}", content=too_big, headers=user.headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    first, second = os.urandom(350_000), os.urandom(300_000)
    assert (
        media_client.put(
            f"{API}/media/{_sha(first)}", content=first, headers=user.headers
        ).status_code
        == 201
    )
    r = media_client.put(f"{API}/media/{_sha(second)}", content=second, headers=user.headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "quota_exceeded"
    lie = media_client.put(f"{API}/media/{'a' * 64}", content=b"other bytes", headers=user.headers)
    assert lie.status_code == 400 and lie.json()["error"]["code"] == "hash_mismatch"
    assert not media_client.app.state.blob_store.exists("a" * 64)
    bad = media_client.get(f"{API}/media/not-a-hash", headers=user.headers)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_hash"
    assert media_client.get("/health").json()["checks"]["blob_store"] == "ok"
