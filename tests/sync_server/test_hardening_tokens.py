"""Tokens and secrets (server hardening): no token signed with a secret from the source, every
token expires and names a live device, and signing out or changing the password stops the
access tokens at once."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.security import ALGORITHM
from sync_server.settings import DEV_SECRET, SECRET_FILE, Settings
from tests.sync_server.fixtures import PASSWORD, fast_settings, sign_up

API = "/api/v1"


def _forged(secret: str, **claims) -> dict[str, str]:
    now = datetime.now(UTC)
    body = {"typ": "access", "iat": now, "exp": now + timedelta(minutes=5), **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, secret, algorithm=ALGORITHM)}"}


def test_each_data_folder_gets_its_own_random_secret(tmp_path):
    one = Settings(data_dir=tmp_path / "one")
    again = Settings(data_dir=tmp_path / "one")
    other = Settings(data_dir=tmp_path / "two")
    assert one.secret_key != DEV_SECRET and len(one.secret_key) >= 48
    assert again.secret_key == one.secret_key  # kept with the data: tokens survive restarts
    assert other.secret_key != one.secret_key
    mode = (tmp_path / "one" / SECRET_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_token_signed_with_the_source_secret_is_refused(sync_client: TestClient, sync_user):
    me = sync_client.get(f"{API}/auth/me", headers=sync_user.headers).json()
    forged = _forged(DEV_SECRET, sub=me["id"], did=sync_user.device_id)
    r = sync_client.get(f"{API}/auth/me", headers=forged)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_tokens_without_an_expiry_or_a_device_are_refused(sync_client, sync_app, sync_user):
    secret = sync_app.state.settings.secret_key
    me = sync_client.get(f"{API}/auth/me", headers=sync_user.headers).json()
    no_device = _forged(secret, sub=me["id"], did=None)
    no_expiry = {
        "Authorization": "Bearer "
        + jwt.encode(
            {"typ": "access", "sub": me["id"], "did": sync_user.device_id},
            secret,
            algorithm=ALGORITHM,
        )
    }
    for headers in (no_device, no_expiry):
        r = sync_client.get(f"{API}/auth/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    # A token for a device that does not exist is refused too.
    ghost = _forged(secret, sub=me["id"], did="no-such-device")
    assert sync_client.get(f"{API}/auth/me", headers=ghost).status_code == 401


def test_logout_stops_the_access_token_at_once(sync_client: TestClient, sync_user):
    assert sync_client.get(f"{API}/auth/me", headers=sync_user.headers).status_code == 200
    r = sync_client.post(f"{API}/auth/logout", json={"refresh_token": sync_user.refresh_token})
    assert r.status_code == 204
    r = sync_client.get(f"{API}/auth/me", headers=sync_user.headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"


def test_a_password_change_stops_every_device_at_once(sync_client: TestClient, sync_user):
    laptop = sign_up(sync_client, email=sync_user.email, device="phone")
    r = sync_client.post(
        f"{API}/auth/password",
        json={"current_password": PASSWORD, "new_password": "a new password"},
        headers=sync_user.headers,
    )
    assert r.status_code == 204
    for who in (sync_user, laptop):
        assert sync_client.get(f"{API}/auth/me", headers=who.headers).status_code == 401


def test_a_reused_refresh_token_stops_the_device_at_once(sync_client, sync_app, sync_user):
    sync_app.state.settings.refresh_reuse_grace_seconds = 0
    first = sync_client.post(f"{API}/auth/refresh", json={"refresh_token": sync_user.refresh_token})
    fresh = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert sync_client.get(f"{API}/auth/me", headers=fresh).status_code == 200
    stolen = sync_client.post(
        f"{API}/auth/refresh", json={"refresh_token": sync_user.refresh_token}
    )
    assert stolen.status_code == 401 and stolen.json()["error"]["code"] == "token_reused"
    assert sync_client.get(f"{API}/auth/me", headers=fresh).status_code == 401


def test_easy_passwords_are_refused_with_the_reason(sync_client: TestClient, sync_user):
    for weak in ("password", "12345678", "        ", "qwertyuiop"):
        r = sync_client.post(
            f"{API}/auth/register", json={"email": "new@example.org", "password": weak}
        )
        assert r.status_code == 422, weak
        assert r.json()["error"]["code"] in ("weak_password", "validation_error"), weak
    r = sync_client.post(
        f"{API}/auth/register", json={"email": "new@example.org", "password": "password"}
    )
    assert "stronger password" in r.json()["error"]["message"]
    r = sync_client.post(
        f"{API}/auth/password",
        json={"current_password": PASSWORD, "new_password": "12345678"},
        headers=sync_user.headers,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "weak_password"


def test_the_secret_file_is_shared_by_workers(tmp_path):
    apps = [create_app(fast_settings(tmp_path / "data")) for _ in range(2)]
    secrets = {a.state.settings.secret_key for a in apps}
    assert len(secrets) == 1
