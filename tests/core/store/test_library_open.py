import sqlite3
from pathlib import Path

import pytest

from core.errors import LibraryError
from core.store.library import MIGRATIONS_DIR, SCHEMA_HEAD, open_library


def test_schema_head_matches_alembic_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_new_library_is_wal_and_marked(tmp_path: Path):
    lib = open_library(tmp_path / "lib")
    lib.close()
    conn = sqlite3.connect(tmp_path / "lib" / "library.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    conn.close()


def test_file_path_library(tmp_path: Path):
    lib = open_library(tmp_path / "novel.awlib")
    assert lib.db_path == tmp_path / "novel.awlib"
    assert lib.assets_dir == tmp_path / "novel.awlib.assets"
    lib.close()


def test_missing_library_not_created_when_reading(tmp_path: Path):
    with pytest.raises(LibraryError, match="no library here"):
        open_library(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


def test_empty_file_becomes_a_library(tmp_path: Path):
    """A zero-byte file (as `touch` makes) is a new library, not an error."""
    db = tmp_path / "new.sqlite3"
    db.touch()
    lib = open_library(db)
    with lib.session() as s:
        from core.store.manuscript import create_book, list_books

        create_book(session=s, title="first")
        assert [b.title for b in list_books(session=s)] == ["first"]
    lib.close()
