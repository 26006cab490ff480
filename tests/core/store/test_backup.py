import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest

from core.errors import BackupError
from core.store import open_library
from core.store.backup import create_backup, restore_backup
from core.store.manuscript import add_chapter, add_scene, create_book, list_books


def test_backup_and_restore_round_trip(aw_library, aw_sample_book, tmp_path: Path):
    aw_library.assets_dir.mkdir(parents=True, exist_ok=True)
    (aw_library.assets_dir / "ab").mkdir()
    (aw_library.assets_dir / "ab" / "abcdef.png").write_bytes(b"\x89PNG fake")
    out = create_backup(aw_library, tmp_path / "b.zip")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", "library.sqlite3", "assets/ab/abcdef.png"} <= names
    assert manifest["books"] == 1

    # Change the library after the backup, then restore: the change is gone, the old copy kept.
    with aw_library.session() as s:
        create_book(session=s, title="Written after the backup")
    aw_library.close()
    kept = restore_backup(out, aw_library.root)
    assert kept is not None and kept.exists()
    lib = open_library(aw_library.root, create=False)
    with lib.session() as s:
        assert [b.title for b in list_books(session=s)] == ["Gannet Rock"]
    lib.close()
    assert (aw_library.root / "assets" / "ab" / "abcdef.png").read_bytes() == b"\x89PNG fake"
    kept_lib = open_library(kept, create=False)
    with kept_lib.session() as s:
        assert len(list_books(session=s)) == 2
    kept_lib.close()


def test_backup_is_consistent_while_another_connection_writes(aw_library, tmp_path: Path):
    with aw_library.session() as s:
        book = create_book(session=s, title="Busy")
        chapter = add_chapter(session=s, book=book)
        book_id, chapter_id = book.id, chapter.id
    stop = threading.Event()

    def writer() -> None:
        lib = open_library(aw_library.root)
        n = 0
        while not stop.is_set() and n < 400:
            with lib.session() as s:
                from core.store.manuscript import get_chapter

                add_scene(
                    session=s,
                    chapter=get_chapter(session=s, chapter_id=chapter_id),
                    text="word " * 50,
                )
            n += 1
        lib.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        backups = [create_backup(aw_library, tmp_path / f"b{i}.zip") for i in range(3)]
    finally:
        stop.set()
        t.join()
    for i, b in enumerate(backups):
        target = tmp_path / f"r{i}"
        restore_backup(b, target)
        conn = sqlite3.connect(target / "library.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        scenes, words = conn.execute(
            "SELECT count(*), coalesce(sum(word_count),0) FROM scenes"
        ).fetchone()
        book_words = conn.execute("SELECT word_count FROM books WHERE id=?", (book_id,)).fetchone()[
            0
        ]
        assert words == scenes * 50 == book_words  # each copy is one committed state
        conn.close()


def test_restore_rejects_bad_archives(tmp_path: Path):
    target = tmp_path / "lib"
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(BackupError, match="not a zip"):
        restore_backup(junk, target)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(BackupError, match="not an AuthorWorks backup"):
        restore_backup(other, target)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(
            "manifest.json",
            json.dumps({"format": "authorworks-backup", "version": 1, "schema": "0001"}),
        )
        zf.writestr("library.sqlite3", "x")
        zf.writestr("../escape.txt", "x")
    with pytest.raises(BackupError, match="unexpected file"):
        restore_backup(evil, target)
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as zf:
        zf.writestr(
            "manifest.json",
            json.dumps({"format": "authorworks-backup", "version": 1, "schema": "9999"}),
        )
    with pytest.raises(BackupError, match="newer AuthorWorks"):
        restore_backup(newer, target)
    assert not target.exists()
    assert not (tmp_path / "escape.txt").exists()


def test_backup_to_missing_folder_fails_cleanly(aw_library, tmp_path: Path):
    with pytest.raises(BackupError, match="no such folder"):
        create_backup(aw_library, tmp_path / "nope" / "b.zip")
