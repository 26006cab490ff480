"""Convert a whole book to typographic punctuation (curly quotes, em dashes, ellipses).

Each scene that changes is snapshotted first, with the same result shape as a replace, so
that the studio's Undo Replace (and the snapshots) can take it back. Screenplays and plays
(Fountain) are refused: their tools expect straight quotes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.domain.values import FOUNTAIN_TYPES
from core.errors import AuthorWorksError
from core.store.manuscript import get_book, list_chapters, list_scenes, set_scene_text
from core.store.search import ReplaceResult, SceneChange
from core.store.snapshots import take_snapshot
from core.text.smart_punctuation import smarten

SMARTEN_LABEL = "Before typographic punctuation"


def smarten_book(*, session: Session, book_id: str) -> ReplaceResult:
    """Curl the quotes and set the dashes and ellipses of every live scene of the book."""
    book = get_book(session=session, book_id=book_id)
    if book.content_type in FOUNTAIN_TYPES:
        raise AuthorWorksError(
            f"“{book.title}” is a {book.content_type}: Fountain keeps straight quotes"
        )
    changes: list[SceneChange] = []
    for chapter in list_chapters(session=session, book_id=book.id):
        for scene in list_scenes(session=session, chapter_id=chapter.id):
            original = scene.text or ""
            new = smarten(original, book.language or "en")
            if new == original:
                continue
            changed = sum(1 for a, b in zip(original, new, strict=False) if a != b) or 1
            snap = take_snapshot(session=session, scene=scene, label=SMARTEN_LABEL)
            set_scene_text(session=session, scene=scene, text=new)
            changes.append(SceneChange(scene.id, snap.id, changed))
    return ReplaceResult(SMARTEN_LABEL, tuple(changes))
