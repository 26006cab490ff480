"""The real network path: the SDK's own HTTP transport against a local server (127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.generation.client import ClaudeClient
from core.generation.errors import GenerationCancelledError
from core.jobs import JobContext
from tests.core.generation.anthropic_fake import message_events


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stall = threading.Event()  # set: a stalled response may end
        self.closed_early = threading.Event()
        self.bodies: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        return None

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length))
        self.server.bodies.append(body)
        content = body["messages"][0]["content"]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        events = message_events(["Over", " the", " rock."])
        stall = "STALL" in content
        for i, event in enumerate(events):
            if stall and i == 4:
                # Wait like a server that has gone quiet; the client's close ends it.
                self.server.stall.wait(10)
            try:
                self.wfile.write(event)
                self.wfile.flush()
            except OSError:
                self.server.closed_early.set()
                return


@pytest.fixture
def local_api() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stall.set()
    server.shutdown()
    server.server_close()


def _url(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_streams_over_a_real_socket(local_api):
    client = ClaudeClient("sk-local", base_url=_url(local_api))
    pieces: list[str] = []
    outcome = client.stream(
        model="m",
        system=[],
        messages=[{"role": "user", "content": "go"}],
        max_tokens=9,
        on_text=pieces.append,
    )
    assert pieces == ["Over", " the", " rock."] and outcome.stop_reason == "end_turn"


def test_cancel_closes_the_socket_of_a_stalled_stream(local_api):
    client = ClaudeClient("sk-local", base_url=_url(local_api))
    ctx = JobContext()

    def on_text(text: str) -> None:
        ctx.token.cancel()

    with pytest.raises(GenerationCancelledError) as info:
        client.stream(
            model="m",
            system=[],
            messages=[{"role": "user", "content": "STALL"}],
            max_tokens=9,
            on_text=on_text,
            ctx=ctx,
        )
    assert info.value.partial_text == "Over"
    local_api.stall.set()  # the server now writes to a socket the client has closed
    assert local_api.closed_early.wait(10)


def test_cli_generate_end_to_end(local_api, aw_library, aw_sample_book, tmp_path):
    from core.store.manuscript import list_chapters, list_scenes

    with aw_library.session() as s:
        chapter = list_chapters(session=s, book_id=aw_sample_book)[0]
        scene_id = list_scenes(session=s, chapter_id=chapter.id)[0].id
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": "sk-local",
        "ANTHROPIC_BASE_URL": _url(local_api),
        "PYTHONPATH": str(root),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from core.cli import main; sys.exit(main(sys.argv[1:]))",
            "--library",
            str(aw_library.root),
            "generate",
            "Gannet",
            "--scene",
            scene_id,
            "--action",
            "continue",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Over the rock.\n"
    assert "recorded as" in done.stderr
    assert "Gannet Rock" in json.dumps(local_api.bodies[-1]["system"])
