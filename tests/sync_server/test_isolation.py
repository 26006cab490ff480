"""Another user can never read or write your books or media: every sync and media endpoint
tried with a second user's token, with no token and with an expired token."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import jwt
import pycrdt
import pytest
from fastapi.testclient import TestClient

from core.sync.protocol import decode_update
from tests.sync_server.collab_world import scene_op

API = "/api/v1"
BLOB = b"\x89PNG a tiny cover"
SHA = hashlib.sha256(BLOB).hexdigest()


def _op(op_id: str, doc_id: str, text: str) -> dict[str, str]:
    return scene_op(op_id, text, doc_id=doc_id, book_id="book-1")


@pytest.fixture
def owner_data(sync_client: TestClient, sync_user_factory):
    owner = sync_user_factory()
    r = sync_client.post(
        f"{API}/sync/push",
        json={"ops": [_op("o1", "scene-1", "secret prose")]},
        headers=owner.headers,
    )
    assert r.status_code == 200
    assert (
        sync_client.put(f"{API}/media/{SHA}", content=BLOB, headers=owner.headers).status_code
        == 201
    )
    return owner


def _texts(changes: list[dict]) -> list[str]:
    texts = []
    for change in changes:
        doc = pycrdt.Doc()
        text = doc.get("text", type=pycrdt.Text)
        doc.apply_update(decode_update(change["update"]))
        texts.append(str(text))
    return texts


def _expired_token(settings, user_id: str) -> str:
    past = datetime.now(UTC) - timedelta(hours=1)
    claims = {
        "sub": user_id,
        "did": "some-device",
        "typ": "access",
        "iat": past - timedelta(minutes=15),
        "exp": past,
    }
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def _calls(client: TestClient, headers: dict[str, str]):
    return {
        "push": client.post(
            f"{API}/sync/push", json={"ops": [_op("o2", "scene-1", "overwrite")]}, headers=headers
        ),
        "pull": client.get(
            f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=headers
        ),
        "book": client.get(f"{API}/books/book-1", headers=headers),
        "members": client.get(f"{API}/books/book-1/members", headers=headers),
        "compact": client.post(f"{API}/sync/compact", headers=headers),
        "media list": client.get(f"{API}/media", headers=headers),
        "media get": client.get(f"{API}/media/{SHA}", headers=headers),
        "media delete": client.delete(f"{API}/media/{SHA}", headers=headers),
        "devices": client.get(f"{API}/devices", headers=headers),
    }


def test_second_user_sees_and_changes_nothing_of_the_first(
    sync_client, owner_data, sync_user_factory
):
    intruder = sync_user_factory()
    calls = _calls(sync_client, intruder.headers)
    # A push to the owner's book is refused as if there were no such book, and nothing of
    # the book can be read: the same 404 as for a book that does not exist.
    assert calls["push"].status_code == 200
    assert calls["push"].json()["rejected"] == {"book-1": "book_not_found"}
    assert calls["push"].json()["applied"] == 0
    for name in ("pull", "book", "members"):
        assert calls[name].status_code == 404, name
        assert calls[name].json()["error"]["code"] == "book_not_found", name
    missing = sync_client.get(f"{API}/books/no-such-book", headers=intruder.headers)
    assert missing.status_code == 404 and missing.json() == calls["book"].json()
    assert sync_client.get(f"{API}/books", headers=intruder.headers).json() == []
    assert calls["media list"].json()["items"] == []
    assert calls["media get"].status_code == 404
    assert calls["media delete"].status_code == 404
    assert [d["name"] for d in calls["devices"].json()] == ["laptop"]
    # The owner's data is untouched.
    pulled = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=owner_data.headers
    ).json()
    assert _texts(pulled["changes"]) == ["secret prose"]
    assert sync_client.get(f"{API}/media/{SHA}", headers=owner_data.headers).content == BLOB
    # Uploading the same bytes makes the intruder an owner of their own copy only.
    assert (
        sync_client.put(f"{API}/media/{SHA}", content=BLOB, headers=intruder.headers).status_code
        == 201
    )
    assert sync_client.delete(f"{API}/media/{SHA}", headers=intruder.headers).status_code == 204
    assert sync_client.get(f"{API}/media/{SHA}", headers=owner_data.headers).content == BLOB


@pytest.mark.parametrize("token", ["none", "expired", "garbage"])
def test_every_endpoint_refuses_a_missing_or_expired_token(
    sync_client, sync_settings, owner_data, token
):
    if token == "none":
        headers: dict[str, str] = {}
    elif token == "expired":
        me = sync_client.get(f"{API}/auth/me", headers=owner_data.headers).json()
        headers = {"Authorization": f"Bearer {_expired_token(sync_settings, me['id'])}"}
    else:
        headers = {"Authorization": "Bearer not.a.token"}
    expected_code = {
        "none": "not_authenticated",
        "expired": "token_expired",
        "garbage": "invalid_token",
    }[token]
    for name, response in _calls(sync_client, headers).items():
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == expected_code, name
    upload = sync_client.put(f"{API}/media/{'0' * 64}", content=b"x", headers=headers)
    assert upload.status_code == 401
    assert sync_client.get(f"{API}/auth/me", headers=headers).status_code == 401
