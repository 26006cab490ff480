"""Opening a local library: the SQLite file, its settings and its schema version.

A library is a folder holding ``library.sqlite3`` and an ``assets/`` folder of
content-addressed files. A path that names a file (``*.sqlite3``, ``*.db``, ``*.awlib``)
is taken as the database itself, with its assets in ``<file>.assets/``.

Opening checks the schema version straight from the ``alembic_version`` table and only loads
Alembic when an upgrade is due, so opening an up-to-date library costs a few milliseconds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.errors import LibraryError, NewerLibraryError, NotALibraryError
from core.store.location import DB_NAME, FILE_SUFFIXES, default_library_path
from core.store.location import locate as _locate

__all__ = ["DB_NAME", "FILE_SUFFIXES", "Library", "default_library_path", "open_library"]

# Marks a SQLite file as ours (PRAGMA application_id): "AWLB".
APPLICATION_ID = 0x41574C42
# The newest migration this code knows; tests check it against the Alembic scripts.
SCHEMA_HEAD = "0005"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
    cur.close()


class Library:
    """An open library: its engine, a session factory and where its files live."""

    def __init__(self, db_path: Path, assets_dir: Path, engine: Engine) -> None:
        self.db_path = db_path
        self.assets_dir = assets_dir
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def root(self) -> Path:
        return self.db_path.parent

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block ends normally, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A unit of work that holds the write lock from its first read to its commit.

        For a read-modify-write that must not interleave with another writer (autosave
        merging with what a sync stored). The sqlite3 module opens a transaction only at the
        first write, so the reads of :meth:`session` may see a row another thread then
        overwrites before this one writes; BEGIN IMMEDIATE takes the lock first (waiting up to
        the busy timeout for a writer in progress).
        """
        with self.session() as session:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_sqlite_file(db_path: Path) -> None:
    try:
        with db_path.open("rb") as fh:
            header = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise LibraryError(f"{db_path}: cannot read the library ({exc.strerror})") from exc
    if header and header != _SQLITE_MAGIC:
        raise NotALibraryError(f"{db_path}: not an AuthorWorks library (not an SQLite database)")


def _schema_state(conn: sqlite3.Connection, db_path: Path) -> str | None:
    """The library's schema revision, None for an empty new file."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise NotALibraryError(f"{db_path}: not an AuthorWorks library ({exc})") from exc
    if not tables:
        return None
    if app_id != APPLICATION_ID or "alembic_version" not in tables:
        raise NotALibraryError(f"{db_path}: not an AuthorWorks library (an unrelated SQLite file)")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _known_revisions() -> set[str]:
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py")}


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def open_library(path: Path | str | None = None, *, create: bool = True) -> Library:
    """Open (and if ``create``, make) the library at ``path``; upgrade its schema in place.

    Raises NotALibraryError for a file that is not a library, NewerLibraryError for one
    written by a newer AuthorWorks, LibraryError when it is missing and ``create`` is False.
    """
    db_path, assets_dir = _locate(Path(path) if path is not None else default_library_path())
    if db_path.exists():
        _check_sqlite_file(db_path)
    elif not create:
        raise LibraryError(
            f"{db_path.parent if db_path.name == DB_NAME else db_path}: no library here "
            "(run `authorworks init` or import a manuscript to create one)"
        )
    else:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"{db_path.parent}: cannot create the library ({exc.strerror})"
            ) from exc

    try:
        conn = sqlite3.connect(db_path)
    except sqlite3.Error as exc:
        raise LibraryError(f"{db_path}: cannot open the library ({exc})") from exc
    try:
        revision = _schema_state(conn, db_path)
        if revision != SCHEMA_HEAD:
            if revision is not None and revision not in _known_revisions():
                raise NewerLibraryError(
                    f"{db_path}: this library was written by a newer AuthorWorks "
                    f"(schema {revision}); update the app to open it"
                )
            # WAL lets the desktop read while a backup or an import writes.
            conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()

    engine = create_engine(f"sqlite+pysqlite:///{db_path}")
    event.listen(engine, "connect", _on_connect)
    if revision != SCHEMA_HEAD:
        try:
            _migrate(engine)
        except Exception as exc:
            engine.dispose()
            raise LibraryError(f"{db_path}: could not upgrade the library ({exc})") from exc
    return Library(db_path, assets_dir, engine)
