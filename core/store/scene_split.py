"""Split a scene at a point of its text, and merge a scene with the next one.

Both are ordinary writer actions, not destructive: a split keeps every character (the
second half becomes a new scene right after the first), and a merge snapshots the first
scene and sends the second to the trash, so either can be taken back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.domain import Scene
from core.errors import AuthorWorksError
from core.store.manuscript import add_scene, get_chapter, list_scenes, set_scene_text
from core.store.snapshots import take_snapshot
from core.store.trash import move_to_trash


class SceneSplitError(AuthorWorksError):
    """A split or merge cannot be made as asked (nothing to split off, no next scene)."""


def split_scene(*, session: Session, scene: Scene, at: int) -> Scene:
    """Cut ``scene``'s text at character ``at``: what follows becomes a new scene after it.

    The blank lines at the cut go (each half keeps its own paragraphs whole); the new scene
    takes the status, POV, setting and labels, the first keeps its title and synopsis.
    """
    text = scene.text or ""
    if not 0 < at < len(text):
        raise SceneSplitError("put the cursor inside the scene's text to split it there")
    head, tail = text[:at].rstrip(), text[at:].lstrip("\n").lstrip(" ")
    if not head.strip() or not tail.strip():
        raise SceneSplitError("one side of the split would be empty: move the cursor")
    chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
    position = [s.id for s in list_scenes(session=session, chapter_id=chapter.id)].index(scene.id)
    set_scene_text(session=session, scene=scene, text=head)
    second = add_scene(session=session, chapter=chapter, text=tail, index=position + 1)
    second.status = scene.status
    second.pov_character_id = scene.pov_character_id
    second.setting = scene.setting
    second.labels = list(scene.labels or [])
    session.flush()
    return second


def merge_with_next(*, session: Session, scene: Scene) -> Scene:
    """Append the next scene of the chapter to ``scene`` (a blank line between them).

    ``scene`` is snapshotted first and the next scene goes to the trash: both come back.
    Returns the scene that was merged in.
    """
    scenes = list_scenes(session=session, chapter_id=scene.chapter_id)
    ids = [s.id for s in scenes]
    at = ids.index(scene.id)
    if at + 1 >= len(scenes):
        raise SceneSplitError("this is the chapter's last scene: there is no next one to merge")
    following = scenes[at + 1]
    take_snapshot(session=session, scene=scene, label="Before merging the next scene")
    parts = [p for p in ((scene.text or "").rstrip(), (following.text or "").strip()) if p]
    set_scene_text(session=session, scene=scene, text="\n\n".join(parts))
    if following.synopsis and following.synopsis not in (scene.synopsis or ""):
        scene.synopsis = " ".join(p for p in (scene.synopsis, following.synopsis) if p)
    move_to_trash(session=session, item=following)
    return following
