"""Comments and tracked changes that came with an imported manuscript, put on its scenes.

They come as marks in the scene texts (:mod:`core.importers.review_marks`) with what each
is beside them; here each becomes a comment anchored to its passage or a pending suggestion
by its author, with its date — never applied to the text.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

import pycrdt
from sqlalchemy.orm import Session

from core.importers.review_marks import SceneMarks
from core.review.comments import add_comment, reply, set_resolved
from core.review.store import change_scene_document
from core.review.suggestions import suggest_delete, suggest_insert


def _when(value: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def add_imported_review(
    session: Session,
    scenes: list[tuple[str, SceneMarks]],
    review: dict[str, dict[str, dict[str, str]]],
) -> int:
    """Comments and suggestions for ``scenes`` (scene id, its marks); how many were made."""
    comments = review.get("comments", {})
    changes = review.get("changes", {})
    made = 0

    def apply(marks: SceneMarks, doc: pycrdt.Doc) -> int:
        count = 0
        made: dict[str, str] = {}  # Word's comment id -> ours
        marked = {ident for ident, _start, _end in marks.comments}
        for ident, start, end in marks.comments:
            info = comments.get(ident)
            if info is None or not info.get("text"):
                continue  # a range whose comment is missing from the file
            if info.get("parent") in marked:
                continue  # a reply in Word: it joins its thread below
            made[ident] = add_comment(
                doc,
                author=info.get("author") or "Unknown",
                text=info["text"],
                start=start,
                end=end,
                now=_when(info.get("date", "")),
            )
            count += 1
        answers = sorted(
            (info.get("date", ""), ident, info)
            for ident, info in comments.items()
            if info.get("parent") in made and info.get("text")
        )
        for _date, _ident, info in answers:
            reply(
                doc,
                parent_id=made[info["parent"]],
                author=info.get("author") or "Unknown",
                text=info["text"],
                now=_when(info.get("date", "")),
            )
            count += 1
        for ident, ours in made.items():
            info = comments[ident]
            if info.get("done"):  # resolved in Word
                when = max([_when(info.get("date", ""))] + [_when(a[0]) for a in answers])
                set_resolved(doc, ours, resolved=True, by=info.get("author") or "", now=when)
        for ident, at, text in marks.insertions:
            suggest_insert(doc, at=at, text=text, **by(ident))
            count += 1
        for ident, start, end in marks.deletions:
            suggest_delete(doc, start=start, end=end, **by(ident))
            count += 1
        return count

    def by(ident: str) -> dict[str, Any]:
        """The author and time of tracked change ``ident``."""
        info = changes.get(ident, {})
        return {"author": info.get("author") or "Unknown", "now": _when(info.get("date", ""))}

    for scene_id, marks in scenes:
        made += change_scene_document(session, scene_id, functools.partial(apply, marks))
    return made
