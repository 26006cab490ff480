"""The server process killed (SIGKILL) while a device pushes: after a restart, the retry
completes, nothing is duplicated and a second device gets exactly the library."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from core.store import open_library
from core.store.manuscript import add_chapter, add_scene, create_book
from core.sync.api import MemoryTokenStore, SyncApi
from core.sync.engine import SyncEngine
from core.sync.errors import SyncError
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import PASSWORD
from tests.sync_server.seaweed import _free_ports


def _start(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AUTHORWORKS_SERVER_ARGON2_MEMORY_KIB": "1024",
        "AUTHORWORKS_SERVER_ARGON2_TIME_COST": "1",
        "AUTHORWORKS_SERVER_COMPACT_AFTER": "100000",
    }
    exe = Path(sys.executable).with_name("authorworks-server")
    proc = subprocess.Popen(
        [str(exe), "--port", str(port), "--data", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.1)


@pytest.mark.slow
def test_push_interrupted_by_sigkill_is_retried_without_duplicates(tmp_path):
    data, port = tmp_path / "server", _free_ports(1)[0]
    url = f"http://127.0.0.1:{port}"
    server = _start(data, port)
    try:
        http = httpx.Client(base_url=url, timeout=30)
        SyncApi(http).register("killed@example.org", PASSWORD)
        with open_library(tmp_path / "a") as lib:
            with lib.session() as s:
                book = create_book(session=s, title="Interrupted")
                for c in range(6):
                    chapter = add_chapter(session=s, book=book, title=f"C{c}")
                    for n in range(50):
                        add_scene(session=s, chapter=chapter, text=f"scene {c}.{n} " * 40)
            api = SyncApi(http, tokens=MemoryTokenStore())
            api.login("killed@example.org", PASSWORD, device_name="a")
            engine = SyncEngine(lib, api, push_batch=20)  # many pushes: the kill lands mid-way
            errors: list[BaseException] = []

            def run() -> None:
                try:
                    engine.sync()
                except SyncError as exc:
                    errors.append(exc)

            worker = threading.Thread(target=run)
            worker.start()
            while engine.pending() == 0 and worker.is_alive():
                time.sleep(0.002)
            queued = engine.pending()
            # Kill as soon as the first batch is acknowledged: 15 more are still to go.
            while engine.pending() == queued and worker.is_alive():
                time.sleep(0.002)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            worker.join(timeout=60)
            assert errors, "the sync should have failed when the server died"
            left = engine.pending()
            assert 0 < left < queued  # some batches went through, the rest are still queued

            server = _start(data, port)
            report = engine.sync()
            assert report.queued == 0
            with sqlite3.connect(data / "server.sqlite3") as db:
                changes = db.execute("SELECT count(*) FROM changes").fetchone()[0]
                distinct = db.execute("SELECT count(*) FROM applied_ops").fetchone()[0]
            assert changes == distinct  # every op applied exactly once

            other = Device(tmp_path / "b", http, "killed@example.org")
            try:
                other.sync()
                mine = Device.__new__(Device)
                mine.library = lib
                assert other.view() == mine.view()
                assert sum(len(ch[3]) for ch in other.view()["books"][0][3]) == 300
            finally:
                other.close()
    finally:
        server.kill()
        server.wait(timeout=10)
