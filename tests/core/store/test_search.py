"""Find and replace across a library: the FTS5 index, search options, replace and undo."""

from __future__ import annotations

import sqlite3

import pytest

from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_scene,
    set_scene_text,
)
from core.store.search import (
    InvalidSearchError,
    StaleHitError,
    fts_query,
    replace_all,
    replace_hit,
    search,
    undo_replace,
)
from core.store.snapshots import list_snapshots
from core.store.trash import empty_trash, move_to_trash, restore_from_trash

OPENING = "The lighthouse keeper's lamp.\n\nDaylight came; the Lighthouse stood."


def _library_with_scenes(lib):
    with lib.session() as s:
        book = create_book(session=s, title="Gannet")
        one = add_chapter(session=s, book=book, title="One")
        two = add_chapter(session=s, book=book, title="Two")
        a = add_scene(session=s, chapter=one, title="Opening", text=OPENING)
        b = add_scene(session=s, chapter=two, title="Storm", text="A storm. The keeper slept.")
        other = create_book(session=s, title="Other")
        c = add_scene(
            session=s,
            chapter=add_chapter(session=s, book=other),
            text="Another lighthouse, far away.",
        )
        return {"book": book.id, "one": one.id, "two": two.id, "a": a.id, "b": b.id, "c": c.id}


def _found(lib, query, **options):
    with lib.session() as s:
        hits = search(session=s, query=query, **options)
        return [(h.scene_id, h.offset, h.matched) for h in hits]


def test_plain_search_finds_substrings_in_any_case(aw_library):
    ids = _library_with_scenes(aw_library)
    assert _found(aw_library, "light") == [
        (ids["a"], 4, "light"),
        (ids["a"], 34, "light"),
        (ids["a"], 50, "Light"),
        (ids["c"], 8, "light"),
    ]


def test_whole_word_and_case_sensitive(aw_library):
    ids = _library_with_scenes(aw_library)
    assert _found(aw_library, "light", whole_word=True) == []
    assert _found(aw_library, "Lighthouse", case_sensitive=True) == [(ids["a"], 50, "Lighthouse")]
    assert _found(aw_library, "keeper", whole_word=True) == [
        (ids["a"], 15, "keeper"),
        (ids["b"], 13, "keeper"),
    ]


def test_phrase_and_punctuation(aw_library):
    ids = _library_with_scenes(aw_library)
    assert _found(aw_library, "keeper's lamp") == [(ids["a"], 15, "keeper's lamp")]
    assert _found(aw_library, "came; the") == [(ids["a"], 40, "came; the")]


def test_regex_search(aw_library):
    ids = _library_with_scenes(aw_library)
    assert _found(aw_library, r"\bs\w+", regex=True, case_sensitive=True) == [
        (ids["a"], 61, "stood"),
        (ids["b"], 2, "storm"),
        (ids["b"], 20, "slept"),
    ]
    with pytest.raises(InvalidSearchError, match="invalid regular expression"):
        _found(aw_library, "(unclosed", regex=True)


def test_scopes(aw_library):
    ids = _library_with_scenes(aw_library)
    assert {h[0] for h in _found(aw_library, "lighthouse", scope=("book", ids["book"]))} == {
        ids["a"]
    }
    assert _found(aw_library, "keeper", scope=("chapter", ids["two"])) == [(ids["b"], 13, "keeper")]
    assert _found(aw_library, "keeper", scope=("scene", ids["a"])) == [(ids["a"], 15, "keeper")]
    with pytest.raises(InvalidSearchError, match="unknown search scope"):
        _found(aw_library, "x", scope=("shelf", None))
    with pytest.raises(InvalidSearchError, match="needs the book"):
        _found(aw_library, "x", scope=("book", None))


def test_titles_and_synopses_are_searchable_on_request(aw_library):
    ids = _library_with_scenes(aw_library)
    with aw_library.session() as s:
        hits = search(session=s, query="storm", fields=("title", "text"), whole_word=True)
    assert [(h.scene_id, h.field, h.offset) for h in hits] == [
        (ids["b"], "title", 0),
        (ids["b"], "text", 2),
    ]


def test_snippet_shows_context_on_one_line(aw_library):
    _library_with_scenes(aw_library)
    with aw_library.session() as s:
        hit = search(session=s, query="Daylight")[0]
    assert "\n" not in hit.snippet
    assert hit.place == "Opening"
    assert hit.snippet[hit.snippet_offset : hit.snippet_offset + hit.length] == "Daylight"


