"""Many devices of one account pushing at once: every push lands, sequence numbers stay
unique and gapless, and compaction in between loses nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import httpx
import pycrdt

from core.sync.protocol import decode_update, encode_update
from sync_server.app import create_app
from tests.sync_server.fixtures import PASSWORD, fast_settings, live_server

API = "/api/v1"
DEVICES = 6
PUSHES = 8


def _word_update(doc_id_seed: int, word: str) -> bytes:
    # Each word is its own document's text, so the texts are independent of push order.
    doc = pycrdt.Doc(client_id=1000 + doc_id_seed)
    doc.get("text", type=pycrdt.Text).insert(0, word)
    return doc.get_update()


def test_concurrent_pushers_all_land_with_gapless_sequences(tmp_path, sync_database_url):
    # Six devices of one account at once: more than the guard's default writes per account,
    # which this test is not about (the database's sequence allocation is).
    settings = fast_settings(
        tmp_path / "server", sync_database_url, compact_after=3, max_writes_per_account=100
    )
    with live_server(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as http:
        email = "busy@example.org"
        assert (
            http.post(
                f"{API}/auth/register", json={"email": email, "password": PASSWORD}
            ).status_code
            == 201
        )
        tokens = [
            http.post(
                f"{API}/auth/login",
                json={"email": email, "password": PASSWORD, "device_name": f"d{i}"},
            ).json()["access_token"]
            for i in range(DEVICES)
        ]
        statuses: list[int] = []
        lock = threading.Lock()
        start = threading.Barrier(DEVICES)

        def device(i: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as own:
                start.wait()
                for n in range(PUSHES):
                    # Two documents per device, so each is compacted along the way.
                    op = {
                        "op_id": f"d{i}-op{n}",
                        "doc_id": f"doc-{i}-{n % 2}",
                        "kind": "scene",
                        "book_id": "book-1",
                        "update": encode_update(_word_update(i * 100 + n, f"d{i}w{n}")),
                    }
                    r = own.post(
                        f"{API}/sync/push",
                        json={"ops": [op]},
                        headers={"Authorization": f"Bearer {tokens[i]}"},
                    )
                    with lock:
                        statuses.append(r.status_code)

        threads = [threading.Thread(target=device, args=(i,)) for i in range(DEVICES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * (DEVICES * PUSHES)

        pulled = http.get(
            f"{API}/sync/pull",
            params={"book": "book-1", "cursor": 0, "limit": 1000},
            headers={"Authorization": f"Bearer {tokens[0]}"},
        ).json()
        seqs = [c["seq"] for c in pulled["changes"]]
        assert seqs == sorted(set(seqs)), "sequence numbers are unique and in order"
        words: dict[str, set[str]] = {}
        for change in pulled["changes"]:
            doc = pycrdt.Doc()
            doc.apply_update(decode_update(change["update"]))
            text = str(doc.get("text", type=pycrdt.Text))
            words.setdefault(change["doc_id"], set()).update(text.replace("d", " d").split())
        every = {w for ws in words.values() for w in ws}
        assert every == {f"d{i}w{n}" for i in range(DEVICES) for n in range(PUSHES)}
        # A later push still works, and its cursor follows the feed's last sequence.
        r = http.post(
            f"{API}/sync/push",
            json={"ops": []},
            headers={"Authorization": f"Bearer {tokens[0]}"},
        ).json()
        assert r["books"]["book-1"]["cursor"] == seqs[-1]
