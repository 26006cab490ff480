"""Snapshots: the version history of a scene's text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Scene, Snapshot
from core.errors import NotFoundError
from core.store.manuscript import set_scene_text
from core.text import count_words


def take_snapshot(*, session: Session, scene: Scene, label: str = "") -> Snapshot:
    """Save the scene's current text as a snapshot."""
    snap = Snapshot(
        scene_id=scene.id, label=label, text=scene.text, word_count=count_words(scene.text)
    )
    session.add(snap)
    session.flush()
    return snap


def list_snapshots(*, session: Session, scene_id: str) -> list[Snapshot]:
    """A scene's snapshots, newest first."""
    stmt = (
        select(Snapshot)
        .where(Snapshot.scene_id == scene_id)
        .order_by(Snapshot.created_at.desc(), Snapshot.id.desc())
    )
    return list(session.scalars(stmt))


def restore_snapshot(*, session: Session, snapshot_id: str) -> Scene:
    """Put a snapshot's text back into its scene, first snapshotting what is there now."""
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        raise NotFoundError(f"no snapshot with id {snapshot_id}")
    scene = snap.scene
    if scene.text != snap.text:
        take_snapshot(
            session=session, scene=scene, label=f"Before restoring {snap.label or 'a snapshot'}"
        )
        set_scene_text(session=session, scene=scene, text=snap.text)
    return scene
