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
    body = Counted(64)  # 64 MB against the 32 MB limit, with no Content-Length
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
