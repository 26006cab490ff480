"""Writing statistics: words written per day, today's count, book and session targets.

The ``writing_days`` table (migration 0003) keeps one row per local calendar day and book:
the net words (``words``) and, apart, the words ``added`` and ``removed``. The editor reports
each change of a scene's word count with :func:`record_word_delta` (at autosave, with the
difference between the count it last saved and the new one). Imports, restores and
find/replace do not report, so the history counts writing, not bulk changes.

The book target is ``Book.word_target``; the session target is kept in the book's metadata
(``session_word_target``), as a writer usually has one daily habit per book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from core.domain import Book
from core.errors import AuthorWorksError, NotFoundError

SESSION_TARGET_KEY = "session_word_target"


@dataclass(frozen=True)
class DayWords:
    """Words written on one day: net, and the words added and removed that made it."""

    day: date
    words: int
    added: int
    removed: int


@dataclass(frozen=True)
class WritingTargets:
    book_words: int
    book_target: int  # 0: none set
    session_target: int  # 0: none set
    words_today: int

    @property
    def book_progress(self) -> float:
        """Fraction of the book target reached (0..1; 0 with no target)."""
        return min(1.0, self.book_words / self.book_target) if self.book_target > 0 else 0.0


def _day_of(when: date | datetime | None) -> date:
    if when is None:
        return date.today()
    if isinstance(when, datetime):
        # The writer's day is their local calendar day, wherever the timestamp came from.
        return when.astimezone().date() if when.tzinfo else when.date()
    return when


def record_word_delta(
    *, session: Session, book_id: str, delta: int, when: date | datetime | None = None
) -> None:
    """Add ``delta`` words (negative when words were deleted) to the book's day ``when``.

    ``when`` defaults to today (local time). A delta of zero records nothing.
    """
    if delta == 0:
        return
    day = _day_of(when).isoformat()
    session.execute(
        sql(
            "INSERT INTO writing_days(day, book_id, words, added, removed)"
            " VALUES (:day, :book, :delta, :added, :removed)"
            " ON CONFLICT(day, book_id) DO UPDATE SET words = words + excluded.words,"
            " added = added + excluded.added, removed = removed + excluded.removed"
        ),
        {
            "day": day,
            "book": book_id,
            "delta": delta,
            "added": max(delta, 0),
            "removed": max(-delta, 0),
        },
    )


def daily_history(
    *, session: Session, book_id: str | None = None, days: int = 30, today: date | None = None
) -> list[DayWords]:
    """The last ``days`` days up to ``today``, oldest first, days without writing as zeros.

    With ``book_id`` None the figures are summed over all books.
    """
    if days < 1:
        raise AuthorWorksError("a writing history needs at least one day")
    end = today or date.today()
    start = end - timedelta(days=days - 1)
    params: dict[str, str] = {"start": start.isoformat(), "end": end.isoformat()}
    where = "day BETWEEN :start AND :end"
    if book_id is not None:
        where += " AND book_id = :book"
        params["book"] = book_id
    rows = session.execute(
        sql(
            "SELECT day, SUM(words), SUM(added), SUM(removed) FROM writing_days"
            f" WHERE {where} GROUP BY day"
        ),
        params,
    )
    by_day = {row[0]: row for row in rows}
    history = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = by_day.get(day.isoformat())
        history.append(
            DayWords(day, int(row[1]), int(row[2]), int(row[3])) if row else DayWords(day, 0, 0, 0)
        )
    return history


def words_today(*, session: Session, book_id: str | None = None, today: date | None = None) -> int:
    """Net words written today (in one book, or all books)."""
    return daily_history(session=session, book_id=book_id, days=1, today=today)[0].words


def set_targets(
    *,
    session: Session,
    book_id: str,
    book_target: int | None = None,
    session_target: int | None = None,
) -> None:
    """Set the book's word target and/or its session target (0 clears one)."""
    book = _live_book(session, book_id)
    for value in (book_target, session_target):
        if value is not None and value < 0:
            raise AuthorWorksError(f"{book.title}: a word target cannot be negative")
    if book_target is not None:
        book.word_target = book_target
    if session_target is not None:
        # A new dict, so that SQLAlchemy sees the JSON column change.
        book.metadata_ = {**(book.metadata_ or {}), SESSION_TARGET_KEY: session_target}
    session.flush()


def writing_targets(*, session: Session, book_id: str, today: date | None = None) -> WritingTargets:
    """The book's words and targets, and the words written in it today."""
    book = _live_book(session, book_id)
    return WritingTargets(
        book_words=book.word_count,
        book_target=book.word_target or 0,
        session_target=int((book.metadata_ or {}).get(SESSION_TARGET_KEY, 0) or 0),
        words_today=words_today(session=session, book_id=book_id, today=today),
    )


def _live_book(session: Session, book_id: str) -> Book:
    book = session.get(Book, book_id)
    if book is None or book.deleted_at is not None:
        raise NotFoundError(f"no book with id {book_id}")
    return book


@dataclass
class WritingSession:
    """Words written since the app (or the panel) started: the book's count then and now."""

    book_id: str
    start_words: int
    started_at: datetime

    def words_written(self, current_words: int) -> int:
        return current_words - self.start_words

    def progress(self, current_words: int, target: int) -> float:
        """Fraction of ``target`` written this session (0..1; 0 with no target)."""
        if target <= 0:
            return 0.0
        return max(0.0, min(1.0, self.words_written(current_words) / target))
