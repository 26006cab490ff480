"""A test "device": a real library synced through the real server app as one account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from core.domain import Book, Chapter, Note, Scene
from core.store import open_library
from core.store.codex import list_codex
from core.store.library import Library
from core.store.manuscript import list_books, list_chapters, list_scenes
from core.sync.api import MemoryTokenStore, SyncApi
from core.sync.engine import SyncEngine, SyncReport
from tests.sync_server.fixtures import PASSWORD


class Device:
    def __init__(self, path: Path, http: httpx.Client, email: str, **engine_args: Any) -> None:
        self.library: Library = open_library(path)
        self.api = SyncApi(http, tokens=MemoryTokenStore())
        self.api.login(email, PASSWORD, device_name=path.name)
        self.engine = SyncEngine(self.library, self.api, **engine_args)

    def sync(self) -> SyncReport:
        return self.engine.sync()

    def close(self) -> None:
        self.library.close()

    def view(self) -> dict[str, Any]:
        """Everything a writer sees, in order: books, chapters, scenes, codex, trash, notes."""
        with self.library.session() as s:
            books = []
            for book in list_books(session=s, include_trashed=True):
                chapters = []
                for ch in list_chapters(session=s, book_id=book.id):
                    scenes = [
                        (sc.id, sc.title, sc.text, sc.deleted_at is not None)
                        for sc in list_scenes(session=s, chapter_id=ch.id)
                    ]
                    chapters.append((ch.id, ch.title, ch.ordinal, scenes))
                codex = [
                    (e.id, e.name, e.description, getattr(e, "role", ""), list(e.aliases))
                    for e in list_codex(session=s, book_id=book.id)
                ]
                trashed_scenes = sorted(
                    (sc.id, sc.text)
                    for sc in s.query(Scene)
                    .join(Chapter)
                    .filter(Chapter.book_id == book.id, Scene.deleted_at.is_not(None))
                )
                books.append(
                    (
                        book.id,
                        book.title,
                        book.deleted_at is not None,
                        chapters,
                        codex,
                        trashed_scenes,
                        book.word_count,
                        self._notes(s, book.id),
                    )
                )
            return {"books": books}

    @staticmethod
    def _notes(s: Any, book_id: str) -> list[tuple[Any, ...]]:
        """A book's research notes, the live ones in the binder's order, then the trashed.

        Their order, not their ordinals: trashing leaves a gap in the ordinals of the device
        that trashed, which the other fills when it numbers the notes again.
        """
        notes = s.query(Note).filter(Note.book_id == book_id)
        return [
            (n.id, n.title, n.text, n.word_count, n.deleted_at is not None)
            for n in sorted(notes, key=lambda n: (n.deleted_at is not None, n.ordinal, n.id))
        ]

    def note(self, note_id: str) -> Note:
        with self.library.session() as s:
            note = s.get(Note, note_id)
            assert note is not None
            return note

    def scene_text(self, scene_id: str) -> str:
        with self.library.session() as s:
            scene = s.get(Scene, scene_id)
            assert scene is not None
            return scene.text

    def book_ids(self) -> list[str]:
        with self.library.session() as s:
            return [b.id for b in s.query(Book)]
