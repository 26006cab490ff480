"""Words written per day, targets and the writing session."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.errors import AuthorWorksError
from core.store.manuscript import create_book
from core.store.writing_stats import (
    WritingSession,
    daily_history,
    record_word_delta,
    set_targets,
    words_today,
    writing_targets,
)

DAY = date(2026, 3, 10)


def test_deltas_add_up_per_day_and_book(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Stats")
        other = create_book(session=s, title="Other")
        record_word_delta(session=s, book_id=book.id, delta=120, when=DAY)
        record_word_delta(session=s, book_id=book.id, delta=-20, when=DAY)
        record_word_delta(session=s, book_id=book.id, delta=0, when=DAY)
        record_word_delta(session=s, book_id=book.id, delta=50, when=date(2026, 3, 8))
        record_word_delta(session=s, book_id=other.id, delta=7, when=DAY)
    with aw_library.session() as s:
        history = daily_history(session=s, book_id=book.id, days=4, today=DAY)
        assert [(d.day.day, d.words, d.added, d.removed) for d in history] == [
            (7, 0, 0, 0),
            (8, 50, 50, 0),
            (9, 0, 0, 0),
            (10, 100, 120, 20),
        ]
        assert words_today(session=s, book_id=book.id, today=DAY) == 100
        assert words_today(session=s, today=DAY) == 107
        with pytest.raises(AuthorWorksError):
            daily_history(session=s, days=0)


def test_datetime_when_counts_on_the_local_day(aw_library):
    moment = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    with aw_library.session() as s:
        book = create_book(session=s, title="Stats")
        record_word_delta(session=s, book_id=book.id, delta=5, when=moment)
        local_day = moment.astimezone().date()
        assert words_today(session=s, book_id=book.id, today=local_day) == 5


def test_targets(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Stats")
        set_targets(session=s, book_id=book.id, book_target=80000, session_target=500)
        record_word_delta(session=s, book_id=book.id, delta=42)
    with aw_library.session() as s:
        targets = writing_targets(session=s, book_id=book.id)
        assert (targets.book_target, targets.session_target, targets.words_today) == (
            80000,
            500,
            42,
        )
        assert targets.book_progress == 0.0  # no words in the book's scenes yet
        with pytest.raises(AuthorWorksError, match="cannot be negative"):
            set_targets(session=s, book_id=book.id, book_target=-1)


def test_writing_session_progress():
    session = WritingSession("b", start_words=1000, started_at=datetime.now(UTC))
    assert session.words_written(1250) == 250
    assert session.progress(1250, 500) == 0.5
    assert session.progress(2000, 500) == 1.0
    assert session.progress(900, 500) == 0.0
    assert session.progress(1250, 0) == 0.0
