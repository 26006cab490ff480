"""Opening something that is not a library, or a library from a newer AuthorWorks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.errors import NewerLibraryError, NotALibraryError
from core.store import open_library
from core.store.library import DB_NAME


def _one_line(exc: pytest.ExceptionInfo[BaseException], path: Path) -> str:
    message = str(exc.value)
    assert "\n" not in message and str(path) in message
    return message


def test_text_file_is_not_a_library(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: eggs, flour\n" * 10, encoding="utf-8")
    with pytest.raises(NotALibraryError) as exc:
        open_library(path)
    assert "not an AuthorWorks library" in _one_line(exc, path)
    assert path.read_text(encoding="utf-8").startswith("shopping list")  # left as it was


def test_folder_with_a_non_sqlite_library_file(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(NotALibraryError) as exc:
        open_library(tmp_path)
    _one_line(exc, tmp_path / DB_NAME)


def test_unrelated_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.close()
    with pytest.raises(NotALibraryError) as exc:
        open_library(path)
    assert "unrelated SQLite file" in _one_line(exc, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
    conn.close()


def test_library_from_a_newer_version(tmp_path: Path) -> None:
    open_library(tmp_path / "lib").close()
    db = tmp_path / "lib" / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(NewerLibraryError) as exc:
        open_library(tmp_path / "lib")
    message = _one_line(exc, db)
    assert "newer AuthorWorks" in message and "9999" in message
    with sqlite3.connect(db) as conn:  # not "upgraded" or touched
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
    conn.close()
