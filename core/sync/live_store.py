"""A live document's text and state kept in the library, consistently.

While a scene is bound to its room, its Yjs document (:class:`core.sync.live.LiveText`) is
the truth: the writer's keystrokes and the room's edits are in it. Saving writes three things
in one transaction, so that the feed sync that runs beside it never sees them disagree:

* the scene's text (with its word counts), as the merged document has it;
* the library's copy of the document (``sync_docs``): the live state merged with what a pull
  may have brought meanwhile, and the hash of that text, so the next capture finds nothing
  to record (recording the text again would be a second copy of every live character);
* an outbox entry with what the library's copy lacked, so that edits typed live reach the
  feed even when the room never persisted them (the server died first, the writer went
  offline): pushed once more they change nothing, being the same Yjs items.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.store.saving import SavedText, save_text
from core.sync.capture import capture, queue_update, text_hash
from core.sync.documents import changes_made, doc_text, new_doc
from core.sync.local_state import sync_docs


@dataclass(frozen=True)
class LiveDoc:
    """What the library holds of a document that can be bound to its room."""

    doc_id: str
    kind: str
    book_id: str
    state: bytes


def live_doc(session: Session, doc_id: str) -> LiveDoc | None:
    """The library's copy of ``doc_id`` (None: never synced, so the server has no room)."""
    row = session.execute(
        select(sync_docs.c.kind, sync_docs.c.book_id, sync_docs.c.state, sync_docs.c.purged).where(
            sync_docs.c.doc_id == doc_id
        )
    ).first()
    if row is None or row.purged:
        return None
    return LiveDoc(doc_id, str(row.kind), str(row.book_id), bytes(row.state))


def captured_doc(session: Session, doc_id: str) -> LiveDoc | None:
    """The library's copy of ``doc_id`` after a capture has recorded what the library holds
    (a library that never synced gets its documents so; None for no such item). Run it in a
    write session."""
    capture(session)
    return live_doc(session, doc_id)


@dataclass(frozen=True)
class LiveSaved:
    saved: SavedText
    text: str  # the text stored
    state: bytes | None  # the merged state, when it holds more than the live one had


def save_live_text(session: Session, *, kind: str, item_id: str, state: bytes) -> LiveSaved:
    """Store the live document ``state`` of scene (or note) ``item_id``; see the module doc.

    Run it in a write session.
    """
    found = live_doc(session, item_id)
    stored = found.state if found is not None else b""
    doc = new_doc(stored)
    _, delta = changes_made(doc, lambda: doc.apply_update(state))
    text = doc_text(doc)
    saved = save_text(session, kind=kind, item_id=item_id, text=text)
    merged_state = doc.get_update()
    if found is not None:
        session.execute(
            update(sync_docs)
            .where(sync_docs.c.doc_id == item_id)
            .values(state=merged_state, text_hash=text_hash(text))
        )
        if delta is not None:
            queue_update(
                session, doc_id=item_id, kind=found.kind, book_id=found.book_id, update=delta
            )
    # Whether the merge holds anything the live state lacks (a pull brought it).
    probe = new_doc(state)
    _, more = changes_made(probe, lambda: probe.apply_update(merged_state))
    return LiveSaved(saved, text, merged_state if more is not None else None)
