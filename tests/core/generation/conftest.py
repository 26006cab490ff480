"""Fixtures for generation tests: an in-memory keyring, the scripted API, a book with a codex."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.core.generation.anthropic_fake import FakeAnthropic


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict (tests never touch the real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fake_api() -> FakeAnthropic:
    return FakeAnthropic()


@dataclass
class GenBook:
    library: Any
    book_id: str
    scene_ids: list[str]  # in reading order
    chapter_ids: list[str]


@pytest.fixture
def gen_book(aw_library: Any, aw_sample_book: str) -> GenBook:
    """The sample book with synopses, style notes and a small codex (one entry pinned)."""
    from core.store.codex import add_codex_entry
    from core.store.manuscript import get_book, list_chapters, list_scenes, update_book

    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        update_book(
            session=s,
            book=book,
            genre="literary",
            description="A lighthouse keeper and a shipwreck.",
            metadata={"style_notes": "Close third person, past tense, spare sentences."},
        )
        chapters = list_chapters(session=s, book_id=book.id)
        chapters[0].synopsis = "Mara refuses the feast and keeps the light through the fog."
        chapters[1].synopsis = "A wreck on the shoals; Mara and Tobias rescue two sailors."
        scenes = [sc for ch in chapters for sc in list_scenes(session=s, chapter_id=ch.id)]
        scenes[-1].synopsis = "A letter of thanks arrives; Mara keeps working."
        mara = add_codex_entry(
            session=s,
            book=book,
            kind="character",
            name="Mara Quill",
            aliases=["the keeper"],
            role="protagonist",
            description="Keeper of the Gannet Rock light for eleven winters.",
            traits=["stubborn", "dutiful"],
        )
        scenes[-1].pov_character_id = mara.id
        add_codex_entry(
            session=s,
            book=book,
            kind="character",
            name="Tobias",
            role="friend",
            description="A fisherman from the village who swears a lot.",
        )
        add_codex_entry(
            session=s,
            book=book,
            kind="location",
            name="Gannet Rock",
            pinned=True,
            description="A bare rock with a lighthouse of a hundred and twelve steps.",
        )
        add_codex_entry(
            session=s,
            book=book,
            kind="lore",
            name="Harbour Board",
            category="institution",
            description="The body that pays for the lights along the coast.",
        )
        add_codex_entry(
            session=s,
            book=book,
            kind="character",
            name="Will",
            role="sailor",
            description="A sailor who never appears in the sample text.",
        )
        return GenBook(aw_library, book.id, [sc.id for sc in scenes], [c.id for c in chapters])
