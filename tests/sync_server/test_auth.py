"""Accounts: register, login, rotating refresh tokens with reuse detection, logout,
password change, account deletion, devices, rate limits, the error shape."""

from __future__ import annotations

import pycrdt
from fastapi.testclient import TestClient

from core.sync.protocol import encode_update
from sync_server.app import create_app
from tests.sync_server.fixtures import PASSWORD, fast_settings, sign_up

API = "/api/v1"


def _refresh(client: TestClient, token: str):
    return client.post(f"{API}/auth/refresh", json={"refresh_token": token})


def test_register_login_me(sync_client: TestClient):
    r = sync_client.post(
        f"{API}/auth/register", json={"email": "Ada@Example.org", "password": PASSWORD}
    )
    assert r.status_code == 201
    assert r.json()["email"] == "ada@example.org"
    again = sync_client.post(
        f"{API}/auth/register", json={"email": "ada@example.org", "password": PASSWORD}
    )
    # An address with an account answers like a new one (registering reveals nothing), and
    # the account is untouched.
    assert again.status_code == 201
    assert set(again.json()) == set(r.json()) and again.json()["id"] != r.json()["id"]
    bad = sync_client.post(
        f"{API}/auth/login", json={"email": "ada@example.org", "password": "nope"}
    )
    assert bad.status_code == 401
    assert bad.json() == {
        "error": {"code": "bad_credentials", "message": "wrong email or password"}
    }
    user = sign_up(sync_client, email="ada@example.org")
    me = sync_client.get(f"{API}/auth/me", headers=user.headers)
    assert me.status_code == 200 and me.json()["email"] == "ada@example.org"


