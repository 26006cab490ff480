"""The real server (``authorworks-server``) on a free loopback port, for the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PASSWORD = "benchmark password"


@dataclass(frozen=True)
class LocalServer:
    url: str
    port: int
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_server(**settings: str) -> Iterator[LocalServer]:
    """The server on SQLite in a temp folder, ``settings`` as AUTHORWORKS_SERVER_* values;
    stopped afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        exe = Path(sys.executable).with_name("authorworks-server")
        env = {**os.environ, "AUTHORWORKS_SERVER_ARGON2_MEMORY_KIB": "8192"}
        env.update({f"AUTHORWORKS_SERVER_{k.upper()}": v for k, v in settings.items()})
        proc = subprocess.Popen(
            [str(exe), "--port", str(port), "--data", tmp],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the server did not start")
            yield LocalServer(url, port, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def access_token(url: str, email: str) -> str:
    """Register ``email`` (if new) and sign it in; its access token."""
    httpx.post(f"{url}/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    r = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return str(r.json()["access_token"])
