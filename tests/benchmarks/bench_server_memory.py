"""Server memory under oversized bodies: prints the server's memory at idle and its peak while
8 clients each send a 200 MB chunked POST (no Content-Length), anonymous and signed in.

    python tests/benchmarks/bench_server_memory.py [--small]

Target: the peak stays within 100 MB of idle (the body is refused before it is read, or cut
off at the limit while it streams, never buffered whole).
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.local_server import access_token, local_server  # noqa: E402


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB (Linux /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if int(entry.name) != pid and parent != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def _chunked_post(port: int, path: str, megabytes: int, token: str | None) -> str:
    """Send ``megabytes`` MB chunked; the status line the server answered with."""
    chunk = b"x" * (1024 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        try:
            for _ in range(megabytes):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: what it said is what matters
        try:
            return sock.recv(200).split(b"\r\n")[0].decode(errors="replace")
        except OSError:
            return "closed"


def _send(port: int, size: int, token: str | None, answers: list[str]) -> None:
    answers.append(_chunked_post(port, "/api/v1/sync/push", size, token))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="20 MB bodies instead of 200")
    args = parser.parse_args()
    size = 20 if args.small else 200
    with local_server() as server:
        port, url, pid = server.port, server.url, server.pid
        token = access_token(url, "memory@example.org")
        time.sleep(1)
        idle = _rss_mb(pid)
        print(f"server memory at idle: {idle:.0f} MB")
        for label, who in (("anonymous", None), ("signed in", token)):
            peak = idle
            answers: list[str] = []
            threads = [
                threading.Thread(target=_send, args=(port, size, who, answers)) for _ in range(8)
            ]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, _rss_mb(pid))
                time.sleep(0.05)
            print(
                f"8 parallel {size} MB chunked pushes, {label}: peak {peak:.0f} MB "
                f"(+{peak - idle:.0f} MB over idle) [target <= +100 MB]; "
                f"answers: {sorted(set(answers))}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