def test_validation_errors_use_the_error_shape(sync_client: TestClient):
    r = sync_client.post(f"{API}/auth/register", json={"email": "not-an-email", "password": "x"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert "email" in r.json()["error"]["message"]


def test_refresh_rotates_and_reuse_revokes_the_family(sync_client: TestClient, sync_app, sync_user):
    first = _refresh(sync_client, sync_user.refresh_token)
    assert first.status_code == 200
    second_token = first.json()["refresh_token"]
    assert second_token != sync_user.refresh_token
    _age_rotations(sync_app, seconds=31)  # past the retry grace
    # The old token again: theft is assumed, the whole family is revoked ...
    reuse = _refresh(sync_client, sync_user.refresh_token)
    assert reuse.status_code == 401 and reuse.json()["error"]["code"] == "token_reused"
    # ... including the newest token.
    assert _refresh(sync_client, second_token).status_code == 401


def _age_rotations(app, *, seconds: int) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from sync_server.models import RefreshToken

    with app.state.sessions() as session:
        session.execute(
            update(RefreshToken)
            .where(RefreshToken.used_at.is_not(None))
            .values(used_at=datetime.now(UTC) - timedelta(seconds=seconds))
        )
        session.commit()


def test_a_refresh_retried_or_raced_within_the_grace_keeps_the_family(
    sync_client: TestClient, sync_user
):
    import threading

    first = _refresh(sync_client, sync_user.refresh_token)
    # The answer was lost: the device sends the same token again a moment later.
    retry = _refresh(sync_client, sync_user.refresh_token)
    assert first.status_code == retry.status_code == 200
    assert first.json()["refresh_token"] != retry.json()["refresh_token"]
    # Two processes of the device race with the newest token.
    answers: list[int] = []
    token = retry.json()["refresh_token"]
    threads = [
        threading.Thread(target=lambda: answers.append(_refresh(sync_client, token).status_code))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200, 200]
    # Nothing was revoked: the tokens of both branches still refresh.
    assert _refresh(sync_client, first.json()["refresh_token"]).status_code == 200
    me = sync_client.get(
        f"{API}/auth/me", headers={"Authorization": f"Bearer {retry.json()['access_token']}"}
    )
    assert me.status_code == 200


def test_logout_revokes_the_refresh_token(sync_client: TestClient, sync_user):
    assert (
        sync_client.post(
            f"{API}/auth/logout", json={"refresh_token": sync_user.refresh_token}
        ).status_code
        == 204
    )
    assert _refresh(sync_client, sync_user.refresh_token).status_code == 401
    # logging out twice is fine
    assert (
        sync_client.post(
            f"{API}/auth/logout", json={"refresh_token": sync_user.refresh_token}
        ).status_code
        == 204
    )


def test_change_password_signs_out_other_sessions(sync_client: TestClient, sync_user):
    wrong = sync_client.post(
        f"{API}/auth/password",
        json={"current_password": "wrong", "new_password": "a new password"},
        headers=sync_user.headers,
    )
    assert wrong.status_code == 401
    r = sync_client.post(
        f"{API}/auth/password",
        json={"current_password": PASSWORD, "new_password": "a new password"},
        headers=sync_user.headers,
    )
    assert r.status_code == 204
    assert _refresh(sync_client, sync_user.refresh_token).status_code == 401
    login = sync_client.post(
        f"{API}/auth/login", json={"email": sync_user.email, "password": "a new password"}
    )
    assert login.status_code == 200


def test_delete_account_removes_all_its_data(sync_client: TestClient, sync_app, sync_user):
    doc = pycrdt.Doc()
    doc["text"] = pycrdt.Text("hello")
    op = {
        "op_id": "op-1",
        "doc_id": "doc-1",
        "kind": "scene",
        "book_id": "b",
        "update": encode_update(doc.get_update()),
    }
    assert (
        sync_client.post(
            f"{API}/sync/push", json={"ops": [op]}, headers=sync_user.headers
        ).status_code
        == 200
    )
    blob = b"cover bytes"
    import hashlib

    sha = hashlib.sha256(blob).hexdigest()
    assert (
        sync_client.put(f"{API}/media/{sha}", content=blob, headers=sync_user.headers).status_code
        == 201
    )
    r = sync_client.post(
        f"{API}/auth/delete-account", json={"password": PASSWORD}, headers=sync_user.headers
    )
    assert r.status_code == 204
    from sqlalchemy import func, select

    from sync_server.models import Blob, Change, Device, Document, User

    with sync_app.state.sessions() as s:
        for model in (User, Change, Document, Device, Blob):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
    assert not sync_app.state.blob_store.exists(sha)
    assert sync_client.get(f"{API}/auth/me", headers=sync_user.headers).status_code == 401


def test_devices_are_listed_and_revoking_one_signs_it_out(sync_client: TestClient, sync_user):
    other = sign_up(sync_client, email=sync_user.email, device="phone")
    devices = sync_client.get(f"{API}/devices", headers=sync_user.headers).json()
    assert sorted(d["name"] for d in devices) == ["laptop", "phone"]
    assert [d["current"] for d in devices if d["name"] == "laptop"] == [True]
    r = sync_client.delete(f"{API}/devices/{other.device_id}", headers=sync_user.headers)
    assert r.status_code == 204
    assert (
        sync_client.get(f"{API}/auth/me", headers=other.headers).json()["error"]["code"]
        == "device_revoked"
    )
    assert _refresh(sync_client, other.refresh_token).status_code == 401
    assert sync_client.get(f"{API}/auth/me", headers=sync_user.headers).status_code == 200
    assert sync_client.delete(f"{API}/devices/nope", headers=sync_user.headers).status_code == 404


def test_auth_routes_are_rate_limited(tmp_path):
    settings = fast_settings(tmp_path / "srv", f"sqlite:///{tmp_path / 's.db'}")
    settings.auth_rate_limit = 3
    with TestClient(create_app(settings)) as client:
        codes = [
            client.post(f"{API}/auth/login", json={"email": "a@b.org", "password": "x"}).status_code
            for _ in range(5)
        ]
    assert codes == [401, 401, 401, 429, 429]
