"""Snapshots: the version history of a scene's text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

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


# ---------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison of two texts, line by line.

    ``tag`` is "equal", "replace", "delete" (only on the left) or "insert" (only on the
    right). A missing side has ``None`` for its line number and "" for its text. For a
    "replace" row, ``left_changes`` and ``right_changes`` are the (start, end) character
    ranges that differ inside the line, word by word.
    """

    tag: str
    left_no: int | None
    left: str
    right_no: int | None
    right: str
    left_changes: tuple[tuple[int, int], ...] = ()
    right_changes: tuple[tuple[int, int], ...] = ()


_WORDISH_RE = re.compile(r"\w+|\s+|[^\w\s]")


def _word_changes(
    left: str, right: str
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    a = [m.span() for m in _WORDISH_RE.finditer(left)]
    b = [m.span() for m in _WORDISH_RE.finditer(right)]
    matcher = difflib.SequenceMatcher(
        None, [left[s:e] for s, e in a], [right[s:e] for s, e in b], autojunk=False
    )
    lc: list[tuple[int, int]] = []
    rc: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            lc.append((a[i1][0], a[i2 - 1][1]))
        if j2 > j1:
            rc.append((b[j1][0], b[j2 - 1][1]))
    return tuple(lc), tuple(rc)


def diff_texts(left: str, right: str) -> list[DiffRow]:
    """Side-by-side rows comparing ``left`` (older) with ``right`` (newer), line by line."""
    a, b = left.split("\n"), right.split("\n")
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("equal", i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        if tag == "replace":
            # Pair changed lines up so each row shows an old line beside its new version.
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                if i < i2 and j < j2:
                    lc, rc = _word_changes(a[i], b[j])
                    rows.append(DiffRow("replace", i + 1, a[i], j + 1, b[j], lc, rc))
                elif i < i2:
                    rows.append(DiffRow("delete", i + 1, a[i], None, ""))
                else:
                    rows.append(DiffRow("insert", None, "", j + 1, b[j]))
            continue
        rows.extend(DiffRow("delete", i + 1, a[i], None, "") for i in range(i1, i2))
        rows.extend(DiffRow("insert", None, "", j + 1, b[j]) for j in range(j1, j2))
    return rows


def diff_snapshot(
    *, session: Session, snapshot_id: str, against_id: str | None = None
) -> list[DiffRow]:
    """Compare a snapshot (left) with another snapshot, or by default the scene's text now."""
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        raise NotFoundError(f"no snapshot with id {snapshot_id}")
    if against_id is None:
        return diff_texts(snap.text, snap.scene.text)
    other = session.get(Snapshot, against_id)
    if other is None:
        raise NotFoundError(f"no snapshot with id {against_id}")
    return diff_texts(snap.text, other.text)


def delete_snapshot(*, session: Session, snapshot_id: str) -> None:
    """Remove one snapshot from a scene's history for good."""
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        raise NotFoundError(f"no snapshot with id {snapshot_id}")
    session.delete(snap)
    session.flush()
