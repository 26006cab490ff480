"""Saving narration choices in the library: narrator, character voices, lexicon, engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.domain import Book, Character
from core.errors import NotFoundError, ValidationError
from core.narration.casting import narration_settings
from core.narration.engines import VoiceSettings
from core.store.codex import list_codex


def update_narration_settings(*, session: Session, book: Book, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into ``Book.metadata_["narration"]`` (a None value removes a key)."""
    settings = narration_settings(book.metadata_)
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    metadata = dict(book.metadata_ or {})
    metadata["narration"] = settings
    book.metadata_ = metadata  # a new dict, so that SQLAlchemy sees the JSON change
    session.flush()
    return settings


def set_narrator_voice(*, session: Session, book: Book, voice: VoiceSettings | None) -> None:
    """Choose the narrator's voice (None: the engine's default)."""
    update_narration_settings(
        session=session, book=book, narrator=voice.as_dict() if voice else None
    )


def set_lexicon(*, session: Session, book: Book, lexicon: dict[str, str]) -> None:
    """Replace the book's pronunciation lexicon (word -> spoken form)."""
    clean = {k.strip(): v.strip() for k, v in lexicon.items() if k.strip() and v.strip()}
    update_narration_settings(session=session, book=book, lexicon=clean or None)


def lexicon_with(lexicon: dict[str, str], entries: list[str]) -> dict[str, str]:
    """``lexicon`` changed by ``entries`` of the form ``WORD=SPOKEN`` (spaces around the
    ``=`` allowed); ``WORD=`` removes the word. Blank entries are skipped; one without an
    ``=`` or a word raises ValidationError naming it. (The CLI's ``cast --say`` and the
    studio's lexicon box, one entry a line, both speak this form.)"""
    changed = dict(lexicon)
    for entry in entries:
        if not entry.strip():
            continue
        word, sep, spoken = entry.partition("=")
        if not sep or not word.strip():
            raise ValidationError(f"{entry.strip()!r}: write WORD=SPOKEN (e.g. Quill=Kwill)")
        if spoken.strip():
            changed[word.strip()] = spoken.strip()
        else:
            changed.pop(word.strip(), None)
    return changed


def lexicon_lines(lexicon: dict[str, str]) -> str:
    """The lexicon as the studio's box shows it, one ``WORD = SPOKEN`` a line."""
    return "\n".join(f"{word} = {spoken}" for word, spoken in lexicon.items())


def find_character(*, session: Session, book: Book, name: str) -> Character:
    """A character of the book by name or alias (any case)."""
    wanted = name.strip().casefold()
    for entry in list_codex(session=session, book_id=book.id, kind="character"):
        assert isinstance(entry, Character)
        if entry.name.casefold() == wanted or any(
            a.casefold() == wanted for a in entry.aliases or []
        ):
            return entry
    raise NotFoundError(f"{book.title!r} has no character named {name!r}")


def set_character_voice(
    *, session: Session, character: Character, voice: VoiceSettings | None
) -> None:
    """Cast a character (None: the narrator reads the character's lines)."""
    character.voice = voice.as_dict() if voice else {}
    session.flush()
