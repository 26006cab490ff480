"""The binder's writer use cases on a library: new, rename, duplicate, trash, move.

Each is one unit of work over a :class:`~core.store.Library` and returns what to show next
as ``(kind, id)``: the desktop's binder, the CLI and the command bar call the same functions.
Kinds are ``"book"``, ``"chapter"``, ``"scene"``, ``"research"`` (a book's Research folder,
whose id is the book's) and ``"note"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, Session

from core.domain import Book, Chapter, Note, Scene
from core.errors import AuthorWorksError
from core.store import Library
from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    get_chapter,
    get_scene,
    list_chapters,
    list_scenes,
    move_chapter,
    move_scene,
)
from core.store.notes import add_note, duplicate_note, get_note, list_notes, move_note
from core.store.trash import move_to_trash

Target = tuple[str, str]  # (kind, id) of what to show next


@dataclass(frozen=True)
class BinderPlace:
    """Where in the binder a command was given: an item and the book (and chapter) it is in."""

    kind: str
    id: str
    book_id: str
    chapter_id: str | None = None  # the chapter of a scene (or the chapter itself)


# Never copied by a duplicate: who it is, where it sits, its life in the library, and the
# counts (add_scene works them out and rolls them up to the chapter and book).
_NOT_COPIED = frozenset({"id", "ordinal", "title", "chapter_id", "book_id", "created_at",
                         "updated_at", "deleted_at", "word_count", "text"})  # fmt: skip


def copy_fields(source: Scene | Chapter, target: Scene | Chapter) -> None:
    """Every column of ``source`` onto ``target`` but identity, place and dates: a column
    added later is copied too, not silently dropped."""
    mapper: Mapper[Scene | Chapter] = inspect(type(source))
    for attribute in mapper.column_attrs:
        if attribute.key not in _NOT_COPIED:
            value = getattr(source, attribute.key)
            setattr(target, attribute.key, list(value) if isinstance(value, list) else value)


def _row(session: Session, kind: str, node_id: str) -> Book | Chapter | Scene | Note:
    if kind == "book":
        return get_book(session=session, book_id=node_id)
    if kind == "chapter":
        return get_chapter(session=session, chapter_id=node_id)
    if kind == "note":
        return get_note(session=session, note_id=node_id)
    if kind == "research":
        raise AuthorWorksError("the Research folder belongs to its book; it cannot be changed")
    return get_scene(session=session, scene_id=node_id)


def new_book(library: Library, title: str, content_type: str = "novel") -> Target:
    """A book with one chapter holding one empty scene, so there is somewhere to write."""
    with library.session() as session:
        book = create_book(session=session, title=title, content_type=content_type)
        chapter = add_chapter(session=session, book=book, title="Chapter 1")
        scene = add_scene(session=session, chapter=chapter, title="Scene 1")
        return "scene", scene.id


def new_chapter(library: Library, near: BinderPlace, title: str = "") -> Target:
    """A chapter after the chapter at or above ``near`` (at the end for a book), with a scene."""
    with library.session() as session:
        book = get_book(session=session, book_id=near.book_id)
        chapters = list_chapters(session=session, book_id=book.id)
        index = len(chapters)
        if near.kind != "book" and near.chapter_id is not None:
            ids = [c.id for c in chapters]
            if near.chapter_id in ids:
                index = ids.index(near.chapter_id) + 1
        chapter = add_chapter(
            session=session, book=book, title=title or f"Chapter {len(chapters) + 1}", index=index
        )
        add_scene(session=session, chapter=chapter, title="Scene 1")
        return "chapter", chapter.id


def new_scene(library: Library, near: BinderPlace, title: str = "") -> Target:
    """A scene after ``near`` (a scene), or at the end of ``near`` (a chapter or a book's last)."""
    with library.session() as session:
        index: int | None = None
        if near.kind == "scene":
            scene = get_scene(session=session, scene_id=near.id)
            chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
            ids = [s.id for s in list_scenes(session=session, chapter_id=chapter.id)]
            index = ids.index(scene.id) + 1
        elif near.kind == "chapter":
            chapter = get_chapter(session=session, chapter_id=near.id)
        else:  # a book, or its Research folder or a note in it: the book's last chapter
            chapters = list_chapters(session=session, book_id=near.book_id)
            if chapters:
                chapter = chapters[-1]
            else:
                book = get_book(session=session, book_id=near.book_id)
                chapter = add_chapter(session=session, book=book, title="Chapter 1")
        count = len(list_scenes(session=session, chapter_id=chapter.id))
        scene = add_scene(
            session=session, chapter=chapter, title=title or f"Scene {count + 1}", index=index
        )
        return "scene", scene.id


def new_note(library: Library, near: BinderPlace, title: str = "") -> Target:
    """A note in the Research folder of ``near``'s book: after ``near`` if it is a note."""
    with library.session() as session:
        book = get_book(session=session, book_id=near.book_id)
        ids = [n.id for n in list_notes(session=session, book_id=book.id)]
        index = ids.index(near.id) + 1 if near.kind == "note" and near.id in ids else None
        note = add_note(
            session=session, book=book, title=title or f"Note {len(ids) + 1}", index=index
        )
        return "note", note.id


def rename(library: Library, place: BinderPlace, title: str) -> None:
    title = title.strip()
    if not title:
        raise AuthorWorksError("a title cannot be empty")
    with library.session() as session:
        _row(session, place.kind, place.id).title = title


def duplicate(library: Library, place: BinderPlace) -> Target:
    """A copy of a scene (or a chapter with its scenes) placed right after it."""
    with library.session() as session:
        if place.kind == "scene":
            scene = get_scene(session=session, scene_id=place.id)
            chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
            copy = _copy_scene(session, scene, chapter, after=scene)
            return "scene", copy.id
        if place.kind == "chapter":
            chapter = get_chapter(session=session, chapter_id=place.id)
            book = get_book(session=session, book_id=chapter.book_id)
            ids = [c.id for c in list_chapters(session=session, book_id=book.id)]
            new = add_chapter(
                session=session, book=book, title=f"{chapter.title or 'Chapter'} (copy)",
                index=ids.index(chapter.id) + 1,
            )  # fmt: skip
            copy_fields(chapter, new)
            for scene in list_scenes(session=session, chapter_id=chapter.id):
                _copy_scene(session, scene, new, keep_title=True)
            return "chapter", new.id
        if place.kind == "note":
            note = duplicate_note(session=session, note=get_note(session=session, note_id=place.id))
            return "note", note.id
    raise AuthorWorksError("only chapters, scenes and notes can be duplicated")


def _copy_scene(
    session: Session,
    scene: Scene,
    chapter: Chapter,
    *,
    after: Scene | None = None,
    keep_title: bool = False,
) -> Scene:
    index = None
    if after is not None:
        ids = [s.id for s in list_scenes(session=session, chapter_id=chapter.id)]
        index = ids.index(after.id) + 1
    title = scene.title if keep_title else f"{scene.title or 'Scene'} (copy)"
    copy = add_scene(session=session, chapter=chapter, title=title, text=scene.text, index=index)
    copy_fields(scene, copy)
    return copy


def trash(library: Library, place: BinderPlace) -> None:
    """Move a book, chapter, scene or note to the trash (Edit › Trash… restores it)."""
    with library.session() as session:
        move_to_trash(session=session, item=_row(session, place.kind, place.id))


def move(library: Library, kind: str, node_id: str, parent_id: str, index: int) -> None:
    """Move a scene into chapter ``parent_id``, or a chapter into book ``parent_id``, at ``index``.

    A chapter may go to another book (see :func:`core.store.manuscript.move_chapter`). A note
    moves within its book's Research folder (``parent_id`` is the folder's, the book's id).
    """
    with library.session() as session:
        if kind == "scene":
            scene = get_scene(session=session, scene_id=node_id)
            chapter = get_chapter(session=session, chapter_id=parent_id)
            move_scene(session=session, scene=scene, chapter=chapter, index=index)
        elif kind == "chapter":
            chapter = get_chapter(session=session, chapter_id=node_id)
            book = get_book(session=session, book_id=parent_id)
            move_chapter(session=session, chapter=chapter, index=index, book=book)
        elif kind == "note":
            note = get_note(session=session, note_id=node_id)
            if note.book_id != parent_id:
                raise AuthorWorksError("a note stays in the Research folder of its book")
            move_note(session=session, note=note, index=index)
        elif kind == "research":
            raise AuthorWorksError("the Research folder stays after its book's chapters")
        else:
            raise AuthorWorksError("books are ordered by title")
