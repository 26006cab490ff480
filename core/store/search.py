"""Find and replace across a library, narrowed by the FTS5 index of scenes.

The ``scene_search`` FTS5 table (migration 0003) is kept in step with ``scenes`` by triggers.
A search first asks the index for the scenes that *may* match, then decides every hit exactly
with a Python regular expression on the stored text, so whole-word, case and regex rules are
the same whichever path was taken. When the index cannot express a query (a regex, or a single
fragment that may sit inside a word) every scene in scope is scanned instead; on a library of a
million words that still costs well under the 150 ms budget.

Offsets are character offsets into the stored scene text (the Markdown subset or Fountain),
the same string ``Scene.text`` holds.

Research notes (the binder's Research folder) are found too, through their own index
``note_search`` (migration 0005), in a library or book search: after the scenes of their book,
with ``kind == "note"``. They are found but never replaced: replacing snapshots every scene it
changes so that it can be undone, and notes have no snapshots.

Replacing takes a snapshot of every scene before it changes it, and returns what it did, so
``undo_replace`` can put each scene back by restoring those snapshots.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from core.errors import AuthorWorksError, NotFoundError
from core.store.manuscript import get_scene, set_scene_text
from core.store.snapshots import restore_snapshot, take_snapshot
from core.store.text_match import InvalidSearchError, TextMatcher, compile_pattern

__all__ = [
    "InvalidSearchError",
    "ReplaceResult",
    "SceneChange",
    "SearchHit",
    "StaleHitError",
    "compile_pattern",
    "fts_query",
    "replace_all",
    "replace_hit",
    "search",
    "undo_replace",
]

SCOPES = ("library", "book", "chapter", "scene")
FIELDS = ("text", "title", "synopsis")
_NOTE_FIELDS = ("text", "title")  # a note has no synopsis
DEFAULT_LIMIT = 10_000
SNIPPET_CONTEXT = 40

Scope = tuple[str, str | None]
_TOKEN_RE = re.compile(r"[^\W_]+")


class StaleHitError(AuthorWorksError):
    """The text at a search hit has changed since the search ran."""


@dataclass(frozen=True)
class SearchHit:
    """One match: where it is (scene, field, offset, length) and a line of context."""

    scene_id: str
    chapter_id: str
    book_id: str
    scene_title: str
    field: str  # "text", "title" or "synopsis"
    offset: int
    length: int
    matched: str
    snippet: str  # the match with up to SNIPPET_CONTEXT characters each side, on one line
    snippet_offset: int  # where the match starts inside ``snippet``
    chapter_title: str = ""
    scene_number: int = 0  # 1-based position in its chapter (a note's in its book's Research)
    # "scene", or "note" for a research note: then ``scene_id`` and ``scene_title`` are the
    # note's, ``chapter_id`` is empty and ``chapter_title`` is "Research".
    kind: str = "scene"

    @property
    def place(self) -> str:
        """Where the hit is, for a result list: the scene's title or chapter and number."""
        if self.kind == "note":
            return f"Research › {self.scene_title or f'note {self.scene_number}'}"
        if self.scene_title:
            return self.scene_title
        chapter = self.chapter_title or "Untitled chapter"
        return f"{chapter} · scene {self.scene_number}" if self.scene_number else chapter


@dataclass(frozen=True)
class SceneChange:
    """A scene that a replace changed: the snapshot taken just before, and how many hits."""

    scene_id: str
    snapshot_id: str
    replacements: int


@dataclass(frozen=True)
class ReplaceResult:
    label: str
    changes: tuple[SceneChange, ...]

    @property
    def total(self) -> int:
        return sum(c.replacements for c in self.changes)

    @property
    def scene_ids(self) -> list[str]:
        return [c.scene_id for c in self.changes]


@dataclass(frozen=True)
class _Place:
    """A scene or a research note to match, with the values of the fields searched."""

    key: tuple[str, str, int]  # (book title, book id, 0 scene / 1 note): the merge order
    kind: str
    id: str
    chapter_id: str
    book_id: str
    title: str
    values: dict[str, str]
    chapter_title: str
    number: int


# ---------------------------------------------------------------------------- patterns


def fts_query(query: str, *, whole_word: bool, regex: bool) -> str | None:
    r"""An FTS5 MATCH expression every true hit of a literal search satisfies, or None.

    The index holds whole tokens, runs of letters and digits (Unicode L* and N*, exactly what
    ``[^\W_]`` is in Python), so the query splits the same way the text did. Only tokens of the
    query that cannot be the tail of a longer word are usable; the last one may be a prefix.
    None means the index cannot narrow this search and the caller must scan.
    """
    if regex:
        return None
    tokens = list(_TOKEN_RE.finditer(query))
    if not tokens:
        return None
    first, last = tokens[0], tokens[-1]
    words = [t.group().lower() for t in tokens]
    prefix = not (whole_word or last.end() < len(query))
    if not (whole_word or first.start() > 0):
        # The first fragment may end a longer word ("ight" in "light"): leave it out.
        words = words[1:]
        if len(tokens) == 1:
            return None
    if not words:
        return None
    phrase = '"' + " ".join(words) + '"'
    return phrase + " *" if prefix else phrase


