"""A scene as the studio opens it: its text and details, with what of its book they need.

Opening a scene shows its text in the editor and its details in the inspector, checks its
spelling in the book's language and colours its labels with the book's colours. Read through
the manuscript repository that is three ORM loads (scene, chapter, book), and each panel
loaded the scene again; :func:`scene_view` is one narrow query for all of it.
:func:`pov_choices` lists the characters a scene's point of view can be, by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.domain import Book, Chapter, Character, Scene
from core.domain.display import display_title
from core.errors import NotFoundError
from core.store.labels import colors_in_metadata


@dataclass(frozen=True)
class SceneView:
    """A live scene's fields as stored, with its book's language and label colours."""

    id: str
    chapter_id: str
    book_id: str
    title: str
    text: str
    synopsis: str
    notes: str
    setting: str
    status: str
    labels: tuple[str, ...]
    pov_character_id: str | None
    book_language: str
    label_colors: Mapping[str, str]  # the book's stored colours: label -> "#rrggbb"
    position: int = 1  # 1 for the chapter's first live scene: "Scene 3" when untitled

    @property
    def display_title(self) -> str:
        """The title, or "Scene N" as the binder names an untitled scene."""
        return display_title(self.title, "Scene", self.position)


_COLUMNS = (
    Scene.id,
    Scene.chapter_id,
    Chapter.book_id,
    Scene.title,
    Scene.text,
    Scene.synopsis,
    Scene.notes,
    Scene.setting,
    Scene.status,
    Scene.labels,
    Scene.pov_character_id,
    Book.language,
    Book.metadata_,
)
_EARLIER = aliased(Scene)
# Where the scene stands among its chapter's live scenes (the binder numbers those).
_POSITION = (
    select(func.count())
    .where(
        _EARLIER.chapter_id == Scene.chapter_id,
        _EARLIER.deleted_at.is_(None),
        _EARLIER.ordinal < Scene.ordinal,
    )
    .correlate(Scene)
    .scalar_subquery()
)


def scene_view(*, session: Session, scene_id: str) -> SceneView:
    """The scene ``scene_id`` (not in the trash) with its book's language and label colours."""
    row = session.execute(
        select(*_COLUMNS, _POSITION + 1)
        .join(Chapter, Scene.chapter_id == Chapter.id)
        .join(Book, Chapter.book_id == Book.id)
        .where(Scene.id == scene_id, Scene.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no scene with id {scene_id}")
    (id_, chapter_id, book_id, title, text, synopsis, notes, setting, status, labels, pov,
     language, metadata, position) = row  # fmt: skip
    return SceneView(
        id=id_,
        chapter_id=chapter_id,
        book_id=book_id,
        title=title or "",
        text=text or "",
        synopsis=synopsis or "",
        notes=notes or "",
        setting=setting or "",
        status=status or "",
        labels=tuple(str(label) for label in labels or ()),
        pov_character_id=pov,
        book_language=language or "en",
        label_colors=colors_in_metadata(metadata),
        position=int(position or 1),
    )


def pov_choices(*, session: Session, book_id: str) -> list[tuple[str, str]]:
    """``(character id, name)`` of the book's live characters, by name."""
    rows = session.execute(
        select(Character.id, Character.name)
        .where(Character.book_id == book_id, Character.deleted_at.is_(None))
        .order_by(Character.name)
    )
    return [(str(character_id), str(name)) for character_id, name in rows]
