"""Sharing tried as new users would, with the CLI on two libraries against the server on a
loopback port (SQLite and PostgreSQL) and a real SMTP exchange with a sink: A shares with B
by email, B registers, accepts from the emailed link and syncs the same text, both edit, A
removes B, and B loses access at once (the book leaves B's library at the next sync)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.importers import import_manuscript
from core.store import open_library
from core.store.manuscript import list_books, list_chapters
from core.sync.account import account_api
from core.sync.engine import SyncEngine
from sync_server.app import create_app
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT
from tests.sync_server.fixtures import SmtpSink, fast_settings, live_server


@pytest.fixture
def sharing_server(tmp_path: Path, sync_database_url: str, smtp_sink: SmtpSink) -> Iterator[str]:
    app = create_app(
        fast_settings(
            tmp_path / "server",
            sync_database_url,
            smtp_url=smtp_sink.url,
            public_url="http://books.authorworks.test",
        )
    )
    with live_server(app) as url:
        yield url


def _texts(path: Path) -> dict[str, list[str]]:
    """Each book's title -> the text of its scenes, in order."""
    with open_library(path, create=False) as lib, lib.session() as s:
        return {
            b.title: [sc.text for ch in list_chapters(session=s, book_id=b.id) for sc in ch.scenes]
            for b in list_books(session=s)
        }


def _json(capsys: pytest.CaptureFixture[str], code: int) -> object:
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_share_accept_from_the_emailed_link_edit_and_revoke(
    tmp_path, sharing_server, smtp_sink, sync_keyring, monkeypatch, capsys
):
    ann, bob = str(tmp_path / "ann"), str(tmp_path / "bob")
    with open_library(Path(ann)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    server = ["--server", sharing_server]
    assert (
        main(["--library", ann, "login", *server, "--email", "ann@example.org", "--register"]) == 0
    )

    capsys.readouterr()
    # Sharing a book not yet on the server sends it first.
    code = main(
        ["--library", ann, "share", "Gannet", "bob@example.org", "--role", "editor", "--json"]
    )
    invitation = _json(capsys, code)
    assert invitation["email_sent"] is True and invitation["book_title"] == "Gannet Rock"
    (link,) = smtp_sink.links()
    assert link == invitation["link"]
    people = _json(capsys, main(["--library", ann, "members", "Gannet", "--json"]))
    assert [m["email"] for m in people["members"]] == ["ann@example.org"]
    assert [i["email"] for i in people["invitations"]] == ["bob@example.org"]

    # Bob has no account: he registers, sees the invitation with its id, accepts the link.
    assert (
        main(["--library", bob, "login", *server, "--email", "bob@example.org", "--register"]) == 0
    )
    capsys.readouterr()
    pending = _json(capsys, main(["--library", bob, "invitations", "--json"]))
    assert [(i["id"], i["role"]) for i in pending] == [(invitation["id"], "editor")]
    assert main(["--library", bob, "invitations", "accept", link]) == 0
    assert "You joined “Gannet Rock” as an editor" in capsys.readouterr().out
    assert _texts(Path(bob)) == _texts(Path(ann))

    # Both edit; each sync brings the other's words.
    with open_library(Path(bob), create=False) as lib, lib.session() as s:
        scene = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0].scenes[0]
        scene.text = scene.text + "\n\nBob was here."
    assert main(["--library", bob, "sync"]) == 0
    assert main(["--library", ann, "sync"]) == 0
    assert _texts(Path(ann))["Gannet Rock"][0].endswith("Bob was here.")
    capsys.readouterr()
    people = _json(capsys, main(["--library", ann, "members", "Gannet", "--json"]))
    assert [(m["email"], m["role"]) for m in people["members"]] == [
        ("ann@example.org", "owner"),
        ("bob@example.org", "editor"),
    ]

    # Ownership moves to Bob and back.
    assert main(["--library", ann, "transfer", "Gannet", "bob@example.org"]) == 0
    assert "bob@example.org owns" in capsys.readouterr().out
    assert main(["--library", ann, "share", "Gannet", "x@example.org"]) == 1  # an editor now
    assert "cannot do this" in capsys.readouterr().err
    assert main(["--library", bob, "transfer", "Gannet", "ann@example.org"]) == 0
    capsys.readouterr()

    # Ann removes Bob: his next request is refused, and the book leaves his library.
    assert main(["--library", ann, "unshare", "Gannet", "bob@example.org"]) == 0
    assert "no longer has access" in capsys.readouterr().out
    assert main(["--library", bob, "sync", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["lost"]) == 1
    assert _texts(Path(bob)) == {}
    assert main(["--library", bob, "invitations", "accept", link]) == 1
    assert "no longer valid" in capsys.readouterr().err
    assert main(["--library", bob, "members", invitation["book_id"]]) == 1
    history = _json(capsys, main(["--library", ann, "activity", "Gannet", "--json"]))
    assert [e["kind"] for e in history] == [
        "removed",
        "ownership_transferred",
        "ownership_transferred",
        "joined",
        "invited",
    ]
    assert main(["--library", bob, "inbox", "--mute", "removed"]) == 0
    assert "Muted: removed." in capsys.readouterr().out
    # Ann's book is whole, Bob's edit included.
    assert _texts(Path(ann))["Gannet Rock"][0].endswith("Bob was here.")


def test_a_lost_book_can_stay_as_a_private_copy(
    tmp_path, sharing_server, sync_keyring, monkeypatch, capsys
):
    ann, bob = tmp_path / "ann", tmp_path / "bob"
    with open_library(ann) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    server = ["--server", sharing_server]
    assert (
        main(["--library", str(ann), "login", *server, "--email", "a@example.org", "--register"])
        == 0
    )
    assert (
        main(["--library", str(bob), "login", *server, "--email", "b@example.org", "--register"])
        == 0
    )
    capsys.readouterr()
    code = main(["--library", str(ann), "share", "Gannet", "b@example.org", "--json"])
    link = _json(capsys, code)["link"]
    assert main(["--library", str(bob), "invitations", "accept", link]) == 0
    assert main(["--library", str(ann), "unshare", "Gannet", "b@example.org"]) == 0

    with open_library(bob, create=False) as lib, account_api(lib) as api:
        report = SyncEngine(lib, api, keep_lost=lambda _book, _info: True).sync()
        assert len(report.lost) == 1
        # The copy is Bob's own: it goes to his account as a new book on the next round.
        SyncEngine(lib, api).sync()
        assert [b["title"] for b in api.books()] == ["Gannet Rock (private copy)"]
    assert list(_texts(bob)) == ["Gannet Rock (private copy)"]
    assert _texts(bob)["Gannet Rock (private copy)"] == _texts(ann)["Gannet Rock"]
