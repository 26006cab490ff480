"""Finding published books: search with facets, trending, new, recommendations.

Only public books with a released chapter are ever listed (:data:`LISTED`): unlisted books
are reached by their link alone, private and unpublished ones are not in these tables at all.

Trending (written down in the README as well)::

    score = sum over the last 14 days d = 0..13 of 0.5^(d/2) * (R_d + 3 L_d + 5 F_d)
            / (1 + 0.5 * log10(1 + A))

R_d, L_d, F_d are the book's new readers of a chapter, likes and follows on day d (a reader
counts once per chapter: re-reading does not lift a book), A the followers its author
already has. Half-life two days; the divisor keeps an existing fanbase from deciding the list
alone. Of every four places on the trending list one is kept for a book whose author first
published less than 90 days ago.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, aliased

from sync_server.models import BookDay, ChapterReader, Follow, Publication, PublicationTag
from sync_server.services import search_index
from sync_server.services.books import utcnow
from sync_server.services.tags import normalise_tag, normalise_tags

HALF_LIFE_DAYS = 2.0
WINDOW_DAYS = 14
NEW_AUTHOR_DAYS = 90
NEW_AUTHOR_EVERY = 4  # one place in four
PER_PAGE = 20
SORTS = ("relevance", "trending", "new", "words")
# More words than any book has (and well inside every database's integers).
MAX_WORDS = 1_000_000_000


def listed() -> Any:
    return (Publication.visibility == "public") & (Publication.chapter_count > 0)


@dataclass
class Filters:
    q: str = ""
    genre: str = ""
    tags: list[str] = field(default_factory=list)  # every one of these
    exclude: list[str] = field(default_factory=list)  # none of these (with the blocklist)
    min_words: int | None = None
    max_words: int | None = None
    status: str = ""  # complete | ongoing | ""
    language: str = ""
    content_type: str = ""
    sort: str = "relevance"

    def normalised(self) -> Filters:
        return Filters(
            q=self.q.strip()[:200],
            genre=normalise_tag(self.genre) if self.genre else "",
            tags=normalise_tags(self.tags),
            exclude=normalise_tags(self.exclude),
            min_words=_words(self.min_words),
            max_words=_words(self.max_words),
            status=self.status if self.status in ("complete", "ongoing") else "",
            language=self.language.strip().lower()[:20],
            content_type=self.content_type.strip().lower()[:20],
            sort=self.sort if self.sort in SORTS else "relevance",
        )


def _words(value: int | None) -> int | None:
    return None if value is None else max(0, min(int(value), MAX_WORDS))


@dataclass
class SearchPage:
    results: list[Publication]
    page: int
    has_more: bool
    mended: dict[str, str] = field(default_factory=dict)  # misspelt word -> word searched


def _facets(filters: Filters, params: dict[str, Any]) -> list[str]:
    where = ["p.visibility = 'public'", "p.chapter_count > 0"]
    if filters.genre:
        where.append("p.genre = :genre")
        params["genre"] = filters.genre
    for i, tag in enumerate(filters.tags):
        where.append(
            f"EXISTS (SELECT 1 FROM publication_tags t WHERE t.book_id = p.book_id"
            f" AND t.tag = :inc{i})"
        )
        params[f"inc{i}"] = tag
    if filters.exclude:
        names = []
        for i, tag in enumerate(filters.exclude):
            names.append(f":exc{i}")
            params[f"exc{i}"] = tag
        where.append(
            "NOT EXISTS (SELECT 1 FROM publication_tags t WHERE t.book_id = p.book_id"
            f" AND t.tag IN ({', '.join(names)}))"
        )
    if filters.min_words is not None:
        where.append("p.words >= :min_words")
        params["min_words"] = filters.min_words
    if filters.max_words is not None:
        where.append("p.words <= :max_words")
        params["max_words"] = filters.max_words
    if filters.status:
        where.append("p.complete = :complete")
        params["complete"] = filters.status == "complete"
    if filters.language:
        where.append("p.language = :language")
        params["language"] = filters.language
    if filters.content_type:
        where.append("p.content_type = :content_type")
        params["content_type"] = filters.content_type
    return where


def search(
    session: Session, filters: Filters, *, page: int = 1, per_page: int = PER_PAGE
) -> SearchPage:
    """Listed books matching ``filters`` (a query, facets), best first."""
    filters = filters.normalised()
    page = max(1, min(page, 500))
    params: dict[str, Any] = {"limit": per_page + 1, "offset": (page - 1) * per_page}
    where = _facets(filters, params)
    words = search_index.query_words(filters.q)[:12]
    mended = search_index.mend(session, words)
    words = [mended.get(w, w) for w in words]
    order = {
        "trending": "p.trending DESC, p.book_id",
        "new": "p.updated_at DESC, p.book_id",
        "words": "p.words DESC, p.book_id",
    }.get(filters.sort, "p.trending DESC, p.book_id")
    if words:
        joined, rank = search_index.match_clause(session, words, params)
        if filters.sort == "relevance":
            order = f"{rank}, p.trending DESC, p.book_id"
        sql = (
            f"SELECT p.book_id FROM publications p {joined} AND {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
    else:
        sql = (
            f"SELECT p.book_id FROM publications p WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
    ids = [r[0] for r in session.execute(text(sql), params)]
    found = _publications(session, ids[:per_page])
    return SearchPage(found, page, len(ids) > per_page, mended)


def _publications(session: Session, ids: Sequence[str]) -> list[Publication]:
    if not ids:
        return []
    rows = {
        p.book_id: p
        for p in session.scalars(select(Publication).where(Publication.book_id.in_(ids)))
    }
    return [rows[i] for i in ids if i in rows]


def tags_of(publication: Publication) -> list[str]:
    return list(json.loads(publication.tags or "[]"))


# ---------------------------------------------------------------------------- lists


# The home page's lists change slowly (trending is worked out every few minutes): each worker
# keeps their ids this long, so a busy home page costs primary-key reads, not sorts of the
# whole catalogue. Publishing, likes and trending rounds in this worker forget them at once.
LIST_SECONDS = 30.0
_lists: dict[tuple[str, str], tuple[float, list[str]]] = {}
_lists_lock = threading.Lock()


def forget_lists() -> None:
    with _lists_lock:
        _lists.clear()


def _listing(
    session: Session, name: str, compute: Callable[[], list[str]], seconds: float = LIST_SECONDS
) -> list[str]:
    bind = session.get_bind()
    key = (str(bind.engine.url), name)
    now = time.monotonic()
    with _lists_lock:
        hit = _lists.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    ids = compute()
    with _lists_lock:
        _lists[key] = (now, ids)
    return ids


def _shelf(
    session: Session, name: str, ids: Callable[[], list[str]], exclude: Sequence[str], limit: int
) -> list[Publication]:
    """The listed books of a cached list, without the reader's blocked tags."""
    blocked = set(exclude)
    books = _publications(session, _listing(session, name, ids))
    return [b for b in books if b.chapter_count > 0 and not blocked & set(tags_of(b))][:limit]


