"""The binder's edits from the command line: the same use cases as the studio's binder."""

from __future__ import annotations

import json

from core.cli import main
from core.store import open_library
from core.store.manuscript import list_books, list_chapters


def _outline(path) -> list[tuple[str, list[str]]]:
    with open_library(path, create=False) as lib, lib.session() as s:
        book = list_books(session=s)[0]
        return [
            (c.title, [sc.title for sc in c.scenes])
            for c in list_chapters(session=s, book_id=book.id)
        ]


def _run(capsys, *argv: str) -> dict:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_new_add_rename_duplicate_and_move(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    made = _run(capsys, "--library", lib, "new-book", "Gannet Rock")
    assert made["kind"] == "book"
    assert _outline(tmp_path / "lib") == [("Chapter 1", ["Scene 1"])]
    _run(capsys, "--library", lib, "add-chapter", "Gannet", "--title", "The Storm")
    _run(capsys, "--library", lib, "add-scene", "Gannet", "--chapter", "1", "--title", "Dawn")
    _run(capsys, "--library", lib, "add-scene", "Gannet", "--chapter", "1", "--scene", "1")
    assert _outline(tmp_path / "lib") == [
        ("Chapter 1", ["Scene 1", "Scene 3", "Dawn"]),
        ("The Storm", ["Scene 1"]),
    ]
    _run(capsys, "--library", lib, "rename", "Gannet", "--chapter", "1", "--scene", "2", "Dusk")
    _run(capsys, "--library", lib, "rename", "Gannet", "--chapter", "1", "The Calm")
    copy = _run(capsys, "--library", lib, "duplicate", "Gannet", "--chapter", "1", "--scene", "3")
    assert copy["kind"] == "scene"
    _run(capsys, "--library", lib, "move", "Gannet", "--chapter", "1", "--scene", "1",
         "--to-chapter", "2", "--position", "1")  # fmt: skip
    _run(capsys, "--library", lib, "move", "Gannet", "--chapter", "2", "--position", "1")
    assert _outline(tmp_path / "lib") == [
        ("The Storm", ["Scene 1", "Scene 1"]),
        ("The Calm", ["Dusk", "Dawn", "Dawn (copy)"]),
    ]


def test_a_place_that_is_not_there_is_a_one_line_error(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    assert main(["--library", lib, "new-book", "Gannet Rock"]) == 0
    capsys.readouterr()
    assert main(["--library", lib, "add-scene", "Gannet", "--chapter", "4"]) == 1
    err = capsys.readouterr().err
    assert "there is no chapter 4" in err and err.count("\n") == 1
    assert main(["--library", lib, "rename", "Gannet", "--scene", "1", "X"]) == 1
    assert "--scene needs --chapter" in capsys.readouterr().err
