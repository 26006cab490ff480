"""Sync benchmark: prints first-sync time, edit round-trip latency, pull throughput and the
cost of the permission check, on a book shared between 50 members.

    python tests/benchmarks/bench_sync.py [--small]

Runs the real server (``authorworks-server``) on a loopback port, on PostgreSQL at
127.0.0.1:5432 (database ``test``, a schema of its own, dropped afterwards) or on SQLite when
PostgreSQL is not reachable; the clients are real libraries and the real sync engine. The
book belongs to device A's account and is shared with every other account (invited and
accepted through the real endpoints): device B is another member, and the pull load comes
from the members' accounts, each polling the shared book's feed.
Each figure has the CPU time per round trip or request next to it (server: its processes,
read from /proc; client: this process), since wall-clock figures on a shared machine move
with other people's load. The pull load comes from raw HTTP/1.1 keep-alive connections (see
``_pull_once``), so that the load generator's own CPU stays small next to the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.domain import Scene  # noqa: E402
from core.store import open_library  # noqa: E402
from core.store.library import Library  # noqa: E402
from core.store.manuscript import add_chapter, add_scene, create_book, set_scene_text  # noqa: E402
from core.sync.api import MemoryTokenStore, SyncApi  # noqa: E402
from core.sync.capture import WATERMARK_MARGIN  # noqa: E402
from core.sync.engine import SyncEngine  # noqa: E402

PG_URL = os.environ.get("AUTHORWORKS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark password"
WORDS = [
    "the",
    "keeper",
    "climbed",
    "stairs",
    "lamp",
    "glass",
    "cold",
    "sea",
    "roared",
    "wind",
    "salt",
    "rope",
    "gull",
    "rock",
    "night",
    "light",
    "harbour",
    "boat",
    "storm",
    "tide",
    "shore",
    "stone",
    "tower",
    "watch",
    "dark",
    "bright",
    "long",
    "slow",
]


def _process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants (Linux /proc).

    On a shared machine wall-clock figures move with other people's load; CPU time per
    request does not, so both are printed.
    """
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[int, float]] = {}  # pid -> (parent pid, cpu seconds)
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo.extend(p for p, (parent, _cpu) in stats.items() if parent == current)
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _database() -> Iterator[tuple[str, str]]:
    """(database URL, label): a fresh PostgreSQL schema, or SQLite when PostgreSQL is down."""
    try:
        import psycopg

        conn = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except Exception:
        with tempfile.TemporaryDirectory() as d:
            yield f"sqlite:///{d}/server.sqlite3", "SQLite"
        return
    schema = f"aw_bench_{uuid.uuid4().hex[:10]}"
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{PG_URL}?options=-csearch_path%3D{schema}", "PostgreSQL"
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def _server(database_url: str, data: Path, workers: int) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {
        **os.environ,
        "AUTHORWORKS_SERVER_DATABASE_URL": database_url,
        "AUTHORWORKS_SERVER_AUTH_RATE_LIMIT": "100000",
        "AUTHORWORKS_SERVER_ARGON2_MEMORY_KIB": "8192",
    }
    exe = Path(sys.executable).with_name("authorworks-server")
    cmd = [str(exe), "--port", str(port), "--data", str(data), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _prose(rng: random.Random, words: int) -> str:
    paragraphs, left = [], words
    while left > 0:
        n = min(left, rng.randint(40, 120))
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        left -= n
    return "\n\n".join(paragraphs)


def _make_library(path: Path, scenes: int, words: int) -> None:
    rng = random.Random(7)
    per_scene = words // scenes
    with open_library(path) as lib, lib.session() as s:
        book = create_book(session=s, title="Benchmark Novel", author="B. Mark")
        chapters = max(1, scenes // 50)
        for c in range(chapters):
            chapter = add_chapter(session=s, book=book, title=f"Chapter {c + 1}")
            for n in range(scenes // chapters):
                add_scene(
                    session=s, chapter=chapter, title=f"Scene {n + 1}", text=_prose(rng, per_scene)
                )


def _device(path: Path, url: str, email: str, register: bool = False) -> tuple[Library, SyncEngine]:
    api = SyncApi(httpx.Client(base_url=url, timeout=120), tokens=MemoryTokenStore())
    if register:
        api.register(email, PASSWORD)
    api.login(email, PASSWORD, device_name=path.name)
    lib = open_library(path)
    return lib, SyncEngine(lib, api)


async def _pull_once(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, token: str, query: str
) -> bool:
    """One pull over a kept-alive HTTP/1.1 connection; True for a 200 with a feed page.

    The load clients speak HTTP/1.1 on raw asyncio streams: httpx's async pool costs more CPU
    per request than the server does, and on a machine where the load generator shares the
    cores with the server it would measure the client, not the server.
    """
    writer.write(
        f"GET /api/v1/sync/pull?{query} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode("ascii")
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ValueError("the answer has no Content-Length")
    page = json.loads(await reader.readexactly(length))
    return status == 200 and isinstance(page.get("changes"), list) and "cursor" in page


def _members(url: str, owner: SyncApi, book_id: str, count: int) -> list[str]:
    """Share the book with ``count`` new accounts (invited, accepted from the link); their
    access tokens."""
    tokens = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(count):
            email = f"member{i}-{uuid.uuid4().hex[:6]}@example.org"
            http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
            token = http.post(
                "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
            ).json()["access_token"]
            link = owner.invite(book_id, email, role="editor")["link"]
            r = http.post(
                "/api/v1/invitations/accept",
                json={"token": link.rsplit("/", 1)[1]},
                headers={"Authorization": f"Bearer {token}"},
            )
            r.raise_for_status()
            tokens.append(token)
    return tokens


def _permission_check_ms(
    database_url: str, book_id: str, user_ids: list[str]
) -> tuple[float, float]:
    """(mean, p95) of one role check, in ms, against the server's database."""
    from sqlalchemy.orm import Session

    from sync_server.app import make_engine
    from sync_server.services.books import check_access

    engine = make_engine(database_url)
    times = []
    try:
        with Session(engine) as session:
            for _round in range(20):
                for user_id in user_ids:
                    t = time.perf_counter()
                    check_access(session, user_id=user_id, book_id=book_id, minimum="viewer")
                    times.append((time.perf_counter() - t) * 1000)
    finally:
        engine.dispose()
    return statistics.fmean(times), statistics.quantiles(times, n=20)[18]


def _pull_throughput(
    url: str, tokens: list[str], query: str, seconds: float, server_pid: int
) -> tuple[float, int, int, float, float]:
    """(requests/s, ok, errors, server CPU ms per request, client CPU ms per request)."""
    started = 0.0  # set once the accounts exist: only the pulls are timed
    host, _, port_text = url.removeprefix("http://").partition(":")
    port = int(port_text)
    server_cpu = client_cpu = 0.0

    async def run() -> tuple[int, int]:
        done = errors = 0
        nonlocal started, server_cpu, client_cpu
        server_cpu, client_cpu = _process_tree_cpu(server_pid), time.process_time()
        started = time.monotonic()
        stop = started + seconds

        async def client(token: str) -> None:
            nonlocal done, errors
            reader: asyncio.StreamReader | None = None
            writer: asyncio.StreamWriter | None = None
            while time.monotonic() < stop:
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    assert reader is not None
                    ok = await asyncio.wait_for(_pull_once(reader, writer, host, token, query), 30)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                if ok:
                    done += 1
                else:
                    errors += 1
            if writer is not None:
                writer.close()

        await asyncio.gather(*(client(t) for t in tokens))
        server_cpu = _process_tree_cpu(server_pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        return done, errors

    done, errors = asyncio.run(run())
    elapsed = time.monotonic() - started
    per = 1000 / max(done, 1)
    return done / elapsed, done, errors, server_cpu * per, client_cpu * per


def _subject(token: str) -> str:
    """The user id in an access token (read without checking: the server made it)."""
    import jwt

    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny data, a few seconds")
    args = parser.parse_args()
    scenes, words = (60, 20_000) if args.small else (1500, 1_000_000)
    round_trips, clients, seconds = (10, 10, 2.0) if args.small else (100, 50, 10.0)
    members = 12 if args.small else 50
    workers = 1 if args.small else 2

    with tempfile.TemporaryDirectory() as tmp, _database() as (db_url, db_label):
        root = Path(tmp)
        with _server(db_url, root / "server", workers) as (url, server_pid):
            print(f"server: {url}, {db_label}, {workers} worker(s), {os.cpu_count()} CPU(s)")
            t = time.perf_counter()
            _make_library(root / "a", scenes, words)
            print(
                f"generated library: {scenes} scenes, {words} words "
                f"in {time.perf_counter() - t:.1f} s"
            )
            email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
            lib_a, engine_a = _device(root / "a", url, email, register=True)
            t = time.perf_counter()
            engine_a.sync()
            print(f"first upload from device A: {time.perf_counter() - t:.2f} s")
            book_id = engine_a.api.books()[0]["id"]
            t = time.perf_counter()
            member_email = f"member-b-{uuid.uuid4().hex[:8]}@example.org"
            SyncApi(httpx.Client(base_url=url, timeout=60)).register(member_email, PASSWORD)
            link = engine_a.api.invite(book_id, member_email, role="editor")["link"]
            lib_b, engine_b = _device(root / "b", url, member_email)
            engine_b.api.accept_invitation(link)
            tokens = _members(url, engine_a.api, book_id, members - 2)
            print(
                f"shared with {members} members (A, B and {members - 2} more, each invited "
                f"and accepted) in {time.perf_counter() - t:.1f} s"
            )
            t = time.perf_counter()
            report = engine_b.sync()
            first_sync = time.perf_counter() - t
            with lib_b.session() as s:
                got = s.query(Scene).count()
            print(
                f"first sync into empty device B: {first_sync:.2f} s "
                f"({report.pulled} changes, {got} scenes) [target <= 5 s]"
            )

            with lib_a.session() as s:
                scene_ids = [sid for (sid,) in s.query(Scene.id)]
            rng = random.Random(11)
            # Rows touched in the last few seconds are re-checked by every capture (see
            # core.sync.capture.WATERMARK_MARGIN); measure the steady state a writer sees.
            time.sleep(WATERMARK_MARGIN.total_seconds() + 1)
            times = []
            server_cpu = _process_tree_cpu(server_pid)
            client_cpu = 0.0  # only inside the timed part: not the edits and checks
            for i in range(round_trips):
                scene_id = rng.choice(scene_ids)
                with lib_a.session() as s:
                    scene = s.get(Scene, scene_id)
                    set_scene_text(session=s, scene=scene, text=scene.text + f" Edit {i}.")
                t, cpu = time.perf_counter(), time.process_time()
                engine_a.sync()
                engine_b.sync()
                times.append((time.perf_counter() - t) * 1000)
                client_cpu += time.process_time() - cpu
                with lib_b.session() as s:
                    assert s.get(Scene, scene_id).text.endswith(f" Edit {i}.")
            # The server idles between round trips; its CPU is read in clock ticks (coarse).
            server_cpu = (_process_tree_cpu(server_pid) - server_cpu) * 1000 / round_trips
            client_cpu = client_cpu * 1000 / round_trips
            p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
            print(
                "one-scene edit round trip (push on A, pull on B): "
                f"p50 {statistics.median(times):.1f} ms, "
                f"p95 {p95:.1f} ms [target p95 <= 50 ms]; "
                f"CPU per round trip: client {client_cpu:.1f} ms, server {server_cpu:.1f} ms"
            )
            head = engine_b.api.books()[0]["last_seq"]
            lib_a.close()
            lib_b.close()

            mean, p95 = _permission_check_ms(db_url, book_id, [_subject(t) for t in tokens])
            print(
                f"permission check (role of a member in the shared book): mean {mean:.3f} ms, "
                f"p95 {p95:.3f} ms [target <= 1 ms]"
            )
            rate, done, errors, server_ms, client_ms = _pull_throughput(
                url, tokens[:clients], f"book={book_id}&cursor={head}", seconds, server_pid
            )
            print(
                f"pull throughput with {clients} concurrent member clients polling the "
                f"shared book: {rate:.0f} requests/s "
                f"({done} ok, {errors} errors) [target >= 500/s, 0 errors]; "
                f"CPU per request: server {server_ms:.2f} ms, load client {client_ms:.2f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