def _blocked(query: Any, exclude: Sequence[str]) -> Any:
    if not exclude:
        return query
    blocked = select(PublicationTag.book_id).where(PublicationTag.tag.in_(list(exclude)))
    return query.where(Publication.book_id.not_in(blocked))


def _ids(query: Any, session: Session) -> list[str]:
    return list(session.scalars(query))


def new_books(
    session: Session, *, exclude: Sequence[str] = (), limit: int = 12
) -> list[Publication]:
    query = (
        select(Publication.book_id)
        .where(listed())
        .order_by(Publication.published_at.desc(), Publication.book_id)
        .limit(limit * 3)
    )
    return _shelf(session, f"new:{limit}", lambda: _ids(query, session), exclude, limit)


def most_liked(
    session: Session, *, exclude: Sequence[str] = (), limit: int = 12
) -> list[Publication]:
    query = (
        select(Publication.book_id)
        .where(listed(), Publication.likes > 0)
        .order_by(Publication.likes.desc(), Publication.book_id)
        .limit(limit * 3)
    )
    return _shelf(session, f"liked:{limit}", lambda: _ids(query, session), exclude, limit)


def trending(
    session: Session, *, exclude: Sequence[str] = (), limit: int = 12, now: datetime | None = None
) -> list[Publication]:
    """The trending list, with one place in four kept for a new author's book."""
    return _shelf(
        session,
        f"trending:{limit}",
        lambda: _trending_ids(session, limit * 3, now or utcnow()),
        exclude,
        limit,
    )


