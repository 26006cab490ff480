"""Where a library lives: its folder or file, found without loading the database layer."""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "library.sqlite3"
FILE_SUFFIXES = {".sqlite3", ".sqlite", ".db", ".awlib"}


def default_library_path() -> Path:
    """The library used when none is named: $AUTHORWORKS_LIBRARY or the user data dir."""
    env = os.environ.get("AUTHORWORKS_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("AuthorWorks", appauthor=False) / "Library"


def locate(path: Path) -> tuple[Path, Path]:
    """(database file, assets folder) for a library path."""
    path = path.expanduser()
    if path.is_file() or (not path.exists() and path.suffix.lower() in FILE_SUFFIXES):
        return path, path.with_name(path.name + ".assets")
    return path / DB_NAME, path / "assets"
