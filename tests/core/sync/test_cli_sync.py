"""`authorworks login / sync / logout` against the server on a loopback port."""

from __future__ import annotations

from pathlib import Path

from core.cli import main
from core.importers import import_manuscript
from core.store import open_library
from core.store.manuscript import book_stats, list_books
from core.sync.api import KEYRING_SERVICE
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT


def _books(path: Path) -> list[tuple[str, int, int]]:
    with open_library(path, create=False) as lib, lib.session() as s:
        return [
            (b.title, book_stats(session=s, book=b).scenes, b.word_count)
            for b in list_books(session=s)
        ]


def test_login_sync_logout(tmp_path, sync_live_server, sync_keyring, monkeypatch, capsys):
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    with open_library(laptop) as lib:
        import_manuscript(lib, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="A. Writer")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    email = "writer@example.org"
    login = ["login", "--server", sync_live_server, "--email", email]
    assert main(["--library", str(laptop), *login, "--register"]) == 0
    assert "Signed in to" in capsys.readouterr().out
    assert main(["--library", str(desktop), *login, "--device-name", "desk"]) == 0
    tokens = {user for (service, user) in sync_keyring.store if service == KEYRING_SERVICE}
    assert tokens == {f"{sync_live_server}|{email}"}

    assert main(["--library", str(laptop), "sync"]) == 0
    assert "Synced: sent" in capsys.readouterr().out
    assert main(["--library", str(desktop), "sync"]) == 0
    assert _books(desktop) == _books(laptop)
    assert _books(desktop)[0][:2] == ("Gannet Rock", 5)

    assert main(["--library", str(desktop), "sync", "--status"]) == 0
    assert "0 change(s) waiting" in capsys.readouterr().out
    assert main(["--library", str(desktop), "logout"]) == 0
    assert not sync_keyring.store
    assert main(["--library", str(desktop), "sync"]) == 1
    assert "not signed in" in capsys.readouterr().err


def test_wrong_password_and_bad_server_are_one_line_errors(
    tmp_path, sync_live_server, sync_keyring, monkeypatch, capsys
):
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    lib = str(tmp_path / "lib")
    assert (
        main(["--library", lib, "login", "--server", sync_live_server, "--email", "x@example.org"])
        == 1
    )
    err = capsys.readouterr().err
    assert (
        err.startswith("authorworks: error: sync server: wrong email or password")
        and err.count("\n") == 1
    )
    assert (
        main(["--library", lib, "login", "--server", "ftp://nowhere", "--email", "x@example.org"])
        == 1
    )
    assert "starts with http://" in capsys.readouterr().err
    assert (
        main(
            [
                "--library",
                lib,
                "login",
                "--server",
                "http://127.0.0.1:9",
                "--email",
                "x@example.org",
            ]
        )
        == 1
    )
    assert "unreachable" in capsys.readouterr().err


def test_signing_in_to_another_account_sends_the_whole_library(
    tmp_path, sync_live_server, sync_keyring, monkeypatch
):
    lib, other = tmp_path / "lib", tmp_path / "other"
    with open_library(lib) as library:
        import_manuscript(library, SAMPLE_MANUSCRIPT, title="Gannet Rock")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    first = ["login", "--server", sync_live_server, "--email", "first@example.org", "--register"]
    second = ["login", "--server", sync_live_server, "--email", "second@example.org", "--register"]
    assert main(["--library", str(lib), *first]) == 0
    assert main(["--library", str(lib), "sync"]) == 0
    assert main(["--library", str(lib), *second]) == 0  # the outbox was empty: now refilled
    assert main(["--library", str(lib), "sync"]) == 0
    assert main(["--library", str(other), *second[:-1]]) == 0
    assert main(["--library", str(other), "sync"]) == 0
    assert _books(other) == _books(lib)