# ---------------------------------------------------------------------------- search


def _scope_clause(scope: Scope) -> tuple[str, dict[str, Any]]:
    kind, ref = scope
    if kind not in SCOPES:
        raise InvalidSearchError(f"unknown search scope {kind!r} (one of {', '.join(SCOPES)})")
    if kind == "library":
        return "", {}
    if not ref:
        raise InvalidSearchError(f"a {kind} search needs the {kind} to search in")
    column = {"book": "c.book_id", "chapter": "s.chapter_id", "scene": "s.id"}[kind]
    return f" AND {column} = :scope_id", {"scope_id": ref}


def _candidates(
    session: Session, scope: Scope, fields: Sequence[str], match: str | None
) -> list[Any]:
    """Live scenes in manuscript order: (scene id, chapter id, book id, title, *fields,
    book title, chapter ordinal, scene ordinal, chapter title)."""
    where, params = _scope_clause(scope)
    columns = ", ".join(f"s.{f}" for f in fields)
    if match is not None:
        cols = " ".join(fields)
        params["match"] = f"{{{cols}}} : ({match})"
        where += (
            " AND s.id IN (SELECT k.scene_id FROM scene_search"
            " JOIN scene_search_keys k ON k.rowid = scene_search.rowid"
            " WHERE scene_search MATCH :match)"
        )
    # Sorted here rather than by SQLite, which would sort the whole texts along with the keys.
    stmt = (
        f"SELECT s.id, s.chapter_id, c.book_id, s.title, {columns},"
        " lower(b.title), c.ordinal, s.ordinal, c.title"
        " FROM scenes s JOIN chapters c ON c.id = s.chapter_id JOIN books b ON b.id = c.book_id"
        f" WHERE s.deleted_at IS NULL AND c.deleted_at IS NULL AND b.deleted_at IS NULL{where}"
    )
    rows = list(session.execute(sql(stmt), params).all())
    n = 4 + len(fields)
    rows.sort(key=lambda r: (r[n], r[2], r[n + 1], r[n + 2], r[0]))
    return rows


def _note_candidates(
    session: Session, scope: Scope, fields: Sequence[str], match: str | None
) -> list[Any]:
    """Live research notes of live books in a library or book scope, sorted as the scenes:
    (note id, book id, title, *fields, book title, ordinal). None for a chapter or scene."""
    kind, ref = scope
    if kind not in ("library", "book") or not fields:
        return []
    where, params = (
        ("", {}) if kind == "library" else (" AND n.book_id = :scope_id", {"scope_id": ref})
    )
    if match is not None:
        params["match"] = f"{{{' '.join(fields)}}} : ({match})"
        where += (
            " AND n.id IN (SELECT k.note_id FROM note_search"
            " JOIN note_search_keys k ON k.rowid = note_search.rowid"
            " WHERE note_search MATCH :match)"
        )
    columns = ", ".join(f"n.{f}" for f in fields)
    stmt = (
        f"SELECT n.id, n.book_id, n.title, {columns}, lower(b.title), n.ordinal"
        " FROM notes n JOIN books b ON b.id = n.book_id"
        f" WHERE n.deleted_at IS NULL AND b.deleted_at IS NULL{where}"
    )
    rows = list(session.execute(sql(stmt), params).all())
    rows.sort(key=lambda r: (r[-2], r[1], r[-1], r[0]))
    return rows


def _snippet(text: str, start: int, end: int) -> tuple[str, int]:
    left = max(0, start - SNIPPET_CONTEXT)
    right = min(len(text), end + SNIPPET_CONTEXT)
    # Start and end on a word boundary where one is near, so the snippet reads cleanly.
    if left > 0:
        space = text.find(" ", left, start)
        if space != -1:
            left = space + 1
    if right < len(text):
        space = text.rfind(" ", end, right)
        if space != -1:
            right = space
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    body = text[left:right].replace("\n", " ").replace("\t", " ")
    return prefix + body + suffix, len(prefix) + (start - left)


