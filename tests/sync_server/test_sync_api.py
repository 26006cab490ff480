"""The sync endpoints: idempotent push, cursor paging, resync, compaction, bad input."""

from __future__ import annotations

import pycrdt
from fastapi.testclient import TestClient

from core.sync.protocol import decode_update, encode_update

API = "/api/v1"


def _edits(n: int) -> list[bytes]:
    """``n`` successive updates of one document, each appending a word."""
    doc = pycrdt.Doc()
    text = doc.get("text", type=pycrdt.Text)
    updates = []
    for i in range(n):
        before = doc.get_state()
        text += f"w{i} "
        updates.append(doc.get_update(before))
    return updates


def _op(op_id: str, update: bytes, doc_id: str = "doc-1", kind: str = "scene") -> dict[str, str]:
    return {
        "op_id": op_id,
        "doc_id": doc_id,
        "kind": kind,
        "book_id": "book-1",
        "update": encode_update(update),
    }


def _text_of(changes: list[dict]) -> str:
    doc = pycrdt.Doc()
    text = doc.get("text", type=pycrdt.Text)
    for c in changes:
        doc.apply_update(decode_update(c["update"]))
    return str(text)


def test_push_is_idempotent_by_op_id(sync_client: TestClient, sync_user):
    ops = [_op(f"op-{i}", u) for i, u in enumerate(_edits(3))]
    first = sync_client.post(
        f"{API}/sync/push", json={"ops": ops}, headers=sync_user.headers
    ).json()
    assert first == {
        "applied": 3,
        "duplicates": 0,
        "books": {"book-1": {"cursor": 3, "previous_cursor": 0}},
        "rejected": {},
    }
    again = sync_client.post(
        f"{API}/sync/push", json={"ops": ops}, headers=sync_user.headers
    ).json()
    assert again == {
        "applied": 0,
        "duplicates": 3,
        "books": {"book-1": {"cursor": 3, "previous_cursor": 3}},
        "rejected": {},
    }
    pulled = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=sync_user.headers
    ).json()
    assert [c["seq"] for c in pulled["changes"]] == [1, 2, 3]
    assert _text_of(pulled["changes"]) == "w0 w1 w2 "


def test_pull_pages_with_cursor_and_has_more(sync_client: TestClient, sync_user):
    ops = [_op(f"op-{i}", u) for i, u in enumerate(_edits(7))]
    sync_client.post(f"{API}/sync/push", json={"ops": ops}, headers=sync_user.headers)
    cursor, pages, changes = 0, 0, []
    while True:
        page = sync_client.get(
            f"{API}/sync/pull",
            params={"book": "book-1", "cursor": cursor, "limit": 3},
            headers=sync_user.headers,
        ).json()
        changes += page["changes"]
        cursor = page["cursor"]
        pages += 1
        if not page["has_more"]:
            break
    assert pages == 3 and cursor == 7
    assert _text_of(changes) == "w0 w1 w2 w3 w4 w5 w6 "
    empty = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 7}, headers=sync_user.headers
    ).json()
    assert empty == {"changes": [], "cursor": 7, "has_more": False}


def test_a_cursor_from_the_future_requires_a_resync(sync_client: TestClient, sync_user):
    ops = [_op("op-0", _edits(1)[0])]
    sync_client.post(f"{API}/sync/push", json={"ops": ops}, headers=sync_user.headers)
    r = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 5}, headers=sync_user.headers
    )
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "resync_required"


def test_compaction_squashes_a_documents_updates_into_one(
    sync_client: TestClient, sync_user, sync_app
):
    sync_app.state.settings.compact_after = 4
    updates = _edits(10)
    for i, u in enumerate(updates):
        sync_client.post(
            f"{API}/sync/push", json={"ops": [_op(f"op-{i}", u)]}, headers=sync_user.headers
        )
    pulled = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=sync_user.headers
    ).json()
    assert len(pulled["changes"]) < 10
    assert _text_of(pulled["changes"]) == "".join(f"w{i} " for i in range(10))
    sync_app.state.settings.compact_after = 1000
    sync_client.post(
        f"{API}/sync/push", json={"ops": [_op("late", _edits(11)[10])]}, headers=sync_user.headers
    )
    r = sync_client.post(f"{API}/sync/compact", headers=sync_user.headers)
    assert r.json() == {"documents": 1}
    pulled = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=sync_user.headers
    ).json()
    assert len(pulled["changes"]) == 1
    assert _text_of(pulled["changes"]).startswith("w0 w1")
    # an op id applied before compaction is still a no-op after it
    again = sync_client.post(
        f"{API}/sync/push", json={"ops": [_op("op-0", updates[0])]}, headers=sync_user.headers
    )
    assert again.json()["duplicates"] == 1


def test_garbage_update_is_refused_with_422(sync_client: TestClient, sync_user):
    for update in ("!!not base64!!", encode_update(b"\xff\xff\xff")):
        op = {"op_id": "x", "doc_id": "d", "kind": "scene", "book_id": "b", "update": update}
        r = sync_client.post(f"{API}/sync/push", json={"ops": [op]}, headers=sync_user.headers)
        assert r.status_code == 422, update
        assert r.json()["error"]["code"] == "invalid_update"
    bad_kind = {"op_id": "x", "doc_id": "d", "kind": "spaceship", "book_id": "b", "update": ""}
    r = sync_client.post(f"{API}/sync/push", json={"ops": [bad_kind]}, headers=sync_user.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_research_notes_travel_as_documents_of_their_own_kind(sync_client: TestClient, sync_user):
    ops = [_op(f"note-{i}", u, doc_id="note-1", kind="note") for i, u in enumerate(_edits(2))]
    r = sync_client.post(f"{API}/sync/push", json={"ops": ops}, headers=sync_user.headers)
    assert r.status_code == 200, r.text
    assert r.json()["applied"] == 2
    pulled = sync_client.get(
        f"{API}/sync/pull", params={"book": "book-1", "cursor": 0}, headers=sync_user.headers
    ).json()
    assert [(c["kind"], c["doc_id"], c["book_id"]) for c in pulled["changes"]] == [
        ("note", "note-1", "book-1")
    ] * 2
    assert _text_of(pulled["changes"]) == "w0 w1 "


def test_updates_with_junk_or_random_bytes_are_refused(sync_client: TestClient, sync_user):
    import os
    import random

    valid = _edits(1)[0]
    rng = random.Random(7)
    refused = 0
    cases = [valid + b"junk", valid + b"\x00", valid + os.urandom(8)]
    cases += [bytes(rng.randrange(256) for _ in range(rng.randint(3, 60))) for _ in range(40)]
    for i, data in enumerate(cases):
        op = _op(f"bad-{i}", data)
        r = sync_client.post(f"{API}/sync/push", json={"ops": [op]}, headers=sync_user.headers)
        assert r.status_code in (200, 422), r.text
        refused += r.status_code == 422
        if i < 3:  # junk after a valid update
            assert r.status_code == 422 and "bytes after its end" in r.text
    # Junk after a valid update is always refused; random bytes nearly always.
    assert refused >= len(cases) - 5
    ok = sync_client.post(
        f"{API}/sync/push", json={"ops": [_op("good", valid)]}, headers=sync_user.headers
    )
    assert ok.status_code == 200 and ok.json()["applied"] == 1
