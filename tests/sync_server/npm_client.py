"""Drive a real Yjs client from npm (``tests/node/yclient.mjs``: yjs + y-websocket,
unchanged) from a test, through JSON lines on its stdin and stdout."""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.fixtures.plugin import REPO_ROOT, missing_dependency

NODE_DIR = REPO_ROOT / "tests" / "node"


def require_node() -> str:
    node = shutil.which("node")
    if not node:
        missing_dependency("node is not installed (Debian: nodejs npm)")
    if not (NODE_DIR / "node_modules" / "y-websocket").is_dir():
        missing_dependency("the npm Yjs clients are not installed: npm ci --prefix tests/node")
    assert node is not None
    return node


class NpmClient:
    def __init__(self, ws_base: str, room: str, token: str, name: str) -> None:
        node = require_node()
        self.name = name
        self.events: list[dict[str, Any]] = []
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._process = subprocess.Popen(
            [node, str(NODE_DIR / "yclient.mjs"), ws_base, room, token, name],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            try:
                self._lines.put(json.loads(line))
            except ValueError:
                continue

    def _drain(self) -> None:
        while True:
            try:
                self.events.append(self._lines.get_nowait())
            except queue.Empty:
                return

    def wait_for(self, test: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict:
        """The first event (seen so far or coming) that passes ``test``."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            self._drain()
            for event in self.events[seen:]:
                if test(event):
                    return event
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no such event in {self.events[-8:]}")
            with contextlib.suppress(queue.Empty):
                self.events.append(self._lines.get(timeout=min(left, 0.2)))

    def wait_text(self, expected: str, timeout: float = 10.0) -> None:
        self.wait_for(lambda e: e.get("event") == "text" and e["text"] == expected, timeout)

    def text(self) -> str:
        self.send(cmd="text")
        time.sleep(0.2)
        self._drain()
        texts = [e["text"] for e in self.events if e.get("event") in ("text", "synced")]
        return texts[-1] if texts else ""

    def send(self, **command: Any) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self.send(cmd="quit")
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> NpmClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def ws_base(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/api/v1/collab"
