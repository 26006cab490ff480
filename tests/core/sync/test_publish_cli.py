"""Publishing as a writer would, with the CLI against the server on a loopback port (SQLite
and PostgreSQL): publish a library's book, read it on the site, fix a typo in the library,
sync, and see the fix on the site; a bad schedule is refused before anything is sent;
unpublish takes it down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.cli import main
from core.importers import import_manuscript
from core.store import open_library
from core.store.manuscript import list_books, list_chapters, set_scene_text
from sync_server.app import create_app
from sync_server.jobs import publishing_round
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT
from tests.sync_server.fixtures import fast_settings, live_server


@pytest.fixture
def site(tmp_path: Path, sync_database_url: str) -> Iterator[tuple[Any, str]]:
    app = create_app(
        fast_settings(tmp_path / "server", sync_database_url, release_check_seconds=3600)
    )
    with live_server(app) as url:
        yield app, url


def _json(capsys: pytest.CaptureFixture[str], code: int) -> Any:
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_publish_from_the_cli_then_a_fix_reaches_the_site(
    tmp_path, site, sync_keyring, monkeypatch, capsys
):
    app, url = site
    library = str(tmp_path / "writer")
    with open_library(Path(library)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann Lee")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    assert (
        main(
            [
                "--library",
                library,
                "login",
                "--server",
                url,
                "--email",
                "ann@example.org",
                "--register",
            ]
        )
        == 0
    )
    capsys.readouterr()

    assert main(["--library", library, "publish", "Gannet", "--schedule", "someday"]) == 1
    assert "not a schedule" in capsys.readouterr().err

    published = _json(
        capsys,
        main(
            [
                "--library",
                library,
                "publish",
                "Gannet",
                "--genre",
                "Adventure",
                "--tags",
                "sea, islands",
                "--json",
            ]
        ),
    )
    assert published["chapters"] >= 1 and published["tags"] == ["sea", "islands"]
    book_id = published["book_id"]
    found = httpx.get(f"{url}/api/v1/discovery/search", params={"q": "gannet"}).json()
    assert [b["id"] for b in found["results"]] == [book_id]
    first = httpx.get(f"{url}/book/{book_id}/chapter/1", headers={"accept": "text/html"})
    assert first.status_code == 200

    with open_library(Path(library), create=False) as lib, lib.session() as s:
        book = list_books(session=s)[0]
        scene = list_chapters(session=s, book_id=book.id)[0].scenes[0]
        set_scene_text(session=s, scene=scene, text="A corrected opening line, fixed at last.")
        s.commit()
    assert main(["--library", library, "sync"]) == 0
    capsys.readouterr()
    publishing_round(app)
    page = httpx.get(f"{url}/book/{book_id}/chapter/1", headers={"accept": "text/html"})
    assert "A corrected opening line, fixed at last." in page.text

    status = _json(capsys, main(["--library", library, "publication", "Gannet", "--json"]))
    assert status["analytics"]["reads"] >= 1

    assert main(["--library", library, "unpublish", "Gannet"]) == 0
    assert "no longer published" in capsys.readouterr().out
    assert httpx.get(f"{url}/api/v1/discovery/books/{book_id}").status_code == 404
