"""Research notes: the repository, the trash, and that they stay out of the manuscript."""

from __future__ import annotations

import sqlite3

import pytest

from core.errors import AuthorWorksError, NotFoundError
from core.export import ExportFormat, ExportOptions, export_book
from core.store.manuscript import (
    add_chapter,
    add_scene,
    book_stats,
    create_book,
    get_book,
)
from core.store.notes import (
    add_note,
    duplicate_note,
    get_note,
    list_notes,
    move_note,
    notes_outline,
    rename_note,
    restore_note,
    set_note_text,
    trash_note,
)
from core.store.outline import library_outline
from core.store.trash import empty_trash, list_trash, move_to_trash, restore_from_trash

NOTE_TEXT = "Tide tables for *Saltmarsh*: low water at 04:12, zephyrine mudflats."


def _book(s, title: str = "Harbour"):
    book = create_book(session=s, title=title)
    chapter = add_chapter(session=s, book=book, title="One")
    add_scene(session=s, chapter=chapter, title="Arrival", text="The ferry came in late.")
    return book


def _titles(s, book_id: str) -> list[str]:
    return [n.title for n in list_notes(session=s, book_id=book_id)]


def test_add_rename_set_text_and_counts(aw_library):
    with aw_library.session() as s:
        book = _book(s)
        words_before = book.word_count
        a = add_note(session=s, book=book, title="Tides", text=NOTE_TEXT)
        b = add_note(session=s, book=book, title="Boats")
        first = add_note(session=s, book=book, title="Map", index=0)
        assert _titles(s, book.id) == ["Map", "Tides", "Boats"]
        assert [n.ordinal for n in list_notes(session=s, book_id=book.id)] == [1, 2, 3]
        assert a.word_count == 11 and b.word_count == 0
        set_note_text(session=s, note=b, text="Trawlers, two *crab* boats.")
        assert b.word_count == 4
        rename_note(session=s, note=first, title="  Harbour map ")
        assert first.title == "Harbour map"
        with pytest.raises(AuthorWorksError, match="cannot be empty"):
            rename_note(session=s, note=first, title="   ")
        # Notes never count towards the manuscript.
        assert get_book(session=s, book_id=book.id).word_count == words_before
        stats = book_stats(session=s, book=book)
        assert stats.words == words_before == 5 and stats.scenes == 1
    with aw_library.session() as s:
        again = get_note(session=s, note_id=a.id)
        assert (again.text, again.word_count, again.book_id) == (NOTE_TEXT, 11, book.id)


def test_duplicate_goes_right_after_and_reorder(aw_library):
    with aw_library.session() as s:
        book = _book(s)
        a = add_note(session=s, book=book, title="A", text="one two")
        add_note(session=s, book=book, title="B")
        copy = duplicate_note(session=s, note=a)
        assert _titles(s, book.id) == ["A", "A (copy)", "B"]
        assert (copy.text, copy.word_count) == ("one two", 2) and copy.id != a.id
        move_note(session=s, note=a, index=2)
        assert _titles(s, book.id) == ["A (copy)", "B", "A"]
        move_note(session=s, note=a, index=-5)
        assert _titles(s, book.id) == ["A", "A (copy)", "B"]


def test_trash_restore_and_empty(aw_library):
    with aw_library.session() as s:
        book = _book(s)
        a = add_note(session=s, book=book, title="A", text="kept safe")
        add_note(session=s, book=book, title="B")
        trash_note(session=s, note=a)
        assert _titles(s, book.id) == ["B"]
        with pytest.raises(NotFoundError):
            get_note(session=s, note_id=a.id)
        (item,) = list_trash(session=s)
        assert (item.kind, item.id, item.title, item.book_id) == ("note", a.id, "A", book.id)
        restored = restore_note(session=s, note_id=a.id)
        assert restored.text == "kept safe"
        assert _titles(s, book.id) == ["A", "B"]
        # Through the generic trash, as the desktop's trash dialog does.
        move_to_trash(session=s, item=a)
        restore_from_trash(session=s, kind="note", item_id=a.id)
        assert _titles(s, book.id) == ["A", "B"]
        move_to_trash(session=s, item=a)
        assert empty_trash(session=s) == 1
        assert list_trash(session=s) == []
        assert s.get(type(a), a.id) is None


def test_a_trashed_book_hides_its_notes_and_restoring_a_note_brings_it_back(aw_library):
    with aw_library.session() as s:
        book = _book(s)
        note = add_note(session=s, book=book, title="A")
        move_to_trash(session=s, item=book)
        with pytest.raises(AuthorWorksError, match="in the trash"):
            add_note(session=s, book=book, title="B")
        trash_note(session=s, note=note)
        restore_note(session=s, note_id=note.id)
        assert book.deleted_at is None
        assert _titles(s, book.id) == ["A"]


def test_removing_a_book_for_good_removes_its_notes(aw_library):
    with aw_library.session() as s:
        book = _book(s)
        note = add_note(session=s, book=book, title="A")
        move_to_trash(session=s, item=book)
        empty_trash(session=s)
    with aw_library.session() as s:
        assert s.get(type(note), note.id) is None


