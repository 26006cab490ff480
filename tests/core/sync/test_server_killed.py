"""The server process killed (SIGKILL) while a device pushes: after a restart, the retry
completes, nothing is duplicated and a second device gets exactly the library."""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
import pytest

from core.store import open_library
from core.store.manuscript import add_chapter, add_scene, create_book
from core.sync.api import MemoryTokenStore, SyncApi
from core.sync.engine import SyncEngine
from core.sync.errors import SyncError
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import PASSWORD
from tests.sync_server.server_process import ServerProcess


@pytest.mark.slow
def test_push_interrupted_by_sigkill_is_retried_without_duplicates(tmp_path):
    data = tmp_path / "server"
    server = ServerProcess(data, f"sqlite:///{data / 'server.sqlite3'}", compact_after="100000")
    url = server.url
    server.start()
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
            server.kill()
            worker.join(timeout=60)
            assert errors, "the sync should have failed when the server died"
            left = engine.pending()
            assert 0 < left < queued  # some batches went through, the rest are still queued

            server.start()  # the same port and database
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
