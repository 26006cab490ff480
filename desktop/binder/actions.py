"""What the binder's menu does to the library, as the binder's nodes see it.

The use cases themselves are core's (:mod:`core.store.binder_edits`, shared with the CLI and
the command bar); this adapter turns a :class:`~desktop.binder.model.BinderNode` into the
place core is told about, and core's ``(kind, id)`` answers back into binder kinds.
"""

from __future__ import annotations

from core.store import Library, binder_edits
from core.store.binder_edits import BinderPlace
from desktop.binder.model import BinderNode, NodeKind


def place_of(node: BinderNode) -> BinderPlace:
    chapter = node if node.kind is NodeKind.CHAPTER else node.parent
    chapter_id = chapter.id if chapter is not None and chapter.kind is NodeKind.CHAPTER else None
    return BinderPlace(node.kind.value, node.id, node.book_id, chapter_id)


def _target(found: tuple[str, str]) -> tuple[NodeKind, str]:
    return NodeKind(found[0]), found[1]


def new_book(library: Library, title: str, content_type: str = "novel") -> tuple[NodeKind, str]:
    return _target(binder_edits.new_book(library, title, content_type))


def new_chapter(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    return _target(binder_edits.new_chapter(library, place_of(near), title))


def new_scene(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    return _target(binder_edits.new_scene(library, place_of(near), title))


def new_note(library: Library, near: BinderNode, title: str = "") -> tuple[NodeKind, str]:
    return _target(binder_edits.new_note(library, place_of(near), title))


def rename(library: Library, node: BinderNode, title: str) -> None:
    binder_edits.rename(library, place_of(node), title)


def duplicate(library: Library, node: BinderNode) -> tuple[NodeKind, str]:
    return _target(binder_edits.duplicate(library, place_of(node)))


def trash(library: Library, node: BinderNode) -> None:
    binder_edits.trash(library, place_of(node))


def move(library: Library, kind: NodeKind, node_id: str, parent_id: str, index: int) -> None:
    binder_edits.move(library, kind.value, node_id, parent_id, index)


def step(library: Library, node: BinderNode, delta: int) -> bool:
    """Move a scene, chapter or note one place up (-1) or down (+1); False at either end."""
    if node.parent is None or node.kind is NodeKind.RESEARCH:
        return False
    index = node.row + delta
    if not 0 <= index < len(node.parent.children):
        return False
    move(library, node.kind, node.id, node.parent.id, index)
    return True