def test_place_of_an_untitled_scene(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Places")
        chapter = add_chapter(session=s, book=book, title="Arrival")
        add_scene(session=s, chapter=chapter, text="first")
        add_scene(session=s, chapter=chapter, text="second")
        hits = search(session=s, query="second", scope=("book", book.id))
    assert [h.place for h in hits] == ["Arrival · scene 2"]


def test_index_follows_edits_trash_and_deletes(aw_library):
    ids = _library_with_scenes(aw_library)
    with aw_library.session() as s:
        set_scene_text(session=s, scene=get_scene(session=s, scene_id=ids["b"]), text="Gulls.")
    assert _found(aw_library, "keeper", whole_word=True) == [(ids["a"], 15, "keeper")]
    assert _found(aw_library, "gulls", whole_word=True) == [(ids["b"], 0, "Gulls")]
    with aw_library.session() as s:
        move_to_trash(session=s, item=get_scene(session=s, scene_id=ids["b"]))
    assert _found(aw_library, "gulls", whole_word=True) == []
    with aw_library.session() as s:
        restore_from_trash(session=s, kind="scene", item_id=ids["b"])
    assert _found(aw_library, "gulls", whole_word=True) == [(ids["b"], 0, "Gulls")]
    with aw_library.session() as s:
        move_to_trash(session=s, item=get_scene(session=s, scene_id=ids["b"]))
        empty_trash(session=s)
    conn = sqlite3.connect(aw_library.db_path)
    try:
        keys = conn.execute("SELECT count(*) FROM scene_search_keys").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM scene_search").fetchone()[0]
        stale = conn.execute(
            "SELECT count(*) FROM scene_search WHERE scene_search MATCH 'gulls'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert keys == rows == 2
    assert stale == 0


def test_fts_query_is_a_superset_of_literal_hits():
    assert fts_query("lighthouse keeper", whole_word=True, regex=False) == '"lighthouse keeper"'
    # The first fragment may be the end of a longer word, the last the start of one.
    assert fts_query("house keep", whole_word=False, regex=False) == '"keep" *'
    assert fts_query("light", whole_word=False, regex=False) is None
    assert fts_query(" light", whole_word=False, regex=False) == '"light" *'
    assert fts_query("a.b", whole_word=False, regex=True) is None


def test_replace_all_snapshots_then_undo_restores(aw_library):
    ids = _library_with_scenes(aw_library)
    with aw_library.session() as s:
        result = replace_all(
            session=s,
            query="lighthouse",
            replacement="tower",
            scope=("book", ids["book"]),
            whole_word=True,
        )
    assert result.scene_ids == [ids["a"]]
    assert result.total == 2
    with aw_library.session() as s:
        scene = get_scene(session=s, scene_id=ids["a"])
        assert scene.text == "The tower keeper's lamp.\n\nDaylight came; the tower stood."
        assert scene.word_count == 9
        snaps = list_snapshots(session=s, scene_id=ids["a"])
        assert [snap.label for snap in snaps] == ["Before replace ‘lighthouse’ → ‘tower’"]
        assert snaps[0].text == OPENING
        # The other book was out of scope.
        assert "lighthouse" in get_scene(session=s, scene_id=ids["c"]).text
    assert _found(aw_library, "tower", whole_word=True) != []
    with aw_library.session() as s:
        assert undo_replace(session=s, result=result) == [ids["a"]]
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["a"]).text == OPENING
    assert _found(aw_library, "tower") == []


def test_regex_replace_with_groups_and_bad_template_changes_nothing(aw_library):
    ids = _library_with_scenes(aw_library)
    with aw_library.session() as s:
        result = replace_all(
            session=s,
            query=r"(the) (\w+) keeper",
            replacement=r"\1 \2 warden",
            regex=True,
        )
    assert result.total == 1
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["a"]).text.startswith("The lighthouse warden's")
    with (
        pytest.raises(InvalidSearchError, match="invalid replacement"),
        aw_library.session() as s,
    ):
        replace_all(session=s, query=r"(storm)", replacement=r"\2", regex=True)
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["b"]).text == "A storm. The keeper slept."
        assert list_snapshots(session=s, scene_id=ids["b"]) == []


def test_replace_one_hit_and_stale_hit(aw_library):
    ids = _library_with_scenes(aw_library)
    with aw_library.session() as s:
        hits = search(session=s, query="lighthouse", scope=("scene", ids["a"]))
        result = replace_hit(session=s, hit=hits[1], query="lighthouse", replacement="beacon")
        assert get_scene(session=s, scene_id=ids["a"]).text.endswith("the beacon stood.")
        assert result.total == 1
        # The first hit's offset is still good; a hit at a changed place is refused.
        with pytest.raises(StaleHitError, match="changed since the search"):
            replace_hit(session=s, hit=hits[1], query="lighthouse", replacement="x")
        undo_replace(session=s, result=result)
        assert get_scene(session=s, scene_id=ids["a"]).text == OPENING


def test_migration_backfills_existing_scenes(tmp_path):
    from alembic import command
    from alembic.config import Config

    from core.store.library import MIGRATIONS_DIR, open_library

    lib = open_library(tmp_path / "lib")
    ids = _library_with_scenes(lib)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with lib.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    lib.close()
    conn = sqlite3.connect(tmp_path / "lib" / "library.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "scene_search" not in tables
    lib = open_library(tmp_path / "lib")  # upgrades to 0003 and fills the index
    try:
        assert _found(lib, "keeper", whole_word=True) == [
            (ids["a"], 15, "keeper"),
            (ids["b"], 13, "keeper"),
        ]
    finally:
        lib.close()
