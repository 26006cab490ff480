"""Two-factor sign-in with an authenticator app's codes (TOTP) and recovery codes."""

from __future__ import annotations

import time

import pyotp
from fastapi.testclient import TestClient

from sync_server.models import User
from tests.sync_server.fixtures import PASSWORD

API = "/api/v1"


def _on(client: TestClient, user) -> tuple[pyotp.TOTP, list[str]]:
    setup = client.post(f"{API}/auth/2fa/setup", headers=user.headers).json()
    assert setup["uri"].startswith("otpauth://totp/AuthorWorks:")
    totp = pyotp.TOTP(setup["secret"])
    wrong = client.post(f"{API}/auth/2fa/enable", json={"code": "000000"}, headers=user.headers)
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_otp"
    code = totp.at(time.time())
    r = client.post(f"{API}/auth/2fa/enable", json={"code": code}, headers=user.headers)
    user.first_code = code
    assert r.status_code == 200
    return totp, r.json()["recovery_codes"]


def _login(client: TestClient, email: str, otp: str | None = None):
    body = {"email": email, "password": PASSWORD, **({"otp": otp} if otp else {})}
    return client.post(f"{API}/auth/login", json=body)


def test_sign_in_takes_a_code_once_it_is_on(sync_client: TestClient, sync_user, sync_app):
    totp, recovery = _on(sync_client, sync_user)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert sync_client.get(f"{API}/auth/me", headers=sync_user.headers).json()["two_factor"]
    r = _login(sync_client, sync_user.email)
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_required"
    assert _login(sync_client, sync_user.email, "123456").json()["error"]["code"] == "bad_otp"
    later = totp.at(time.time() + 30)  # the next code: the one enable took is used up
    replay = _login(sync_client, sync_user.email, sync_user.first_code)
    assert replay.json()["error"]["code"] == "otp_reused"
    assert _login(sync_client, sync_user.email, later).status_code == 200
    assert _login(sync_client, sync_user.email, later).json()["error"]["code"] == "otp_reused"
    # A recovery code works once.
    assert _login(sync_client, sync_user.email, recovery[0]).status_code == 200
    assert _login(sync_client, sync_user.email, recovery[0]).status_code == 401
    # The secret is not in the database as it is.
    with sync_app.state.sessions() as s:
        row = s.query(User).filter(User.email == sync_user.email).one()
        assert totp.secret not in (row.totp_secret or "")
        assert recovery[1] not in (row.totp_recovery or "")


def test_deleting_the_account_and_turning_it_off_take_a_code(sync_client, sync_user):
    totp, _recovery = _on(sync_client, sync_user)
    r = sync_client.post(
        f"{API}/auth/delete-account", json={"password": PASSWORD}, headers=sync_user.headers
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_required"
    r = sync_client.post(f"{API}/auth/2fa/disable", json={"code": "1"}, headers=sync_user.headers)
    assert r.status_code == 401
    r = sync_client.post(
        f"{API}/auth/2fa/disable",
        json={"code": totp.at(time.time() + 30)},
        headers=sync_user.headers,
    )
    assert r.status_code == 204
    assert _login(sync_client, sync_user.email).status_code == 200


def test_a_code_of_other_digits_is_refused_not_a_crash(sync_client: TestClient, sync_user):
    """ "¹" and "٣" are digits to Python; the server answers them as a wrong code (the fuzzer
    once got a 500)."""
    for code in ("\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9", "\u0663" * 6):
        r = sync_client.post(
            "/api/v1/auth/2fa/enable", json={"code": code}, headers=sync_user.headers
        )
        assert r.status_code < 500, r.text
