"""Codex editing: update, aliases, delete to trash, images and the names for highlighting."""

from __future__ import annotations

import pytest

from core.errors import AuthorWorksError, NotFoundError
from core.store.assets import asset_path
from core.store.codex import (
    add_codex_entry,
    clean_aliases,
    codex_kind,
    codex_names,
    delete_codex_entry,
    get_codex_entry,
    list_codex,
    set_codex_image,
    update_codex_entry,
)
from core.store.manuscript import create_book
from core.store.trash import restore_from_trash

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_update_entry_fields_and_aliases(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Codex")
        anna = add_codex_entry(session=s, book=book, kind="character", name="Anna Marsh")
        update_codex_entry(
            session=s,
            entry=anna,
            name="  Anna Marsh-Gray ",
            aliases=["Anna", " anna ", "", "Anna Marsh-Gray", "the keeper"],
            role="protagonist",
            traits=["stubborn", " ", "kind "],
        )
    with aw_library.session() as s:
        again = get_codex_entry(session=s, kind="character", entry_id=anna.id)
        assert again.name == "Anna Marsh-Gray"
        assert again.aliases == ["Anna", "the keeper"]
        assert again.role == "protagonist"
        assert again.traits == ["stubborn", "kind"]
        assert codex_kind(again) == "character"
        with pytest.raises(TypeError, match="no editable field"):
            update_codex_entry(session=s, entry=again, category="x")
        with pytest.raises(AuthorWorksError, match="needs a name"):
            update_codex_entry(session=s, entry=again, name="  ")


def test_clean_aliases_drops_repeats_and_the_name():
    assert clean_aliases("Ship", ["the  ship", "The Ship", "ship", "Boat"]) == ["the ship", "Boat"]


def test_delete_goes_to_trash_and_comes_back(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Codex")
        place = add_codex_entry(session=s, book=book, kind="location", name="Gannet Rock")
        delete_codex_entry(session=s, entry=place)
        assert list_codex(session=s, book_id=book.id) == []
        with pytest.raises(NotFoundError):
            get_codex_entry(session=s, kind="location", entry_id=place.id)
        restore_from_trash(session=s, kind="location", item_id=place.id)
        assert [e.name for e in list_codex(session=s, book_id=book.id)] == ["Gannet Rock"]


def test_image_is_stored_as_an_asset(aw_library, tmp_path):
    with aw_library.session() as s:
        book = create_book(session=s, title="Codex")
        lore = add_codex_entry(session=s, book=book, kind="lore", name="The Lamp")
        asset = set_codex_image(session=s, library=aw_library, entry=lore, source=PNG)
        assert asset is not None and lore.image_asset_id == asset.id
        assert asset_path(aw_library, asset).read_bytes() == PNG
        with pytest.raises(AuthorWorksError, match="not an image"):
            set_codex_image(session=s, library=aw_library, entry=lore, source=b"plain text")
        set_codex_image(session=s, library=aw_library, entry=lore, source=None)
        assert lore.image_asset_id is None


def test_codex_names_longest_first_and_live_only(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Codex")
        anna = add_codex_entry(
            session=s, book=book, kind="character", name="Anna Marsh", aliases=["Anna"]
        )
        rock = add_codex_entry(session=s, book=book, kind="location", name="Rock")
        gone = add_codex_entry(session=s, book=book, kind="lore", name="Gone")
        delete_codex_entry(session=s, entry=gone)
        names = codex_names(session=s, book_id=book.id)
    assert [(n.kind, n.entry_id, n.name) for n in names] == [
        ("character", anna.id, "Anna Marsh"),
        ("character", anna.id, "Anna"),
        ("location", rock.id, "Rock"),
    ]