def test_notes_outline_is_per_book_and_skips_the_trash(aw_library):
    with aw_library.session() as s:
        one, two = _book(s, "One"), _book(s, "Two")
        a = add_note(session=s, book=one, title="A", text="x y")
        b = add_note(session=s, book=one, title="B")
        c = add_note(session=s, book=two, title="C")
        move_note(session=s, note=b, index=0)
        trash_note(session=s, note=c)
        outline = notes_outline(session=s)
        assert [(n.id, n.title, n.word_count) for n in outline[one.id]] == [
            (b.id, "B", 0),
            (a.id, "A", 2),
        ]
        assert two.id not in outline
        assert notes_outline(session=s, book_ids=[two.id]) == {}
        # The manuscript outline is chapters and scenes only.
        (book_outline,) = library_outline(session=s, book_id=one.id)
        assert [c.title for c in book_outline.chapters] == ["One"]


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.EPUB, ExportFormat.DOCX])
def test_an_export_leaves_the_notes_out(aw_library, tmp_path, fmt):
    import zipfile

    with aw_library.session() as s:
        book = _book(s)
        add_note(session=s, book=book, title="Zephyrine research", text=NOTE_TEXT)
        book_id = book.id
    target = tmp_path / f"book{fmt.suffix}"
    export_book(aw_library, book_id, target, ExportOptions(format=fmt))
    if zipfile.is_zipfile(target):
        with zipfile.ZipFile(target) as archive:
            written = "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    else:
        written = target.read_text(encoding="utf-8")
    assert "ferry came in late" in written  # the manuscript is there ...
    assert "zephyrine" not in written.lower()  # ... and the note is not


def test_upgrade_from_0004_keeps_the_library_and_adds_notes(tmp_path):
    from alembic import command
    from alembic.config import Config

    from core.store.library import MIGRATIONS_DIR, SCHEMA_HEAD, open_library

    root = tmp_path / "lib"
    lib = open_library(root)
    with lib.session() as s:
        book = _book(s)
        book_id, words = book.id, book.word_count
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with lib.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    lib.close()
    conn = sqlite3.connect(root / "library.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "notes" not in tables and "note_search" not in tables
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
    conn.close()

    lib = open_library(root)  # upgrades in place
    try:
        with lib.session() as s:
            book = get_book(session=s, book_id=book_id)
            assert book.word_count == words and book.title == "Harbour"
            note = add_note(session=s, book=book, title="Tides", text=NOTE_TEXT)
            assert list_notes(session=s, book_id=book_id) == [note]
        conn = sqlite3.connect(root / "library.sqlite3")
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert conn.execute("SELECT count(*) FROM note_search_keys").fetchone()[0] == 1
        conn.close()
    finally:
        lib.close()


def test_the_migrated_schema_matches_the_models(tmp_path):
    """Every table the ORM maps is exactly what the migrations made (notes included)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.domain import Base
    from core.store.library import open_library

    lib = open_library(tmp_path / "lib")
    try:
        with lib.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        lib.close()

    def mapped(diff: object) -> bool:
        # Tables the ORM does not map (FTS, sync bookkeeping, writing days) are the
        # migrations' own; any other difference is a model and a migration disagreeing.
        if isinstance(diff, tuple) and diff[0] in ("remove_table", "remove_index"):
            table = diff[1] if diff[0] == "remove_table" else diff[1].table
            return table.name in Base.metadata.tables
        return True

    assert [d for d in diffs if mapped(d)] == []
    assert "notes" in Base.metadata.tables


def test_find_includes_notes_after_their_books_scenes_but_never_replaces_them(aw_library):
    from core.store.search import InvalidSearchError, replace_all, replace_hit, search

    with aw_library.session() as s:
        apple = _book(s, "Apple")  # sorts first
        zebra = _book(s, "Zebra")
        first = add_note(session=s, book=zebra, title="Ferry times", text="The ferry leaves at 6.")
        second = add_note(session=s, book=apple, title="Gulls", text="A ferry gull, ferry-borne.")
        gone = add_note(session=s, book=apple, title="Old", text="Another ferry.")
        trash_note(session=s, note=gone)
        ids = (apple.id, zebra.id, first.id, second.id)

    def found(**options):
        with aw_library.session() as s:
            return [
                (h.kind, h.book_id, h.scene_id if h.kind == "note" else "", h.field, h.offset)
                for h in search(session=s, query="ferry", **options)
            ]

    apple_id, zebra_id, first_id, second_id = ids
    # Each book's scenes, then its notes (the trashed note is not found); the FTS path and
    # the scanning path (a regex) agree.
    expected = [
        ("scene", apple_id, "", "text", 4),
        ("note", apple_id, second_id, "text", 2),
        ("note", apple_id, second_id, "text", 14),
        ("scene", zebra_id, "", "text", 4),
        ("note", zebra_id, first_id, "text", 4),
    ]
    assert found() == expected
    assert found(regex=True) == expected
    assert found(whole_word=True) == expected
    assert found(scope=("book", zebra_id)) == expected[3:]
    assert [h[0] for h in found(fields=("title", "text"))].count("note") == 4  # + "Ferry times"
    with aw_library.session() as s:
        chapter_id = search(session=s, query="ferry")[0].chapter_id
        # A chapter or scene scope is the manuscript only; a synopsis search has no notes.
        assert {
            h.kind for h in search(session=s, query="ferry", scope=("chapter", chapter_id))
        } == {"scene"}
        assert search(session=s, query="ferry", fields=("synopsis",)) == []
        note_hit = next(h for h in search(session=s, query="ferry") if h.kind == "note")
        assert note_hit.place == "Research › Gulls" and note_hit.chapter_title == "Research"
        with pytest.raises(InvalidSearchError, match="not replaced"):
            replace_hit(session=s, hit=note_hit, query="ferry", replacement="boat")
        result = replace_all(session=s, query="ferry", replacement="boat")
        assert result.total == 2  # the two scenes
        assert get_note(session=s, note_id=second_id).text == "A ferry gull, ferry-borne."
    # Renaming and editing go through the index's triggers.
    with aw_library.session() as s:
        note = get_note(session=s, note_id=first_id)
        set_note_text(session=s, note=note, text="Timetable: quay at dawn.")
        assert [h.scene_id for h in search(session=s, query="quay")] == [first_id]
        assert [h.kind for h in search(session=s, query="ferry")] == ["note", "note"]
