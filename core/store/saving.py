"""Saving what the writer typed into a scene or a research note, with its word counts.

The studio's autosave and any other writer of text (the CLI, the command bar) use
:func:`save_text`: it writes the text, keeps the scene's, chapter's and book's word counts
true, records the words written today (for the targets), and, given the stored text the
writer's text was made from, merges with a change made meanwhile elsewhere (a sync, another
window) instead of overwriting it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.store.manuscript import get_chapter, get_scene, set_scene_text
from core.store.notes import get_note, set_note_text
from core.store.writing_stats import record_word_delta


@dataclass(frozen=True)
class SavedText:
    """What a save wrote, and the counts to show."""

    kind: str  # "scene" or "note"
    id: str
    words: int
    chapter_id: str  # empty for a note
    chapter_words: int
    book_id: str
    book_words: int
    merged: str | None = None  # the text stored, when it is a merge with another change


def text_to_store(text: str, stored: str, base: str | None) -> tuple[str, str | None]:
    """The text to write over ``stored``, and the same text again if it is a merge.

    ``base`` is the stored text ``text`` was made from (None: write ``text`` as it is). When
    the stored text moved on since, the two changes are merged character by character.
    """
    if base is None or stored == base:
        return text, None
    from core.sync.text_merge import merge_text  # pycrdt: loaded at the first merge

    merged = merge_text(base, text, stored)
    return merged, merged


def save_text(
    session: Session, *, kind: str, item_id: str, text: str, base: str | None = None
) -> SavedText:
    """Write ``text`` into the scene (or, for ``kind`` "note", the note) ``item_id``.

    Run it in a write session: it reads, merges and writes, and nothing may come between.
    """
    if kind == "note":
        note = get_note(session=session, note_id=item_id)
        stored, merged = text_to_store(text, note.text, base)
        set_note_text(session=session, note=note, text=stored)
        return SavedText("note", note.id, note.word_count, "", 0, note.book_id, 0, merged)
    scene = get_scene(session=session, scene_id=item_id)
    words_before = scene.word_count
    stored, merged = text_to_store(text, scene.text, base)
    set_scene_text(session=session, scene=scene, text=stored)
    chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
    record_word_delta(
        session=session, book_id=chapter.book_id, delta=scene.word_count - words_before
    )
    return SavedText(
        "scene",
        scene.id,
        scene.word_count,
        chapter.id,
        chapter.word_count,
        chapter.book_id,
        chapter.book.word_count,
        merged,
    )
