"""The sync routes check the token's account and device in their own query: a revoked
device or a deleted account is refused at once, and a cached token still expires."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from sync_server.errors import Unauthorized
from sync_server.security import ALGORITHM, read_access_token
from tests.sync_server.fixtures import PASSWORD, fast_settings, sign_up
from tests.sync_server.test_sync_api import _edits, _op

API = "/api/v1"
PULL = f"{API}/sync/pull"
BOOK = {"book": "book-1"}


def test_a_revoked_device_can_neither_pull_nor_push(sync_client: TestClient, sync_user):
    other = sign_up(sync_client, email=sync_user.email, device="phone")
    first = [_op("op-0", _edits(1)[0])]
    assert sync_client.post(f"{API}/sync/push", json={"ops": first}, headers=sync_user.headers)
    ops = [_op("op-1", _edits(1)[0])]
    assert sync_client.get(PULL, params=BOOK, headers=other.headers).status_code == 200
    r = sync_client.delete(f"{API}/devices/{other.device_id}", headers=sync_user.headers)
    assert r.status_code == 204
    pulled = sync_client.get(PULL, params=BOOK, headers=other.headers)
    assert pulled.status_code == 401
    assert pulled.json()["error"]["code"] == "device_revoked"
    pushed = sync_client.post(f"{API}/sync/push", json={"ops": ops}, headers=other.headers)
    assert pushed.status_code == 401
    assert pushed.json()["error"]["code"] == "device_revoked"
    # The device that revoked it still syncs, and nothing was pushed by the revoked one.
    page = sync_client.get(PULL, params=BOOK, headers=sync_user.headers).json()
    assert [c["seq"] for c in page["changes"]] == [1]


def test_a_deleted_account_can_no_longer_pull(sync_client: TestClient, sync_user):
    first = [_op("op-0", _edits(1)[0])]
    assert sync_client.post(f"{API}/sync/push", json={"ops": first}, headers=sync_user.headers)
    assert sync_client.get(PULL, params=BOOK, headers=sync_user.headers).status_code == 200
    r = sync_client.post(
        f"{API}/auth/delete-account", json={"password": PASSWORD}, headers=sync_user.headers
    )
    assert r.status_code == 204
    pulled = sync_client.get(PULL, params=BOOK, headers=sync_user.headers)
    assert pulled.status_code == 401
    assert pulled.json()["error"]["code"] == "invalid_token"


def test_sync_routes_need_a_bearer_token(sync_client: TestClient):
    assert sync_client.get(PULL, params=BOOK).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    r = sync_client.get(PULL, params=BOOK, headers=bad)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    r = sync_client.post(f"{API}/sync/push", json={"ops": []}, headers={"Authorization": "Basic x"})
    assert r.status_code == 401


def test_a_verified_token_still_expires(tmp_path, monkeypatch):
    settings = fast_settings(tmp_path / "srv", f"sqlite:///{tmp_path / 's.db'}")
    now = datetime.now(UTC)
    claims = {"sub": "u1", "did": "d1", "typ": "access", "iat": now, "exp": now + timedelta(60)}
    token = jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)
    assert read_access_token(settings, token)["sub"] == "u1"
    assert read_access_token(settings, token)["sub"] == "u1"  # now from the verified cache
    later = time.time() + timedelta(61).total_seconds()
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthorized) as err:
        read_access_token(settings, token)
    assert err.value.code == "token_expired"
    # A token signed with another secret is not taken from the cache.
    other = fast_settings(
        tmp_path / "srv2",
        f"sqlite:///{tmp_path / 's2.db'}",
        secret_key="Other-secret-0123456789abcdefghijklmnop",
    )
    monkeypatch.undo()
    with pytest.raises(Unauthorized) as err:
        read_access_token(other, token)
    assert err.value.code == "invalid_token"