def search(
    *,
    session: Session,
    query: str,
    scope: Scope = ("library", None),
    whole_word: bool = False,
    case_sensitive: bool = False,
    regex: bool = False,
    fields: Sequence[str] = ("text",),
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """Every match of ``query`` in the live scenes of ``scope``, in manuscript order.

    ``scope`` is ``("library", None)`` or ``("book"|"chapter"|"scene", id)``. ``fields`` picks
    which of a scene's text, title and synopsis to search. A library or book search also finds
    research notes (text and title), each book's after its scenes, as hits of kind "note".
    At most ``limit`` hits are returned.
    Raises InvalidSearchError for an empty query, a bad regex or an unknown scope.
    """
    unknown = [f for f in fields if f not in FIELDS]
    if unknown or not fields:
        raise InvalidSearchError(f"cannot search in {', '.join(unknown) or 'no field'}")
    matcher = TextMatcher(query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex)
    match = fts_query(query, whole_word=whole_word, regex=regex)
    n = 4 + len(fields)
    scenes = (
        _Place(
            (row[n], row[2], 0), "scene", row[0], row[1], row[2], row[3] or "",
            dict(zip(fields, row[4:n], strict=True)), row[n + 3] or "", int(row[n + 2] or 0),
        )
        for row in _candidates(session, scope, fields, match)
    )  # fmt: skip
    note_fields = [f for f in fields if f in _NOTE_FIELDS]
    notes = (
        _Place(
            (row[-2], row[1], 1), "note", row[0], "", row[1], row[2] or "",
            dict(zip(note_fields, row[3:-2], strict=True)), "Research", int(row[-1] or 0),
        )
        for row in _note_candidates(session, scope, note_fields, match)
    )  # fmt: skip
    hits: list[SearchHit] = []
    # Both in order already: merged so that a book's research notes follow its scenes.
    for place in heapq.merge(scenes, notes, key=lambda p: p.key):
        for field in fields:
            value = place.values.get(field) or ""
            for m in matcher.matches(value):
                snippet, at = _snippet(value, m.start(), m.end())
                hits.append(
                    SearchHit(
                        place.id,
                        place.chapter_id,
                        place.book_id,
                        place.title,
                        field,
                        m.start(),
                        m.end() - m.start(),
                        value[m.start() : m.end()],
                        snippet,
                        at,
                        place.chapter_title,
                        place.number,
                        place.kind,
                    )
                )
                if len(hits) >= limit:
                    return hits
    return hits


# ---------------------------------------------------------------------------- replace


def replace_label(query: str, replacement: str) -> str:
    """The label of the snapshots a replace takes."""
    return f"Before replace ‘{query}’ → ‘{replacement}’"


def replace_all(
    *,
    session: Session,
    query: str,
    replacement: str,
    scope: Scope = ("library", None),
    whole_word: bool = False,
    case_sensitive: bool = False,
    regex: bool = False,
) -> ReplaceResult:
    """Replace every match in the scene texts of ``scope``; snapshot each scene first.

    With ``regex`` the replacement may use group references (``\\1``, ``\\g<name>``).
    Nothing is changed if any replacement fails (a bad group reference raises
    InvalidSearchError). Titles, synopses and research notes are not changed.
    """
    matcher = TextMatcher(query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex)
    match = fts_query(query, whole_word=whole_word, regex=regex)
    planned: list[tuple[str, str, int]] = []
    for row in _candidates(session, scope, ("text",), match):
        original = row[4] or ""
        pieces: list[str] = []
        last = count = 0
        for m in matcher.matches(original):
            pieces += [original[last : m.start()], matcher.expand(m, replacement)]
            last = m.end()
            count += 1
        if count:
            new_text = "".join(pieces) + original[last:]
            if new_text != original:
                planned.append((row[0], new_text, count))
    label = replace_label(query, replacement)
    changes = []
    for scene_id, new_text, count in planned:
        scene = get_scene(session=session, scene_id=scene_id)
        snap = take_snapshot(session=session, scene=scene, label=label)
        set_scene_text(session=session, scene=scene, text=new_text)
        changes.append(SceneChange(scene_id, snap.id, count))
    return ReplaceResult(label, tuple(changes))


def replace_hit(
    *,
    session: Session,
    hit: SearchHit,
    query: str,
    replacement: str,
    whole_word: bool = False,
    case_sensitive: bool = False,
    regex: bool = False,
) -> ReplaceResult:
    """Replace the one match ``hit`` (found by the same options); snapshot the scene first.

    Raises StaleHitError if the scene text no longer matches there (it was edited since).
    """
    if hit.kind != "scene":
        raise InvalidSearchError("research notes are found but not replaced: edit the note")
    if hit.field != "text":
        raise InvalidSearchError("only scene text can be replaced, not titles or synopses")
    matcher = TextMatcher(query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex)
    scene = get_scene(session=session, scene_id=hit.scene_id)
    m = matcher.match_at(scene.text, hit.offset, hit.length)
    if m is None:
        raise StaleHitError(
            f"{scene.title or 'the scene'}: the text has changed since the search; search again"
        )
    new = matcher.expand(m, replacement)
    label = replace_label(query, replacement)
    snap = take_snapshot(session=session, scene=scene, label=label)
    set_scene_text(
        session=session,
        scene=scene,
        text=scene.text[: hit.offset] + new + scene.text[hit.offset + hit.length :],
    )
    return ReplaceResult(label, (SceneChange(scene.id, snap.id, 1),))


def undo_replace(*, session: Session, result: ReplaceResult) -> list[str]:
    """Undo a replace by restoring the snapshots it took; returns the scenes put back.

    Restoring snapshots what a scene holds now first, so edits made after the replace are
    kept in the scene's history, not lost.
    """
    restored: list[str] = []
    for change in result.changes:
        try:
            restore_snapshot(session=session, snapshot_id=change.snapshot_id)
        except NotFoundError:
            continue  # the scene was emptied from the trash since: nothing to put back
        restored.append(change.scene_id)
    return restored
