"""What a request is read against: the open book, its chapters, its codex, the other books.

Built once per request (or once per opening of the bar) from the library; the router and
the previews only read it, so both stay pure and fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.library import Library


@dataclass(frozen=True)
class BookRef:
    id: str
    title: str


@dataclass(frozen=True)
class RequestContext:
    """The book a request is about (unless it names another) and what is in it."""

    book: BookRef | None = None
    chapters: tuple[str, ...] = ()  # chapter titles in order (chapter 1 first)
    scenes: tuple[tuple[int, str], ...] = ()  # (chapter number, scene title) in order
    codex: tuple[str, ...] = ()  # codex names and aliases
    books: tuple[BookRef, ...] = ()  # every book in the library
    scene_id: str | None = None  # the scene open in the studio, if any
    output_dir: Path = field(default_factory=Path.cwd)  # where files the command writes go
    templates: tuple[str, ...] = ()  # cover template names
    server: str = ""  # the sync server this library signed in to, if any
    email: str = ""  # and as whom

    def title(self) -> str:
        return self.book.title if self.book else "the book"

    def chapter_title(self, number: int | None) -> str:
        if number is None:
            return ""
        if 1 <= number <= len(self.chapters):
            name = self.chapters[number - 1]
            default = f"Chapter {number}"
            if not name or name == default:
                return default
            # "Chapter Three: The Storm" says its number already.
            return (
                f"“{name}”"
                if name.casefold().startswith("chapter")
                else f"chapter {number}, “{name}”"
            )
        return f"chapter {number}"


def context_from_library(
    library: Library,
    *,
    book_ref: str | None = None,
    scene_id: str | None = None,
    output_dir: Path | None = None,
) -> RequestContext:
    """The context of ``book_ref`` (an id or the start of a title); without it, the book
    edited last — the one a writer means by "the book" on the command line."""
    from core.imaging.templates import template_names
    from core.store.codex import list_codex
    from core.store.manuscript import find_book, list_books, list_chapters, list_scenes
    from core.sync.status import status

    with library.session() as s:
        books = list_books(session=s)
        refs = tuple(BookRef(b.id, b.title) for b in books)
        if book_ref:
            book = find_book(session=s, ref=book_ref)
        elif books:
            book = max(books, key=lambda b: b.updated_at or b.created_at)
        else:
            book = None
        chapters: list[str] = []
        scenes: list[tuple[int, str]] = []
        codex: list[str] = []
        if book is not None:
            for n, chapter in enumerate(list_chapters(session=s, book_id=book.id), start=1):
                chapters.append(chapter.title or "")
                scenes += [
                    (n, sc.title or "") for sc in list_scenes(session=s, chapter_id=chapter.id)
                ]
            for entry in list_codex(session=s, book_id=book.id):
                codex.append(entry.name)
                codex += [a for a in (getattr(entry, "aliases", None) or []) if a]
    account = status(library)
    return RequestContext(
        server=account.server or "",
        email=account.email or "",
        book=BookRef(book.id, book.title) if book is not None else None,
        chapters=tuple(chapters),
        scenes=tuple(scenes),
        codex=tuple(dict.fromkeys(n for n in codex if n.strip())),
        books=refs,
        scene_id=scene_id,
        output_dir=output_dir or Path.cwd(),
        templates=tuple(template_names()),
    )


def context_from_path(
    path: Path | None, *, book_ref: str | None = None, output_dir: Path | None = None
) -> RequestContext | None:
    """:func:`context_from_library` read straight from the SQLite file, without the database
    layer: what lets ``authorworks do --dry-run`` answer in a fraction of a second. None when
    the file cannot be read so (missing, an older schema, a book reference to look up
    properly): the caller opens the library the usual way then."""
    import contextlib
    import json
    import sqlite3

    from core.imaging.templates import template_names
    from core.store.location import default_library_path, locate

    db_path, _assets = locate(path if path is not None else default_library_path())
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        books = conn.execute(
            "SELECT id, title, coalesce(updated_at, created_at) FROM books"
            " WHERE deleted_at IS NULL ORDER BY lower(title), id"
        ).fetchall()
        refs = tuple(BookRef(b[0], b[1] or "") for b in books)
        book = None
        if book_ref:
            ref = book_ref.strip().casefold()
            exact = [b for b in refs if b.id == book_ref or b.title.casefold() == ref]
            prefix = [b for b in refs if b.title.casefold().startswith(ref)]
            found = exact or prefix
            if len(found) != 1:
                return None  # an id prefix, an ambiguous title: find_book says it best
            book = found[0]
        elif books:
            latest = max(books, key=lambda b: str(b[2] or ""))
            book = BookRef(latest[0], latest[1] or "")
        account = dict(
            conn.execute("SELECT key, value FROM sync_meta WHERE key IN ('server', 'email')")
        )
        chapters: list[str] = []
        scenes: list[tuple[int, str]] = []
        codex: list[str] = []
        if book is not None:
            rows = conn.execute(
                "SELECT id, title FROM chapters WHERE book_id = ? AND deleted_at IS NULL"
                " ORDER BY ordinal",
                (book.id,),
            ).fetchall()
            for n, (chapter_id, title) in enumerate(rows, start=1):
                chapters.append(title or "")
                scenes += [
                    (n, s[0] or "")
                    for s in conn.execute(
                        "SELECT title FROM scenes WHERE chapter_id = ? AND deleted_at IS NULL"
                        " ORDER BY ordinal",
                        (chapter_id,),
                    )
                ]
            for table in ("characters", "locations", "lore_entries"):
                for name, aliases in conn.execute(
                    f"SELECT name, aliases FROM {table} WHERE book_id = ? AND deleted_at IS NULL"
                    " ORDER BY name",
                    (book.id,),
                ):
                    codex.append(name or "")
                    with contextlib.suppress(ValueError):
                        codex += [a for a in json.loads(aliases or "[]") if isinstance(a, str)]
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return RequestContext(
        book=book,
        chapters=tuple(chapters),
        scenes=tuple(scenes),
        codex=tuple(dict.fromkeys(n for n in codex if n.strip())),
        books=refs,
        output_dir=output_dir or Path.cwd(),
        templates=tuple(template_names()),
        server=str(account.get("server") or ""),
        email=str(account.get("email") or ""),
    )
