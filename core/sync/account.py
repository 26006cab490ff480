"""Signing a library in to a sync server, syncing it, signing out (shared by CLI and desktop).

The server, the account's email and this device's id are kept in the library (``sync_meta``);
the refresh token only in the OS keyring. Signing out revokes the token on the server when
it can be reached and always forgets it locally; the library's books stay as they are.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from core.jobs import JobContext
from core.store.library import Library
from core.sync.api import SyncApi
from core.sync.engine import SyncEngine, SyncReport
from core.sync.errors import SyncAuthError, SyncError
from core.sync.local_state import DEVICE_ID, clear_meta, get_meta, set_meta
from core.sync.status import ACCOUNT, EMAIL, SERVER, SyncStatus, status
from core.sync.token_store import (
    TOKEN_ENV,
    KeyringTokenStore,
    MemoryTokenStore,
    TokenStore,
    environment_access_token,
)

__all__ = [
    "ACCOUNT",
    "EMAIL",
    "SERVER",
    "HttpFactory",
    "SyncStatus",
    "TokenStoreFactory",
    "account_api",
    "default_http",
    "normalise_server_url",
    "sign_in",
    "sign_out",
    "status",
    "sync_library",
]
HttpFactory = Callable[[str], httpx.Client]
TokenStoreFactory = Callable[[str, str], TokenStore]


def default_http(server_url: str) -> httpx.Client:
    return httpx.Client(base_url=server_url, timeout=httpx.Timeout(30.0, connect=5.0))


def normalise_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SyncError(f"{url or '(empty)'}: a server address starts with http:// or https://")
    return url


def sign_in(
    library: Library,
    *,
    server_url: str,
    email: str,
    password: str,
    register: bool = False,
    device_name: str = "",
    otp: str | None = None,
    http: HttpFactory = default_http,
    tokens: TokenStoreFactory = KeyringTokenStore,
) -> SyncStatus:
    """Sign the library in (creating the account first if ``register``). An account with
    two-factor sign-in takes ``otp``; without it, SyncAuthError with code ``otp_required``."""
    server_url = normalise_server_url(server_url)
    email = email.strip()
    if not password:
        raise SyncAuthError("a password is needed to sign in")
    with library.session() as s:
        previous = get_meta(s, ACCOUNT)
    account = f"{server_url}|{email.casefold()}"
    api = SyncApi(http(server_url), tokens=tokens(server_url, email))
    if register:
        api.register(email, password)
    answer = _login_keeping_no_orphan(
        api, email, password, device_name=device_name or platform.node() or "device", otp=otp
    )
    if previous and previous != account:
        # Another server or account: its feed position means nothing here, and it has none
        # of this library's documents yet, so pull from the start and send everything.
        SyncEngine(library, api).reset_for_resync()
    with library.session() as s:
        set_meta(s, ACCOUNT, account)  # kept after signing out, to spot a change of account
        set_meta(s, SERVER, server_url)
        set_meta(s, EMAIL, email)
        if answer.get("device_id"):
            set_meta(s, DEVICE_ID, str(answer["device_id"]))
    return status(library)


def _login_keeping_no_orphan(
    api: SyncApi, email: str, password: str, *, device_name: str, otp: str | None = None
) -> dict[str, object]:
    """Sign in; if the token cannot be kept here, sign the new device out again.

    The server registers the device before the client stores its token: a store that fails
    (a full disk, a keyring that refuses) must not leave a device listed that nothing can use.
    """
    try:
        return api.login(email, password, device_name=device_name, otp=otp)
    except SyncError:
        raise
    except Exception as exc:
        api.discard_session()
        raise SyncAuthError(
            f"signed in, but this machine could not keep the sign-in token "
            f"({type(exc).__name__}: {exc}); the new device was signed out again"
        ) from exc


def _api(
    library: Library, http: HttpFactory, tokens: TokenStoreFactory
) -> tuple[SyncApi, SyncStatus]:
    current = status(library)
    if not current.signed_in:
        raise SyncAuthError("this library is not signed in: run `authorworks login` first")
    fixed = environment_access_token()
    if fixed:
        # A token from the environment is used as it is: nothing read from or written to a
        # store, and no refresh when it expires.
        api = SyncApi(http(current.server), tokens=MemoryTokenStore(), access_token=fixed)
        api.refresh_hint = f"the access token in ${TOKEN_ENV} was refused or has expired"
        return api, current
    return SyncApi(http(current.server), tokens=tokens(current.server, current.email)), current


@contextmanager
def account_api(
    library: Library,
    *,
    http: HttpFactory = default_http,
    tokens: TokenStoreFactory = KeyringTokenStore,
) -> Iterator[SyncApi]:
    """The API of the account this library is signed in to, closed after use."""
    api, _ = _api(library, http, tokens)
    try:
        yield api
    finally:
        api.http.close()


def sync_library(
    library: Library,
    ctx: JobContext | None = None,
    *,
    http: HttpFactory = default_http,
    tokens: TokenStoreFactory = KeyringTokenStore,
    keep_lost: Callable[[str, dict[str, Any]], bool] | None = None,
) -> SyncReport:
    """One sync round of a signed-in library (``keep_lost``: see SyncEngine)."""
    api, _ = _api(library, http, tokens)
    try:
        return SyncEngine(library, api, keep_lost=keep_lost).sync(ctx)
    finally:
        api.http.close()


def sign_out(
    library: Library,
    *,
    http: HttpFactory = default_http,
    tokens: TokenStoreFactory = KeyringTokenStore,
) -> None:
    """Revoke the session on the server if reachable; forget it here in any case."""
    api, _ = _api(library, http, tokens)
    try:
        api.logout()
    except SyncError:
        pass  # offline or already revoked: the local token is cleared all the same
    finally:
        api.tokens.clear()
        api.http.close()
        with library.session() as s:
            clear_meta(s, EMAIL)


def sign_in_with_provider(
    library: Library,
    *,
    server_url: str,
    device_name: str = "",
    open_browser: Callable[[str], object] | None = None,
    otp: Callable[[], str] | None = None,
    timeout: float = 300.0,
    http: HttpFactory = default_http,
    tokens: TokenStoreFactory = KeyringTokenStore,
) -> SyncStatus:
    """Sign the library in through the server's OpenID Connect provider, in the browser.

    Listens on a loopback port for the browser to come back with a refresh token (the
    server's last redirect), swaps it at once for the first pair, then keeps it as a password
    sign-in does. ``open_browser`` opens the sign-in page (default: the system browser);
    ``otp`` is asked for the code of an account with two-factor sign-in.
    """
    import threading
    import webbrowser
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs, urlencode, urlsplit

    server_url = normalise_server_url(server_url)
    got: dict[str, str] = {}
    done = threading.Event()

    class Back(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            got.update({k: v[0] for k, v in query.items()})
            body = b"<!doctype html><p>Signed in. You can close this page.</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            done.set()

        def log_message(self, *_args: object) -> None:
            pass

    listener = HTTPServer(("127.0.0.1", 0), Back)
    port = listener.server_address[1]
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    try:
        name = device_name or platform.node() or "device"
        query = urlencode({"redirect_uri": f"http://127.0.0.1:{port}/done", "device_name": name})
        (open_browser or webbrowser.open)(f"{server_url}/api/v1/auth/oidc/start?{query}")
        if not done.wait(timeout):
            raise SyncAuthError("the sign-in in the browser was not finished in time")
    finally:
        listener.shutdown()
        listener.server_close()
    if "email" not in got or not ("refresh_token" in got or "otp_ticket" in got):
        raise SyncAuthError("the sign-in in the browser did not complete")
    email = got["email"]
    with library.session() as s:
        previous = get_meta(s, ACCOUNT)
    api = SyncApi(http(server_url), tokens=tokens(server_url, email))
    if "otp_ticket" in got:
        # The account has two-factor sign-in: the provider's word is not enough.
        code = otp() if otp is not None else None
        if not code:
            raise SyncAuthError(
                "this account signs in with a code from its authenticator app too",
                code="otp_required",
            )
        api.complete_provider_sign_in(got["otp_ticket"], code)
    else:
        api.tokens.set(got["refresh_token"])
        api.refresh()  # spends the token that went through the browser
    me = api.me()
    account = f"{server_url}|{email.casefold()}"
    if previous and previous != account:
        SyncEngine(library, api).reset_for_resync()
    with library.session() as s:
        set_meta(s, ACCOUNT, account)
        set_meta(s, SERVER, server_url)
        set_meta(s, EMAIL, str(me.get("email") or email))
    return status(library)
