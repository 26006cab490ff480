"""Slow uploads: prints other users' pull latency while 50 uploads trickle in.

    python tests/benchmarks/bench_slow_uploads.py [--small]

The server runs on its embedded defaults (SQLite); 50 uploads from 13 accounts (at most 4
each, the per-account limit) send a byte now and then, holding their requests open, while
another user pulls its book's feed. Target: the pulls keep p95 <= 100 ms with no errors (an
upload holds no database connection while its body arrives).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import pycrdt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.sync.protocol import encode_update  # noqa: E402
from tests.benchmarks.local_server import access_token, local_server  # noqa: E402


def _trickle(port: int, token: str, stop: threading.Event) -> None:
    """A PUT /media that sends a byte every second until ``stop``."""
    data = os.urandom(4096)
    sha = hashlib.sha256(data).hexdigest()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            (
                f"PUT /api/v1/media/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: image/png\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
        )
        sent = 0
        while not stop.wait(1.0) and sent < len(data):
            sock.sendall(data[sent : sent + 1])
            sent += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10 uploads, 50 pulls")
    args = parser.parse_args()
    uploads, pulls = (10, 50) if args.small else (50, 300)
    stop = threading.Event()
    with local_server(auth_rate_limit="100000") as server:
        port, url = server.port, server.url
        try:
            reader = access_token(url, "reader@example.org")
            doc = pycrdt.Doc()
            doc["text"] = pycrdt.Text("The lamp burned low.")
            op = {"op_id": "o1", "doc_id": "s1", "kind": "scene", "book_id": "b1",
                  "update": encode_update(doc.get_update())}  # fmt: skip
            headers = {"Authorization": f"Bearer {reader}"}
            httpx.post(f"{url}/api/v1/sync/push", json={"ops": [op]}, headers=headers)
            tokens = [
                access_token(url, f"uploader{i}@example.org") for i in range((uploads + 3) // 4)
            ]
            threads = [
                threading.Thread(target=_trickle, args=(port, tokens[i // 4], stop), daemon=True)
                for i in range(uploads)
            ]
            for t in threads:
                t.start()
            time.sleep(2)  # every upload is in flight
            times, errors = [], 0
            with httpx.Client(base_url=url, timeout=10) as http:
                for _ in range(pulls):
                    t0 = time.perf_counter()
                    r = http.get("/api/v1/sync/pull", params={"book": "b1"}, headers=headers)
                    times.append((time.perf_counter() - t0) * 1000)
                    errors += r.status_code != 200
                health = http.get("/health").status_code
            p95 = statistics.quantiles(times, n=20)[18]
            print(
                f"pulls with {uploads} slow uploads in flight: p50 {statistics.median(times):.1f} "
                f"ms, p95 {p95:.1f} ms [target p95 <= 100 ms], {errors} errors of {pulls}; "
                f"/health {health}"
            )
        finally:
            stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
