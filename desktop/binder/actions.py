"""What the binder's menu does to the library: add, rename, duplicate, trash, move.

Plain functions over a :class:`~core.store.Library` (each one unit of work) returning what
the window should select next; the window asks for titles and reloads the binder.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

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
from desktop.binder.model import BinderNode, NodeKind


def _row(session: Session, kind: NodeKind, node_id: str) -> Book | Chapter | Scene | Note:
    if kind is NodeKind.BOOK:
        return get_book(session=session, book_id=node_id)
    if kind is NodeKind.CHAPTER:
        return get_chapter(session=session, chapter_id=node_id)
    if kind is NodeKind.NOTE:
        return get_note(session=session, note_id=node_id)
    if kind is NodeKind.RESEARCH:
        raise AuthorWorksError("the Research folder belongs to its book; it cannot be changed")
    return get_scene(session=session, scene_id=node_id)


def new_book(library: Library, title: str, content_type: str = "novel") -> tuple[NodeKind, str]:
    """A book with one chapter holding one empty scene, so there is somewhere to write."""
    with library.session() as session:
        book = create_book(session=session, title=title, content_type=content_type)
        chapter = add_chapter(session=session, book=book, title="Chapter 1")
        scene = add_scene(session=session, chapter=chapter, title="Scene 1")
        return NodeKind.SCENE, scene.id


def new_chapter(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    """A chapter after the chapter at or above ``near`` (at the end for a book), with a scene."""
    with library.session() as session:
        book = get_book(session=session, book_id=near.book_id)
        chapters = list_chapters(session=session, book_id=book.id)
        index = len(chapters)
        chapter_node = near if near.kind is NodeKind.CHAPTER else near.parent
        if near.kind is not NodeKind.BOOK and chapter_node is not None:
            ids = [c.id for c in chapters]
            if chapter_node.id in ids:
                index = ids.index(chapter_node.id) + 1
        chapter = add_chapter(
            session=session, book=book, title=title or f"Chapter {len(chapters) + 1}", index=index
        )
        add_scene(session=session, chapter=chapter, title="Scene 1")
        return NodeKind.CHAPTER, chapter.id


def new_scene(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    """A scene after ``near`` (a scene), or at the end of ``near`` (a chapter or a book's last)."""
    with library.session() as session:
        index: int | None = None
        if near.kind is NodeKind.SCENE:
            scene = get_scene(session=session, scene_id=near.id)
            chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
            ids = [s.id for s in list_scenes(session=session, chapter_id=chapter.id)]
            index = ids.index(scene.id) + 1
        elif near.kind is NodeKind.CHAPTER:
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
        return NodeKind.SCENE, scene.id


def new_note(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    """A note in the Research folder of ``near``'s book: after ``near`` if it is a note."""
    with library.session() as session:
        book = get_book(session=session, book_id=near.book_id)
        ids = [n.id for n in list_notes(session=session, book_id=book.id)]
        index = ids.index(near.id) + 1 if near.kind is NodeKind.NOTE and near.id in ids else None
        note = add_note(
            session=session, book=book, title=title or f"Note {len(ids) + 1}", index=index
        )
        return NodeKind.NOTE, note.id


def rename(library: Library, node: BinderNode, title: str) -> None:
    title = title.strip()
    if not title:
        raise AuthorWorksError("a title cannot be empty")
    with library.session() as session:
        _row(session, node.kind, node.id).title = title


def duplicate(library: Library, node: BinderNode) -> tuple[NodeKind, str]:
    """A copy of a scene (or a chapter with its scenes) placed right after it."""
    with library.session() as session:
        if node.kind is NodeKind.SCENE:
            scene = get_scene(session=session, scene_id=node.id)
            chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
            copy = _copy_scene(session, scene, chapter, after=scene)
            return NodeKind.SCENE, copy.id
        if node.kind is NodeKind.CHAPTER:
            chapter = get_chapter(session=session, chapter_id=node.id)
            book = get_book(session=session, book_id=chapter.book_id)
            ids = [c.id for c in list_chapters(session=session, book_id=book.id)]
            new = add_chapter(
                session=session, book=book, title=f"{chapter.title or 'Chapter'} (copy)",
                synopsis=chapter.synopsis, index=ids.index(chapter.id) + 1,
            )  # fmt: skip
            new.status = chapter.status
            for scene in list_scenes(session=session, chapter_id=chapter.id):
                _copy_scene(session, scene, new, keep_title=True)
            return NodeKind.CHAPTER, new.id
        if node.kind is NodeKind.NOTE:
            note = duplicate_note(session=session, note=get_note(session=session, note_id=node.id))
            return NodeKind.NOTE, note.id
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
    copy = add_scene(
        session=session, chapter=chapter, title=title, text=scene.text,
        synopsis=scene.synopsis, index=index,
    )  # fmt: skip
    copy.status = scene.status
    copy.setting = scene.setting
    copy.notes = scene.notes
    copy.labels = list(scene.labels or [])
    copy.pov_character_id = scene.pov_character_id
    return copy


def trash(library: Library, node: BinderNode) -> None:
    """Move a book, chapter, scene or note to the trash (Edit › Trash… restores it)."""
    with library.session() as session:
        move_to_trash(session=session, item=_row(session, node.kind, node.id))


def move(library: Library, kind: NodeKind, node_id: str, parent_id: str, index: int) -> None:
    """Move a scene into chapter ``parent_id``, or a chapter into book ``parent_id``, at ``index``.

    A chapter may go to another book (see :func:`core.store.manuscript.move_chapter`). A note
    moves within its book's Research folder (``parent_id`` is the folder's, the book's id).
    """
    with library.session() as session:
        if kind is NodeKind.SCENE:
            scene = get_scene(session=session, scene_id=node_id)
            chapter = get_chapter(session=session, chapter_id=parent_id)
            move_scene(session=session, scene=scene, chapter=chapter, index=index)
        elif kind is NodeKind.CHAPTER:
            chapter = get_chapter(session=session, chapter_id=node_id)
            book = get_book(session=session, book_id=parent_id)
            move_chapter(session=session, chapter=chapter, index=index, book=book)
        elif kind is NodeKind.NOTE:
            note = get_note(session=session, note_id=node_id)
            if note.book_id != parent_id:
                raise AuthorWorksError("a note stays in the Research folder of its book")
            move_note(session=session, note=note, index=index)
        elif kind is NodeKind.RESEARCH:
            raise AuthorWorksError("the Research folder stays after its book's chapters")
        else:
            raise AuthorWorksError("books are ordered by title")


def step(library: Library, node: BinderNode, delta: int) -> bool:
    """Move a scene, chapter or note one place up (-1) or down (+1); False at either end."""
    if node.parent is None or node.kind is NodeKind.RESEARCH:
        return False
    index = node.row + delta
    if not 0 <= index < len(node.parent.children):
        return False
    move(library, node.kind, node.id, node.parent.id, index)
    return True
