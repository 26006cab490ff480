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
