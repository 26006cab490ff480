"""ORM models of the local library.

Rows that a writer deletes are not removed: ``deleted_at`` is set and they go to the trash,
from which they can be restored. A trashed chapter hides its scenes with it; a trashed book
hides everything in it. Word counts are kept on scenes and summed into chapters and books
by the repositories whenever text changes, so statistics never re-read the prose.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.ids import new_id


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class _Entity:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Indexed: every sync capture looks up the rows touched since its watermark.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )


class _Trashable:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


class Book(_Entity, _Trashable, Base):
    __tablename__ = "books"

    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    genre: Mapped[str] = mapped_column(String(100), default="")
    content_type: Mapped[str] = mapped_column(String(20), default="novel")
    status: Mapped[str] = mapped_column(String(20), default="drafting")
    visibility: Mapped[str] = mapped_column(String(20), default="private")
    language: Mapped[str] = mapped_column(String(35), default="en")
    description: Mapped[str] = mapped_column(Text, default="")
    word_target: Mapped[int] = mapped_column(Integer, default=0)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    # Free-form extras: series, subjects, style notes, import source, ...
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="book", order_by="Chapter.ordinal", cascade="all, delete-orphan"
    )
    characters: Mapped[list[Character]] = relationship(
        back_populates="book", cascade="all, delete-orphan"
    )
    locations: Mapped[list[Location]] = relationship(
        back_populates="book", cascade="all, delete-orphan"
    )
    lore_entries: Mapped[list[LoreEntry]] = relationship(
        back_populates="book", cascade="all, delete-orphan"
    )


class Chapter(_Entity, _Trashable, Base):
    __tablename__ = "chapters"
    __table_args__ = (Index("ix_chapters_book_ordinal", "book_id", "ordinal"),)

    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    synopsis: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    word_count: Mapped[int] = mapped_column(Integer, default=0)

    book: Mapped[Book] = relationship(back_populates="chapters")
    scenes: Mapped[list[Scene]] = relationship(
        back_populates="chapter", order_by="Scene.ordinal", cascade="all, delete-orphan"
    )


class Scene(_Entity, _Trashable, Base):
    __tablename__ = "scenes"
    __table_args__ = (Index("ix_scenes_chapter_ordinal", "chapter_id", "ordinal"),)

    chapter_id: Mapped[str] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    synopsis: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    pov_character_id: Mapped[str | None] = mapped_column(
        ForeignKey("characters.id", ondelete="SET NULL"), default=None
    )
    setting: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    word_count: Mapped[int] = mapped_column(Integer, default=0)

    chapter: Mapped[Chapter] = relationship(back_populates="scenes")
    snapshots: Mapped[list[Snapshot]] = relationship(
        back_populates="scene", order_by="Snapshot.created_at", cascade="all, delete-orphan"
    )


class Note(_Entity, _Trashable, Base):
    """A research note of a book (the binder's Research folder): kept beside the manuscript.

    Notes hold the same Markdown subset as prose scenes but are never part of the book: export,
    narration, word counts, statistics and targets read chapters and scenes only. ``word_count``
    is the note's own, kept by the repository (:mod:`core.store.notes`) and summed into nothing.
    """

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_book_ordinal", "book_id", "ordinal"),)

    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(Integer, default=0)

    book: Mapped[Book] = relationship()


class _CodexEntry(_Entity, _Trashable):
    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(default=False)
    image_asset_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Character(_CodexEntry, Base):
    __tablename__ = "characters"

    role: Mapped[str] = mapped_column(String(100), default="")
    background: Mapped[str] = mapped_column(Text, default="")
    traits: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Narration casting: {"voice": id, "rate": words/min, "pitch": 0..100}
    voice: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    book: Mapped[Book] = relationship(back_populates="characters")


class Location(_CodexEntry, Base):
    __tablename__ = "locations"

    book: Mapped[Book] = relationship(back_populates="locations")


class LoreEntry(_CodexEntry, Base):
    __tablename__ = "lore_entries"

    category: Mapped[str] = mapped_column(String(100), default="")

    book: Mapped[Book] = relationship(back_populates="lore_entries")


class Snapshot(Base):
    """A saved version of a scene's text (version history)."""

    __tablename__ = "snapshots"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scene_id: Mapped[str] = mapped_column(ForeignKey("scenes.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    label: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer, default=0)

    scene: Mapped[Scene] = relationship(back_populates="snapshots")


class GenerationRecord(Base):
    """One AI generation: what was asked, what came back, and what it cost."""

    __tablename__ = "generation_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    scene_id: Mapped[str | None] = mapped_column(
        ForeignKey("scenes.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    prompt: Mapped[str] = mapped_column(Text, default="")
    output: Mapped[str] = mapped_column(Text, default="")
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_read_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_write_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    stop_reason: Mapped[str] = mapped_column(String(50), default="")


class Asset(Base):
    """An image or audio file kept content-addressed beside the database."""

    __tablename__ = "assets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    book_id: Mapped[str | None] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))  # cover, image, audio, ...
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300), default="")


class ExportRecord(Base):
    """One export of a book: when, to which format and where."""

    __tablename__ = "export_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    format: Mapped[str] = mapped_column(String(20))
    preset: Mapped[str] = mapped_column(String(100), default="")
    path: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# The entities a writer can trash and that sync as documents, by the name used on the wire
# and in the trash: one table so that both agree. Research notes sync like scenes but stay
# private to the account (never part of the book, nor of anything published).
ENTITY_KINDS: dict[str, type[Book | Chapter | Scene | Character | Location | LoreEntry | Note]] = {
    "book": Book,
    "chapter": Chapter,
    "scene": Scene,
    "character": Character,
    "location": Location,
    "lore": LoreEntry,
    "note": Note,
}


# The fields of a book the writer edits directly (metadata and trash state are handled apart):
# what the repositories accept, and, with those two, what sync carries.
BOOK_EDITABLE_FIELDS = (
    "title",
    "subtitle",
    "author",
    "genre",
    "content_type",
    "status",
    "visibility",
    "language",
    "description",
    "word_target",
)
