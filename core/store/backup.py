"""Backups of a whole library as one zip, and restoring from one.

The database is copied with SQLite's online backup API, which gives a consistent copy even
while the desktop has the library open and is writing. Every file is written to a temporary
name and moved into place, so an interrupted backup or restore never leaves half a file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from core.errors import BackupError
from core.store.library import DB_NAME, SCHEMA_HEAD, Library, _known_revisions, _locate

MANIFEST = "manifest.json"
FORMAT = "authorworks-backup"
FORMAT_VERSION = 1


def create_backup(library: Library, out: Path | str) -> Path:
    """Write a backup of ``library`` to the zip file ``out``; returns its path."""
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / f"authorworks-backup-{datetime.now():%Y%m%d-%H%M%S}.zip"
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent}: no such folder")
    with tempfile.TemporaryDirectory(prefix="aw-backup-") as tmp:
        db_copy = Path(tmp) / DB_NAME
        try:
            src = sqlite3.connect(library.db_path)
            dst = sqlite3.connect(db_copy)
            with dst:
                src.backup(dst)
            books = dst.execute("SELECT count(*) FROM books WHERE deleted_at IS NULL").fetchone()[0]
            dst.execute("PRAGMA journal_mode=DELETE")
            src.close()
            dst.close()
        except sqlite3.Error as exc:
            raise BackupError(
                f"{library.db_path}: cannot read the library for a backup ({exc})"
            ) from exc
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "schema": SCHEMA_HEAD,
            "created_at": datetime.now(UTC).isoformat(),
            "books": books,
        }
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
                zf.write(db_copy, DB_NAME)
                if library.assets_dir.is_dir():
                    for file in sorted(library.assets_dir.rglob("*")):
                        if file.is_file():
                            rel = file.relative_to(library.assets_dir).as_posix()
                            zf.write(file, f"assets/{rel}", compress_type=zipfile.ZIP_STORED)
            os.replace(partial, out)
        except OSError as exc:
            Path(partial).unlink(missing_ok=True)
            raise BackupError(f"{out}: cannot write the backup ({exc.strerror})") from exc
    return out


def _read_manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, object]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{path}: not an AuthorWorks backup (no {MANIFEST})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{path}: the backup's manifest is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not an AuthorWorks backup")
    if int(manifest.get("version", 0)) > FORMAT_VERSION or (
        manifest.get("schema") not in _known_revisions()
    ):
        raise BackupError(f"{path}: this backup was made by a newer AuthorWorks; update the app")
    return manifest


def _safe_members(zf: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    members = []
    for info in zf.infolist():
        name = PurePosixPath(info.filename)
        if info.filename == MANIFEST or info.is_dir():
            continue
        if (
            name.is_absolute()
            or ".." in name.parts
            or not (info.filename == DB_NAME or name.parts[0] == "assets")
        ):
            raise BackupError(f"{path}: the backup holds an unexpected file {info.filename!r}")
        members.append(info)
    if DB_NAME not in {m.filename for m in members}:
        raise BackupError(f"{path}: the backup has no library database")
    return members


def restore_backup(archive: Path | str, library_path: Path | str) -> Path | None:
    """Replace the library at ``library_path`` with the backup ``archive``.

    The library that was there is kept beside it as ``<name>.before-restore-<time>``; its
    path is returned (None if there was none). The backup is checked in full first.
    """
    archive = Path(archive).expanduser()
    db_path, assets_dir = _locate(Path(library_path))
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{archive}: not a zip file, or a damaged one") from None
    target = db_path.parent if db_path.name == DB_NAME else db_path
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf, tempfile.TemporaryDirectory(prefix=".restore-", dir=target.parent) as tmp:
        _read_manifest(zf, archive)
        staging = Path(tmp) / "library"
        staging.mkdir()
        try:
            for info in _safe_members(zf, archive):
                zf.extract(info, staging)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BackupError(f"{archive}: the backup is damaged ({exc})") from None
        check = sqlite3.connect(staging / DB_NAME)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{archive}: the library in the backup is damaged ({exc})") from None
        finally:
            check.close()
        if ok != "ok":
            raise BackupError(f"{archive}: the library in the backup is damaged ({ok})")

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept: Path | None = None
        if db_path.name == DB_NAME:
            if target.exists() and any(target.iterdir()):
                kept = target.with_name(f"{target.name}.before-restore-{stamp}")
                os.replace(target, kept)
            elif target.exists():
                target.rmdir()
            os.replace(staging, target)
        else:
            if db_path.exists():
                kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
                os.replace(db_path, kept)
                for suffix in ("-wal", "-shm"):
                    Path(f"{db_path}{suffix}").unlink(missing_ok=True)
                if assets_dir.exists():
                    os.replace(assets_dir, kept.with_name(kept.name + ".assets"))
            os.replace(staging / DB_NAME, db_path)
            if (staging / "assets").exists():
                shutil.move(str(staging / "assets"), assets_dir)
    return kept
