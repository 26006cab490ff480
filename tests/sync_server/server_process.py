"""The real server (``python -m sync_server``) as a process the test can stop, kill and start
again on the same port and database: what a restart, a crash or a second worker looks like."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from tests.sync_server.seaweed import _free_ports

REDIS_URL = os.environ.get("AUTHORWORKS_TEST_REDIS", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    import redis

    from tests.fixtures.plugin import missing_dependency

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_dependency(f"Redis is not reachable at {REDIS_URL} ({exc})")
    return REDIS_URL


class ServerProcess:
    def __init__(self, data_dir: Path, database_url: str, **settings: str) -> None:
        self.port = _free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "AUTHORWORKS_SERVER_DATABASE_URL": database_url,
            # Shared by every process of the test, so their tokens are good on each.
            "AUTHORWORKS_SERVER_SECRET_KEY": settings.pop("secret_key", "t" * 48),
            "AUTHORWORKS_SERVER_ARGON2_TIME_COST": "1",
            "AUTHORWORKS_SERVER_ARGON2_MEMORY_KIB": "1024",
            "AUTHORWORKS_SERVER_AUTH_RATE_LIMIT": "10000",
            "AUTHORWORKS_SERVER_ACCOUNT_RATE_LIMIT": "10000",
            **{f"AUTHORWORKS_SERVER_{k.upper()}": v for k, v in settings.items()},
        }
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "server.log").open("ab")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync_server",
                "--port",
                str(self.port),
                "--data",
                str(self.data_dir),
            ],
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError("the server process did not start")
            time.sleep(0.1)

    def log(self) -> str:
        """What the server wrote (for a failing test's report)."""
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """A clean stop (SIGTERM: the server flushes its rooms and closes them)."""
        if self._process and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=20)

    def kill(self) -> None:
        """A crash (SIGKILL: nothing flushed, no close sent)."""
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=20)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.kill()


def unique_prefix() -> str:
    return f"awtest-{uuid.uuid4().hex[:10]}"
