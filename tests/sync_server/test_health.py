import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.settings import Settings


def test_health_ok_on_embedded_defaults(tmp_path: Path):
    app = create_app(Settings(data_dir=tmp_path / "server"))
    with TestClient(app) as client:
        r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "blob_store": "ok"}}
    assert (tmp_path / "server" / "blobs").is_dir()


def test_health_503_when_database_unreachable(tmp_path: Path):
    # A database file in a folder that does not exist cannot be opened: the check says so.
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{missing}"))
    with TestClient(app) as client:
        r = client.get("/health")
    assert r.status_code == 503
    assert r.json()["checks"]["database"].startswith("error")


def test_production_refuses_default_secret(tmp_path: Path):
    with pytest.raises(ValueError, match="refuses a weak secret"):
        Settings(data_dir=tmp_path, production=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_command_starts_and_answers(tmp_path: Path):
    port = _free_port()
    exe = Path(sys.executable).with_name("authorworks-server")
    proc = subprocess.Popen(
        [str(exe), "--port", str(port), "--data", str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