def _trending_ids(session: Session, limit: int, now: datetime) -> list[str]:
    by_score = (Publication.trending.desc(), Publication.book_id)
    ranked = _ids(
        select(Publication.book_id)
        .where(listed(), Publication.trending > 0)
        .order_by(*by_score)
        .limit(limit),
        session,
    )
    since = now - timedelta(days=NEW_AUTHOR_DAYS)
    # An author is new while nothing of theirs was published before ``since`` (one probe of
    # the (owner, published) index per trending book, best first, until enough are found).
    older = aliased(Publication)
    earlier = (
        select(older.book_id)
        .where(older.owner_id == Publication.owner_id, older.published_at < since)
        .exists()
    )
    newcomers = _ids(
        select(Publication.book_id)
        .where(listed(), Publication.trending > 0, ~earlier)
        .order_by(*by_score)
        .limit(limit),
        session,
    )
    out: list[str] = []
    taken: set[str] = set()

    def first(pool: list[str]) -> str | None:
        return next((b for b in pool if b not in taken), None)

    while len(out) < limit:
        kept_place = (len(out) + 1) % NEW_AUTHOR_EVERY == 0
        choice = (first(newcomers) if kept_place else None) or first(ranked) or first(newcomers)
        if choice is None:
            break
        taken.add(choice)
        out.append(choice)
    return out


def refresh_trending(session: Session, *, now: datetime | None = None) -> int:
    """Work the trending scores out again from the last 14 days; returns books scored."""
    now = now or utcnow()
    today = now.date()
    start = (today - timedelta(days=WINDOW_DAYS - 1)).isoformat()
    totals: dict[str, float] = defaultdict(float)
    for book_id, day, reads, likes, follows in session.execute(
        select(BookDay.book_id, BookDay.day, BookDay.reads, BookDay.likes, BookDay.follows).where(
            BookDay.day >= start
        )
    ):
        age = (today - datetime.fromisoformat(day).date()).days
        totals[book_id] += 0.5 ** (age / HALF_LIFE_DAYS) * (reads + 3 * likes + 5 * follows)
    owners = dict(
        session.execute(
            select(Publication.book_id, Publication.owner_id).where(
                Publication.book_id.in_(list(totals))
            )
        ).all()
    ) if totals else {}  # fmt: skip
    fans = dict(
        session.execute(
            select(Follow.target_id, func.count())
            .where(Follow.target_kind == "author", Follow.target_id.in_(set(owners.values())))
            .group_by(Follow.target_id)
        ).all()
    ) if owners else {}  # fmt: skip
    forget_lists()
    session.execute(
        update(Publication)
        .where(Publication.trending != 0, Publication.book_id.not_in(list(totals) or [""]))
        .values(trending=0.0)
    )
    for book_id, score in totals.items():
        owner = owners.get(book_id)
        if owner is None:
            continue
        value = score / (1 + 0.5 * math.log10(1 + fans.get(owner, 0)))
        session.execute(
            update(Publication).where(Publication.book_id == book_id).values(trending=value)
        )
    return len(totals)


def recommendations(
    session: Session, book_id: str, *, exclude: Sequence[str] = (), limit: int = 6
) -> list[Publication]:
    """Books for a reader of ``book_id``: what its readers read too, then the books most
    alike in what they are about (the search engine's TF-IDF over title, tags and blurb)."""
    readers = select(ChapterReader.reader).where(ChapterReader.book_id == book_id).distinct()
    also = session.execute(
        select(ChapterReader.book_id, func.count(func.distinct(ChapterReader.reader)).label("n"))
        .where(ChapterReader.reader.in_(readers), ChapterReader.book_id != book_id)
        .group_by(ChapterReader.book_id)
        .order_by(text("n DESC"))
        .limit(limit * 3)
    ).all()
    picked = [b for b, _n in also]
    book = session.get(Publication, book_id)
    if book is not None and len(picked) < limit * 3:
        words = [*tags_of(book), book.genre, *book.title.split(), *book.description.split()]
        words = [w for phrase in words for w in search_index.query_words(phrase)]
        picked += [
            b for b in search_index.similar(session, book_id, words, limit * 3) if b not in picked
        ]
    query = select(Publication).where(listed(), Publication.book_id.in_(picked))
    found = {p.book_id: p for p in session.scalars(_blocked(query, exclude))}
    return [found[b] for b in picked if b in found][:limit]


def by_author(session: Session, owner_id: str) -> list[Publication]:
    return list(
        session.scalars(
            select(Publication)
            .where(listed(), Publication.owner_id == owner_id)
            .order_by(Publication.published_at.desc())
        )
    )


def genres(session: Session) -> list[tuple[str, int]]:
    """The genres with most listed books (cached like the home page's lists)."""

    def count() -> list[str]:
        rows = session.execute(
            select(Publication.genre, func.count())
            .where(listed(), Publication.genre != "")
            .group_by(Publication.genre)
            .order_by(func.count().desc(), Publication.genre)
            .limit(30)
        )
        return [json.dumps([g, n]) for g, n in rows]

    # Counting every listed book by genre is the slowest list, and the slowest to change.
    rows = _listing(session, "genres", count, seconds=10 * LIST_SECONDS)
    return [(str(g), int(n)) for g, n in map(json.loads, rows)]
