"""Requests (server hardening): no body is read before the token is checked, a body is capped
while it streams (chunked too), NUL characters are a 422 and not a database outage, and the
HTTP contract's headers (WWW-Authenticate, Allow) are sent."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

API = "/api/v1"


class Counted:
    """A chunked body that counts how much of it the server took."""

    def __init__(self, chunks: int, size: int = 1024 * 1024) -> None:
        self.chunks, self.size, self.sent = chunks, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield b"x" * self.size


def test_an_anonymous_body_is_refused_before_it_is_read(sync_client: TestClient):
    body = Counted(200)  # 200 MB, chunked: no Content-Length to refuse it by
    r = sync_client.post(
        f"{API}/sync/push", content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert body.sent <= 2  # the client had barely started when the answer came
    bad = {"Authorization": "Bearer not.a.token", "Content-Type": "application/json"}
    body = Counted(200)
    r = sync_client.put(f"{API}/media/{'0' * 64}", content=body, headers=bad)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    assert body.sent <= 2


def test_a_chunked_body_is_capped_while_it_streams(sync_client: TestClient, sync_user):
    body = Counted(64)  # 64 MB against the 16 MB limit, with no Content-Length
    r = sync_client.post(
        f"{API}/sync/push",
        content=body,
        headers={"Content-Type": "application/json", **sync_user.headers},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_nul_characters_are_refused_as_422_everywhere(sync_client: TestClient, sync_user):
    for payload in (
        {"email": "nul\u0000@example.org", "password": "a long password"},
        {"email": "ok@example.org", "password": "a long\u0000password"},
    ):
        r = sync_client.post(f"{API}/auth/register", json=payload)
        assert r.status_code == 422, payload
        assert r.json()["error"]["code"] == "invalid_text"
    r = sync_client.post(
        f"{API}/auth/login",
        json={"email": "a@example.org", "password": "x", "device_name": "pc\u0000"},
    )
    assert r.status_code == 422
    r = sync_client.get(f"{API}/books/book%00one", headers=sync_user.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_text"
    r = sync_client.get(f"{API}/sync/pull", params={"book": "b\u0000"}, headers=sync_user.headers)
    assert r.status_code == 422
    op = {"op_id": "o\u0000", "doc_id": "d", "kind": "scene", "book_id": "b", "update": ""}
    r = sync_client.post(f"{API}/sync/push", json={"ops": [op]}, headers=sync_user.headers)
    assert r.status_code == 422


def test_401_names_its_scheme_and_405_what_is_allowed(sync_client: TestClient):
    r = sync_client.get(f"{API}/auth/me")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = sync_client.get(f"{API}/auth/login")
    assert r.status_code == 405 and "POST" in r.headers["allow"]


def test_every_route_documents_its_error_answers(sync_app):
    spec = sync_app.openapi()
    for path, operations in spec["paths"].items():
        if not path.startswith(API):
            continue
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "401", "404", "409", "410", "413", "422", "429"} <= statuses, (
                method,
                path,
            )
    assert "ErrorBody" in spec["components"]["schemas"]


def test_timestamps_carry_their_time_zone(sync_client: TestClient, sync_user):
    me = sync_client.get(f"{API}/auth/me", headers=sync_user.headers).json()
    assert me["created_at"].endswith(("+00:00", "Z")), me["created_at"]
    devices = sync_client.get(f"{API}/devices", headers=sync_user.headers).json()
    assert all(d["last_seen_at"].endswith(("+00:00", "Z")) for d in devices)


def test_metrics_can_be_kept_behind_a_token(tmp_path):
    from sync_server.app import create_app
    from tests.sync_server.fixtures import fast_settings

    db = f"sqlite:///{tmp_path / 's.db'}"
    with TestClient(
        create_app(fast_settings(tmp_path / "a", db, metrics_token="m-" + "x" * 30))
    ) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/metrics", headers={"Authorization": f"Bearer m-{'x' * 30}"})
        assert ok.status_code == 200 and "authorworks_http_requests_total" in ok.text
    production = fast_settings(
        tmp_path / "b", db, production=True, secret_key="Zq8-vK2pLm9xRt4Wb7Nc1Yd6Hs3Fj0Ga"
    )
    with TestClient(create_app(production)) as c:
        assert c.get("/metrics").status_code == 404


def _login_codes(client: TestClient, n: int, *, email: str, forwarded=None) -> list[int]:
    codes = []
    for i in range(n):
        headers = {"X-Forwarded-For": forwarded(i)} if forwarded else {}
        r = client.post(
            f"{API}/auth/login", json={"email": email, "password": "wrong"}, headers=headers
        )
        codes.append(r.status_code)
    return codes


def test_a_forged_forwarded_header_buys_no_more_attempts(tmp_path):
    from sync_server.app import create_app
    from tests.sync_server.fixtures import fast_settings

    settings = fast_settings(tmp_path / "srv", f"sqlite:///{tmp_path / 's.db'}")
    settings.auth_rate_limit, settings.account_rate_limit = 5, 1000
    with TestClient(create_app(settings)) as client:
        codes = _login_codes(client, 8, email="a@example.org", forwarded=lambda i: f"203.0.113.{i}")
    assert codes == [401] * 5 + [429] * 3  # the header is nobody's word here


def test_a_trusted_proxy_forwards_addresses_and_the_account_is_limited_too(tmp_path):
    from sync_server.app import create_app
    from tests.sync_server.fixtures import fast_settings

    settings = fast_settings(
        tmp_path / "srv",
        f"sqlite:///{tmp_path / 's.db'}",
        trusted_proxies="10.0.0.0/8",
    )
    settings.auth_rate_limit, settings.account_rate_limit = 3, 5
    with TestClient(create_app(settings), client=("10.0.0.5", 50000)) as client:
        # Behind the proxy, each client has its own count...
        one = _login_codes(client, 4, email="x@example.org", forwarded=lambda _i: "198.51.100.1")
        two = _login_codes(client, 1, email="y@example.org", forwarded=lambda _i: "198.51.100.2")
        # ...and one account has its own, whichever addresses the guesses come from.
        spread = _login_codes(
            client, 7, email="target@example.org", forwarded=lambda i: f"198.51.100.{10 + i}"
        )
    assert one == [401, 401, 401, 429] and two == [401]
    assert spread == [401] * 5 + [429] * 2


def test_limits_are_shared_through_redis(tmp_path):
    import uuid

    from sync_server.app import create_app
    from sync_server.ratelimit import RedisRateLimiter
    from tests.fixtures.plugin import missing_dependency
    from tests.sync_server.fixtures import fast_settings

    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except Exception as exc:
        missing_dependency(f"Redis is not reachable at 127.0.0.1:6379 ({exc})")
    db = f"sqlite:///{tmp_path / 's.db'}"
    apps = [
        create_app(fast_settings(tmp_path / f"w{i}", db, redis_url="redis://127.0.0.1:6379/0"))
        for i in range(2)
    ]
    prefix = f"authorworks-test:{uuid.uuid4().hex}:"
    for app in apps:  # two workers, one count
        app.state.settings.auth_rate_limit = 4
        limiter = app.state.rate_limiter
        assert isinstance(limiter, RedisRateLimiter)
        limiter.prefix = prefix
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        codes = []
        for i in range(6):
            client = first if i % 2 else second
            codes.append(_login_codes(client, 1, email="r@example.org")[0])
    assert codes == [401] * 4 + [429] * 2


def test_one_account_cannot_have_many_bodies_read_at_once(tmp_path):
    import threading
    import time

    import httpx

    from sync_server.app import create_app
    from tests.sync_server.fixtures import fast_settings, live_server, sign_up

    app = create_app(
        fast_settings(tmp_path / "srv", f"sqlite:///{tmp_path / 's.db'}", max_writes_per_account=2)
    )
    gate = threading.Event()

    def slow_body():
        yield b'{"ops": ['
        gate.wait(10)
        yield b"]}"

    with live_server(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        user = sign_up(http)  # type: ignore[arg-type]
        headers = {**user.headers, "Content-Type": "application/json"}
        statuses: list[int] = []

        def push() -> None:
            r = httpx.post(
                f"{url}{API}/sync/push", content=slow_body(), headers=headers, timeout=30
            )
            statuses.append(r.status_code)

        held = [threading.Thread(target=push) for _ in range(2)]
        for t in held:
            t.start()
        guard = next(m for m in _middlewares(app) if hasattr(m, "_writing"))
        deadline = time.monotonic() + 10
        while sum(guard._writing.values()) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # until both bodies are being read
        third = http.post(f"{API}/sync/push", json={"ops": []}, headers=user.headers)
        other = sign_up(http)  # type: ignore[arg-type]
        theirs = http.post(f"{API}/sync/push", json={"ops": []}, headers=other.headers)
        gate.set()
        for t in held:
            t.join(timeout=20)
    assert third.status_code == 429 and third.headers["retry-after"] == "1"
    assert theirs.status_code == 200  # another account is not held up
    assert statuses == [200, 200]


def _middlewares(app):
    """The app's built middleware stack, outermost first."""
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)
