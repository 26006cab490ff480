"""The sample book shipped with AuthorWorks, and seeding it into a new library.

The sample is a short novel kept as Markdown under ``resources/sample/`` with a ``codex.json``
beside it (characters, locations, lore, and chapter/scene synopses). It is added once, on the
first start of a fresh library, so that a new writer opens the app onto a real book rather
than an empty window. A marker file beside the database remembers that the library was
seeded, so a writer who deletes the sample never gets it back.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import AuthorWorksError
from core.importers import BookDraft, CodexDraft, read_manuscript
from core.importers.save import save_draft
from core.jobs import JobContext
from core.resources import resource_path
from core.store import Library, default_library_path, open_library
from core.store.manuscript import list_books

SAMPLE_DIR = resource_path("sample")
CODEX_FILE = "codex.json"
# Beside the database file, so that it travels with the library folder.
SEED_MARKER_SUFFIX = ".sample-added"

_log = logging.getLogger(__name__)


def _load_codex(sample_dir: Path) -> dict[str, Any]:
    path = sample_dir / CODEX_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthorWorksError(f"{path}: the sample codex is missing") from None
    except (OSError, ValueError) as exc:
        raise AuthorWorksError(f"{path}: the sample codex cannot be read ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("manuscript"), str):
        raise AuthorWorksError(f"{path}: the sample codex does not name its manuscript")
    return data


def _codex_entries(data: dict[str, Any]) -> list[CodexDraft]:
    entries: list[CodexDraft] = []
    for item in data.get("characters", []):
        entries.append(
            CodexDraft(
                kind="character",
                name=item["name"],
                aliases=list(item.get("aliases", [])),
                description=item.get("description", ""),
                fields={
                    "role": item.get("role", ""),
                    "background": item.get("background", ""),
                    "traits": list(item.get("traits", [])),
                },
            )
        )
    for item in data.get("locations", []):
        entries.append(
            CodexDraft(
                kind="location",
                name=item["name"],
                aliases=list(item.get("aliases", [])),
                description=item.get("description", ""),
            )
        )
    for item in data.get("lore", []):
        entries.append(
            CodexDraft(
                kind="lore",
                name=item["name"],
                aliases=list(item.get("aliases", [])),
                description=item.get("description", ""),
                fields={"category": item.get("category", "")},
            )
        )
    return entries


def _apply_synopses(draft: BookDraft, data: dict[str, Any], codex_path: Path) -> None:
    """Copy chapter and scene synopses (and scene titles) onto the draft, matched by position.

    The chapter titles must agree with the manuscript's, so that an edit to one file that
    forgets the other fails loudly in the tests instead of mislabelling chapters.
    """
    chapters = data.get("synopses", {}).get("chapters", [])
    if len(chapters) > len(draft.chapters):
        raise AuthorWorksError(
            f"{codex_path}: synopses for {len(chapters)} chapters, "
            f"but the manuscript has {len(draft.chapters)}"
        )
    for chapter, entry in zip(draft.chapters, chapters, strict=False):
        if entry.get("title", chapter.title) != chapter.title:
            raise AuthorWorksError(
                f"{codex_path}: synopsis for {entry.get('title')!r} does not match "
                f"the manuscript's chapter {chapter.title!r}"
            )
        chapter.synopsis = entry.get("synopsis", "")
        scenes = entry.get("scenes", [])
        if len(scenes) > len(chapter.scenes):
            raise AuthorWorksError(
                f"{codex_path}: {chapter.title!r} has {len(chapter.scenes)} scenes "
                f"but {len(scenes)} scene synopses"
            )
        for scene, item in zip(chapter.scenes, scenes, strict=False):
            # A scene entry is its synopsis, or {"title": ..., "synopsis": ...}.
            if isinstance(item, str):
                scene.synopsis = item
            else:
                scene.title = scene.title or item.get("title", "")
                scene.synopsis = item.get("synopsis", "")


def read_sample_draft(sample_dir: Path | None = None) -> BookDraft:
    """The sample book as a draft: manuscript, codex and synopses, nothing stored yet."""
    sample_dir = sample_dir or SAMPLE_DIR
    data = _load_codex(sample_dir)
    manuscript = sample_dir / data["manuscript"]
    draft = read_manuscript(manuscript)
    _apply_synopses(draft, data, sample_dir / CODEX_FILE)
    draft.codex = _codex_entries(data)
    draft.metadata["sample"] = True
    draft.metadata.setdefault("source", {"file": manuscript.name, "format": "md"})
    return draft


def add_sample_book(
    library: Library, *, sample_dir: Path | None = None, ctx: JobContext | None = None
) -> str:
    """Add the sample book with its codex and synopses in one transaction; returns its id."""
    ctx = ctx or JobContext()
    ctx.progress(0, 2, "Reading the sample book")
    draft = read_sample_draft(sample_dir)
    ctx.progress(1, 2, "Saving to the library")
    try:
        with library.session() as session:
            book = save_draft(session=session, draft=draft)
            ctx.check()
            book_id = book.id
    except (ValueError, TypeError) as exc:  # a codex field the models do not know
        where = sample_dir or SAMPLE_DIR
        raise AuthorWorksError(f"{where}: the sample is invalid ({exc})") from None
    ctx.progress(2, 2, "Added the sample book")
    return book_id


def seed_marker_path(library: Library) -> Path:
    """The file whose presence means this library has had its chance at the sample."""
    return library.db_path.with_name(library.db_path.name + SEED_MARKER_SUFFIX)


def _write_marker(path: Path, note: str) -> None:
    # Written to a temp file and moved into place: never a half-written marker.
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{datetime.now(UTC).isoformat()} {note}\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def seed_sample_if_new(library: Library) -> str | None:
    """Add the sample book to a library that is fresh; returns its id, or None if not seeded.

    A library is fresh when it has never been seeded and holds no books (not even in the
    trash). A library that already has books is marked as seeded without adding anything,
    so it will not get the sample later either, even if every book is deleted.
    """
    marker = seed_marker_path(library)
    if marker.exists():
        return None
    with library.session() as session:
        has_books = bool(list_books(session=session, include_trashed=True))
    if has_books:
        _write_marker(marker, "library already had books")
        return None
    book_id = add_sample_book(library)
    _write_marker(marker, f"sample book {book_id}")
    return book_id


def open_default_library(path: Path | str | None = None) -> Library:
    """Open the default library (or ``path``), adding the sample book on its first start.

    A failure to add the sample is logged and does not stop the library from opening:
    the writer's own books matter more than the sample, and the next start tries again.
    """
    library = open_library(Path(path) if path is not None else default_library_path())
    try:
        seed_sample_if_new(library)
    except (AuthorWorksError, OSError) as exc:
        _log.warning("could not add the sample book: %s", exc)
    return library
