"""Sign-in with an OpenID Connect provider, against a fake provider on loopback: a new
account is made for a verified email, an existing one is linked by verified email only, and a
forged or unverified answer is refused."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sync_server.app import create_app
from tests.sync_server.fake_oidc import FakeProvider
from tests.sync_server.fixtures import PASSWORD, fast_settings, live_server, sign_up

API = "/api/v1"
APP = "http://127.0.0.1:1/done"  # the app's loopback address: never opened, only read


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    with live_server(fake.app()) as url:
        fake.issuer = url
        yield fake


@pytest.fixture
def server(tmp_path, sync_database_url, provider) -> Iterator[str]:
    app = create_app(
        fast_settings(
            tmp_path / "srv",
            sync_database_url,
            oidc_issuer=provider.issuer,
            oidc_client_id=provider.client_id,
            oidc_client_secret=provider.client_secret,
            oidc_name="Test ID",
            refresh_reuse_grace_seconds=0,  # no grace for retries: a reuse is refused at once
        )
    )
    with live_server(app) as url:
        app.state.settings.public_url = url
        yield url


def _sign_in(server: str) -> httpx.Response:
    """The browser's part: start, the provider, the callback; stops at the app's address."""
    with httpx.Client(timeout=30) as browser:
        r = browser.get(f"{server}{API}/auth/oidc/start", params={"redirect_uri": APP})
        while r.status_code == 302 and not r.headers["location"].startswith(APP):
            r = browser.get(r.headers["location"])
        return r


def _refresh_token(r: httpx.Response) -> str:
    assert r.status_code == 302, r.text
    query = parse_qs(urlsplit(r.headers["location"]).query)
    return query["refresh_token"][0]


def test_a_verified_email_makes_an_account_and_signs_in(server, provider):
    info = httpx.get(f"{server}{API}/auth/oidc").json()
    assert info == {"enabled": True, "name": "Test ID"}
    provider.email = "new@example.org"
    token = _refresh_token(_sign_in(server))
    pair = httpx.post(f"{server}{API}/auth/refresh", json={"refresh_token": token}).json()
    me = httpx.get(
        f"{server}{API}/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    ).json()
    assert me["email"] == "new@example.org"
    # The token that went through the browser is spent once the app used it.
    assert (
        httpx.post(f"{server}{API}/auth/refresh", json={"refresh_token": token}).status_code == 401
    )
    # No password works for an account made this way.
    r = httpx.post(
        f"{server}{API}/auth/login", json={"email": "new@example.org", "password": "!oidc"}
    )
    assert r.status_code == 401


def test_an_existing_account_is_linked_by_verified_email_only(server, provider):
    with httpx.Client(base_url=server) as http:
        user = sign_up(http, email="ann@example.org")  # type: ignore[arg-type]
        me = http.get(f"{API}/auth/me", headers=user.headers).json()
    provider.email, provider.email_verified = "ann@example.org", False
    r = _sign_in(server)
    assert r.status_code == 401 and r.json()["error"]["code"] == "oidc_unverified"
    provider.email_verified = True
    token = _refresh_token(_sign_in(server))
    pair = httpx.post(f"{server}{API}/auth/refresh", json={"refresh_token": token}).json()
    linked = httpx.get(
        f"{server}{API}/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    ).json()
    assert linked["id"] == me["id"]
    # The password still works too.
    r = httpx.post(
        f"{server}{API}/auth/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert r.status_code == 200


def test_a_forged_state_or_a_foreign_redirect_is_refused(server, provider):
    r = httpx.get(f"{server}{API}/auth/oidc/callback", params={"code": "x", "state": "forged"})
    assert r.status_code == 401
    r = httpx.get(
        f"{server}{API}/auth/oidc/start", params={"redirect_uri": "https://evil.example/cb"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_redirect"
    r = httpx.get(f"{server}{API}/auth/oidc/callback", params={"error": "access_denied"})
    assert r.status_code == 400 and "access_denied" in r.text


def test_the_client_signs_in_through_the_browser_and_syncs(server, provider, tmp_path):
    from core.store import open_library
    from core.store.manuscript import add_chapter, add_scene, create_book
    from core.sync.account import sign_in_with_provider, sync_library
    from core.sync.api import MemoryTokenStore

    store = MemoryTokenStore()
    provider.email = "browser@example.org"

    def browser(url: str) -> None:  # what a browser does: follow every redirect
        httpx.get(url, follow_redirects=True, timeout=30)

    with open_library(tmp_path / "lib") as lib:
        with lib.session() as s:
            book = create_book(session=s, title="By Browser")
            add_scene(session=s, chapter=add_chapter(session=s, book=book), text="Hello.")
        signed = sign_in_with_provider(
            lib, server_url=server, open_browser=browser, tokens=lambda *_: store
        )
        assert signed.signed_in and signed.email == "browser@example.org"
        report = sync_library(lib, tokens=lambda *_: store)
        assert report.pushed > 0


def test_an_account_with_two_factor_sign_in_still_needs_its_code(server, provider, tmp_path):
    import time

    import pyotp

    from core.store import open_library
    from core.sync.account import sign_in_with_provider
    from core.sync.api import MemoryTokenStore
    from core.sync.errors import SyncAuthError

    with httpx.Client(base_url=server) as http:
        user = sign_up(http, email="guarded@example.org")  # type: ignore[arg-type]
        secret = http.post(f"{API}/auth/2fa/setup", headers=user.headers).json()["secret"]
        totp = pyotp.TOTP(secret)
        http.post(f"{API}/auth/2fa/enable", json={"code": totp.now()}, headers=user.headers)
    provider.email = "guarded@example.org"
    # The browser comes back with a ticket, not a token.
    r = _sign_in(server)
    query = parse_qs(urlsplit(r.headers["location"]).query)
    assert "refresh_token" not in query and "otp_ticket" in query
    bad = httpx.post(
        f"{server}{API}/auth/oidc/complete",
        json={"otp_ticket": query["otp_ticket"][0], "otp": "000000"},
    )
    assert bad.status_code == 401

    def browser(url: str) -> None:
        httpx.get(url, follow_redirects=True, timeout=30)

    store = MemoryTokenStore()
    with open_library(tmp_path / "lib") as lib:
        try:
            sign_in_with_provider(
                lib, server_url=server, open_browser=browser, tokens=lambda *_: store
            )
        except SyncAuthError as exc:
            assert exc.code == "otp_required"
        else:
            raise AssertionError("signed in without the second factor")
        signed = sign_in_with_provider(
            lib,
            server_url=server,
            open_browser=browser,
            otp=lambda: totp.at(time.time() + 30),
            tokens=lambda *_: store,
        )
        assert signed.signed_in and signed.email == "guarded@example.org"
