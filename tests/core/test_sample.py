"""The shipped sample book and seeding it into a fresh library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.errors import AuthorWorksError
from core.importers import read_manuscript
from core.sample import (
    SAMPLE_DIR,
    add_sample_book,
    open_default_library,
    read_sample_draft,
    seed_marker_path,
)
from core.store import open_library
from core.store.codex import list_codex
from core.store.manuscript import book_stats, get_book, list_books, list_chapters, list_scenes
from core.store.trash import empty_trash, move_to_trash
from core.text import count_words, parse_inline

CODEX = json.loads((SAMPLE_DIR / "codex.json").read_text(encoding="utf-8"))


def test_sample_manuscript_is_a_short_book_with_markup() -> None:
    draft = read_manuscript(SAMPLE_DIR / CODEX["manuscript"])
    assert draft.title == "The Glass Orchard"
    assert 3 <= len(draft.chapters) <= 4
    assert all(2 <= len(ch.scenes) <= 3 for ch in draft.chapters)
    words = sum(count_words(s.text) for ch in draft.chapters for s in ch.scenes)
    assert 2500 <= words <= 4000
    text = "\n\n".join(s.text for ch in draft.chapters for s in ch.scenes)
    spans = [span for para in text.split("\n\n") for span in parse_inline(para)]
    assert any(s.italic for s in spans)
    assert any(s.bold for s in spans)
    assert "“" in text and "”" in text
    assert '"' not in text  # dialogue uses curly quotes only


def test_codex_names_are_mentioned_in_the_text() -> None:
    text = (SAMPLE_DIR / CODEX["manuscript"]).read_text(encoding="utf-8")
    for kind in ("characters", "locations", "lore"):
        for entry in CODEX[kind]:
            names = [entry["name"], *entry["aliases"]]
            assert any(n.removeprefix("The ").lower() in text.lower() for n in names), entry["name"]


def test_add_sample_book_stores_chapters_scenes_codex_and_synopses(aw_library) -> None:
    book_id = add_sample_book(aw_library)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=book_id)
        assert book.title == "The Glass Orchard"
        assert book.metadata_["sample"] is True
        stats = book_stats(session=s, book=book)
        chapters = list_chapters(session=s, book_id=book_id)
        assert [c.title for c in chapters] == [c["title"] for c in CODEX["synopses"]["chapters"]]
        assert stats.chapters == 4
        assert stats.scenes == sum(len(c["scenes"]) for c in CODEX["synopses"]["chapters"]) == 9
        assert stats.codex_characters == len(CODEX["characters"])
        assert stats.locations == len(CODEX["locations"])
        assert stats.lore_entries == len(CODEX["lore"])
        assert stats.words == book.word_count > 2500
        first = list_scenes(session=s, chapter_id=chapters[0].id)
        assert chapters[0].synopsis.startswith("Teo arrives")
        assert first[1].synopsis == CODEX["synopses"]["chapters"][0]["scenes"][1]["synopsis"]
        assert [sc.title for sc in first] == ["The Last Furnace", "The Orchard"]
        assert "Wren" in first[1].text
        characters = list_codex(session=s, book_id=book_id, kind="character")
        ines = next(c for c in characters if c.name == "Ines Calloway")
        assert ines.role == "mentor" and "Ines" in ines.aliases and ines.traits
        lore = list_codex(session=s, book_id=book_id, kind="lore")
        assert {e.category for e in lore} >= {"custom", "festival"}


def test_a_bad_codex_adds_nothing(aw_library, tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, sample)
    data = json.loads((sample / "codex.json").read_text(encoding="utf-8"))
    data["characters"][-1]["name"] = "  "  # a codex entry needs a name
    (sample / "codex.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AuthorWorksError, match="sample is invalid"):
        add_sample_book(aw_library, sample_dir=sample)
    with aw_library.session() as s:
        assert list_books(session=s, include_trashed=True) == []


def test_synopses_that_disagree_with_the_manuscript_fail(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, sample)
    data = json.loads((sample / "codex.json").read_text(encoding="utf-8"))
    data["synopses"]["chapters"][1]["title"] = "Chapter Two: Something Else"
    (sample / "codex.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AuthorWorksError, match="does not match"):
        read_sample_draft(sample)


def test_the_sample_draft_is_read_from_resources() -> None:
    draft = read_sample_draft()
    assert draft.codex and all(ch.synopsis for ch in draft.chapters)


def _titles(library) -> list[str]:
    with library.session() as s:
        return [b.title for b in list_books(session=s, include_trashed=True)]


def test_first_start_seeds_and_second_start_does_not_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_default_library(path) as lib:
        assert _titles(lib) == ["The Glass Orchard"]
        assert seed_marker_path(lib).exists()
    with open_default_library(path) as lib:
        assert _titles(lib) == ["The Glass Orchard"]


def test_default_path_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUTHORWORKS_LIBRARY", str(tmp_path / "env-lib"))
    with open_default_library() as lib:
        assert lib.root == tmp_path / "env-lib"
        assert _titles(lib) == ["The Glass Orchard"]


def test_a_deleted_sample_does_not_come_back(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_default_library(path) as lib, lib.session() as s:
        (book,) = list_books(session=s)
        move_to_trash(session=s, item=book)
    with open_default_library(path) as lib:
        assert _titles(lib) == ["The Glass Orchard"]  # still only in the trash
        with lib.session() as s:
            assert list_books(session=s) == []
            empty_trash(session=s)
    with open_default_library(path) as lib:
        assert _titles(lib) == []


def test_a_library_with_books_is_never_seeded(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_library(path) as lib:
        add_sample_book(lib)  # stands in for the writer's own book
        with lib.session() as s:
            for book in list_books(session=s):
                book.title = "My Own Novel"
    with open_default_library(path) as lib:
        assert _titles(lib) == ["My Own Novel"]
        assert seed_marker_path(lib).exists()
        with lib.session() as s:
            (book,) = list_books(session=s)
            move_to_trash(session=s, item=book)
            empty_trash(session=s)
    with open_default_library(path) as lib:
        assert _titles(lib) == []


def test_a_failed_seed_still_opens_the_library_and_retries(tmp_path: Path, monkeypatch) -> None:
    import core.sample

    monkeypatch.setattr(core.sample, "SAMPLE_DIR", tmp_path / "missing")
    path = tmp_path / "lib"
    with open_default_library(path) as lib:
        assert _titles(lib) == []
        assert not seed_marker_path(lib).exists()
    monkeypatch.undo()
    with open_default_library(path) as lib:
        assert _titles(lib) == ["The Glass Orchard"]


def test_sample_is_british_english(tmp_path):
    """The sample is written in British English, so its book language says so (spell-check)."""
    from core.sample import add_sample_book
    from core.store import open_library
    from core.store.manuscript import get_book

    lib = open_library(tmp_path / "lib")
    book_id = add_sample_book(lib)
    with lib.session() as s:
        assert get_book(session=s, book_id=book_id).language == "en-GB"
    lib.close()
