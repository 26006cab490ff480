"""Comments from the command line, across two libraries and the server on a loopback port:
a commenter comments and syncs, the owner sees the comment on the same words, replies and
resolves, and the commenter sees that; a commenter's edit of the text is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.importers import import_manuscript
from core.store import open_library
from core.store.manuscript import list_books, list_chapters
from sync_server.app import create_app
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT
from tests.sync_server.fixtures import fast_settings, live_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(fast_settings(tmp_path / "server", f"sqlite:///{tmp_path / 's.sqlite3'}"))
    with live_server(app) as url:
        yield url


def _out(capsys: pytest.CaptureFixture[str], code: int) -> str:
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _first_scene(path: str) -> tuple[str, str]:
    with open_library(Path(path), create=False) as lib, lib.session() as s:
        scene = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0].scenes[0]
        return scene.id, scene.text


def test_a_commenter_comments_and_the_owner_answers(
    tmp_path, server, sync_keyring, monkeypatch, capsys
):
    ann, cat = str(tmp_path / "ann"), str(tmp_path / "cat")
    with open_library(Path(ann)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    for library, email in ((ann, "ann@example.org"), (cat, "cat@example.org")):
        assert (
            main(
                ["--library", library, "login", "--server", server, "--email", email, "--register"]
            )
            == 0
        )
    capsys.readouterr()
    invitation = json.loads(
        _out(
            capsys,
            main(
                [
                    "--library",
                    ann,
                    "share",
                    "Gannet",
                    "cat@example.org",
                    "--role",
                    "commenter",
                    "--json",
                ]
            ),
        )
    )
    assert main(["--library", cat, "invitations", "accept", invitation["link"]]) == 0
    scene_id, text = _first_scene(cat)
    quote = text.split(".")[0][-12:]

    # Cat comments (naming Ann) and syncs; Ann is told, syncs and sees it on the same words.
    capsys.readouterr()
    made = _out(
        capsys,
        main(
            [
                "--library",
                cat,
                "review",
                "Gannet",
                "comment",
                "--scene",
                scene_id,
                "--quote",
                quote,
                "--text",
                "Say where we are? @ann",
            ]
        ),
    )
    assert made.startswith("comment: ")
    assert main(["--library", cat, "sync"]) == 0
    assert main(["--library", ann, "sync"]) == 0
    capsys.readouterr()
    review = json.loads(_out(capsys, main(["--library", ann, "review", "Gannet", "--json"])))
    assert review["suggestions"] == []
    [comment] = review["comments"]
    assert (comment["author"], comment["text"], comment["anchor"]) == (
        "cat@example.org",
        "Say where we are? @ann",
        quote,
    )
    inbox = json.loads(_out(capsys, main(["--library", ann, "inbox", "--json"])))
    mentions = [n for n in inbox["items"] if n["kind"] == "mentioned"]
    assert len(mentions) == 1 and "cat@example.org mentioned you" in mentions[0]["message"]
    assert comment["scene_id"] == scene_id and not comment["resolved"]

    # Ann edits the text around it, replies and resolves; Cat sees it all.
    with open_library(Path(ann), create=False) as lib, lib.session() as s:
        scene = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0].scenes[0]
        scene.text = "At dawn. " + scene.text
    assert (
        main(
            ["--library", ann, "review", "Gannet", "reply", comment["id"], "--text", "On the rock."]
        )
        == 0
    )
    assert main(["--library", ann, "review", "Gannet", "resolve", comment["id"]]) == 0
    assert main(["--library", ann, "sync"]) == 0
    assert main(["--library", cat, "sync"]) == 0
    capsys.readouterr()
    [seen] = json.loads(_out(capsys, main(["--library", cat, "review", "Gannet", "--json"])))[
        "comments"
    ]
    assert seen["resolved"] and seen["anchor"] == quote
    assert [(r["author"], r["text"]) for r in seen["replies"]] == [
        ("ann@example.org", "On the rock.")
    ]
    assert _first_scene(cat)[1].startswith("At dawn. ")
    listing = _out(capsys, main(["--library", cat, "review", "Gannet"]))
    assert "(resolved)" in listing and "↳ ann@example.org: On the rock." in listing

    # A commenter's edit of the text does not reach the book.
    with open_library(Path(cat), create=False) as lib, lib.session() as s:
        scene = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0].scenes[0]
        scene.text = scene.text + " VANDAL"
    assert main(["--library", cat, "sync"]) == 0
    assert main(["--library", ann, "sync"]) == 0
    assert "VANDAL" not in _first_scene(ann)[1]


def test_review_refuses_a_quote_that_is_not_there(tmp_path, capsys):
    library = str(tmp_path / "lib")
    with open_library(Path(library)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    scene_id, _text = _first_scene(library)
    code = main(
        [
            "--library",
            library,
            "review",
            "Gannet",
            "comment",
            "--scene",
            scene_id,
            "--quote",
            "no such words",
            "--text",
            "x",
        ]
    )
    assert code != 0 and "does not contain 'no such words'" in capsys.readouterr().err
    assert json.loads(_out(capsys, main(["--library", library, "review", "Gannet", "--json"]))) == {
        "comments": [],
        "suggestions": [],
    }


def test_suggestions_are_listed_accepted_and_rejected_from_the_cli(tmp_path, capsys):
    from datetime import UTC, datetime

    from core.review.store import change_scene_document
    from core.review.suggestions import suggest_delete, suggest_insert

    library = str(tmp_path / "lib")
    with open_library(Path(library)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    scene_id, text = _first_scene(library)
    now = datetime.now(UTC)
    first_word_end = text.index(" ")
    with open_library(Path(library), create=False) as lib, lib.write_session() as s:
        change_scene_document(
            s, scene_id, lambda d: suggest_insert(d, at=0, text="Dawn. ", author="ed", now=now)
        )
        change_scene_document(
            s,
            scene_id,
            lambda d: suggest_delete(d, start=0, end=first_word_end + 1, author="cy", now=now),
        )
        change_scene_document(
            s,
            scene_id,
            lambda d: suggest_insert(d, at=len(text), text=" The end.", author="ed", now=now),
        )
    review = json.loads(_out(capsys, main(["--library", library, "review", "Gannet", "--json"])))
    kinds = [(x["kind"], x["text"], x["author"]) for x in review["suggestions"]]
    assert kinds == [
        ("insert", "Dawn. ", "ed"),
        ("delete", text[: first_word_end + 1], "cy"),
        ("insert", " The end.", "ed"),
    ]
    # `show` prints the text with the pending suggestions not applied.
    shown = _out(capsys, main(["--library", library, "show", "Gannet"]))
    assert "Dawn." not in shown and "The end." not in shown and text.split()[0] in shown

    delete_id = review["suggestions"][1]["id"]
    assert main(["--library", library, "review", "Gannet", "reject", delete_id]) == 0
    assert main(["--library", library, "review", "Gannet", "accept", "--all", "--by", "ed"]) == 0
    assert "accepted 2 suggestions" in capsys.readouterr().out
    assert _first_scene(library)[1] == "Dawn. " + text + " The end."
    assert (
        json.loads(_out(capsys, main(["--library", library, "review", "Gannet", "--json"])))[
            "suggestions"
        ]
        == []
    )
    code = main(["--library", library, "review", "Gannet", "accept"])
    assert code != 0 and "takes a suggestion's ID or --all" in capsys.readouterr().err


def test_comments_and_suggestions_are_part_of_a_backup(tmp_path, capsys):
    library = str(tmp_path / "lib")
    with open_library(Path(library)) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    scene_id, text = _first_scene(library)
    quote = text.split(".")[0][-10:]
    assert (
        main(
            [
                "--library",
                library,
                "review",
                "Gannet",
                "comment",
                "--scene",
                scene_id,
                "--quote",
                quote,
                "--text",
                "Keep?",
            ]
        )
        == 0
    )
    backup = tmp_path / "backup.zip"
    assert main(["--library", library, "backup", "-o", str(backup)]) == 0
    restored = str(tmp_path / "restored")
    assert main(["--library", restored, "restore", str(backup)]) == 0
    capsys.readouterr()
    review = json.loads(_out(capsys, main(["--library", restored, "review", "Gannet", "--json"])))
    assert [(c["text"], c["anchor"]) for c in review["comments"]] == [("Keep?", quote)]
