"""Full-text search of the published books, in the database's own engine.

SQLite (the embedded default): an FTS5 table, Porter-stemmed, accents folded, ranked by
BM25 with weights for title > author > tags > blurb > text. PostgreSQL: a tsvector per book
(weights A title and author, B tags, C blurb, D text) in a GIN index, ranked by
``ts_rank_cd``. A query word no book has is mended to the nearest word the books do have
(``search_terms``: pg_trgm similarity on PostgreSQL, rapidfuzz over words of about the same
length on SQLite), so a misspelt word still finds.

These objects are the database's, not the models': :data:`INDEX_OBJECTS` names them for the
schema comparison, and the migration creates them with :func:`create_index_objects`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

FTS = "publication_fts"
PG_TABLE = "publication_search"
# Created by the migration beside the models' tables (FTS5 adds its shadow tables).
INDEX_OBJECTS = frozenset(
    {FTS, PG_TABLE, "ix_publication_search_document", "ix_search_terms_trgm"}
    | {f"{FTS}_{part}" for part in ("data", "idx", "content", "docsize", "config")}
)
# How much of a book's text goes into its index entry: enough to find a book by what
# happens in it, without an index row the size of the novel.
BODY_CHARS = 60_000
TERM_RE = re.compile(r"[^\W\d_]{3,40}", re.UNICODE)
QUERY_WORD_RE = re.compile(r"[\w'-]+", re.UNICODE)


def create_index_objects(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(book_id UNINDEXED, title,"
            " author, tags, blurb, body, tokenize='porter unicode61 remove_diacritics 2')"
        )
    elif conn.dialect.name == "postgresql":
        # pg_trgm lives in public: its operators are named with the schema, so a database
        # reached with another search_path still finds them.
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        conn.exec_driver_sql(
            f"CREATE TABLE {PG_TABLE} (book_id varchar(36) PRIMARY KEY REFERENCES"
            " publications(book_id) ON DELETE CASCADE, document tsvector NOT NULL)"
        )
        conn.exec_driver_sql(
            f"CREATE INDEX ix_publication_search_document ON {PG_TABLE} USING gin (document)"
        )
        conn.exec_driver_sql(
            "CREATE INDEX ix_search_terms_trgm ON search_terms USING gin (term public.gin_trgm_ops)"
        )


def drop_index_objects(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PG_TABLE}")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_search_terms_trgm")


def fold(word: str) -> str:
    """Lower case without accents: how words are compared and stored as terms."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms_of(*texts: str) -> set[str]:
    return {fold(w) for t in texts for w in TERM_RE.findall(t)}


@dataclass(frozen=True)
class Entry:
    """What a book is found by."""

    book_id: str
    title: str
    author: str
    tags: Sequence[str]
    blurb: str
    body: str


def put(session: Session, entry: Entry) -> None:
    """Index ``entry`` (replacing what the book had), and remember its words for mending."""
    body = entry.body[:BODY_CHARS]
    tags = " ".join(entry.tags)
    values = {
        "id": entry.book_id,
        "title": entry.title,
        "author": entry.author,
        "tags": tags,
        "blurb": entry.blurb,
        "body": body,
    }
    if _dialect(session) == "postgresql":
        session.execute(
            text(
                f"INSERT INTO {PG_TABLE} (book_id, document) VALUES (:id,"
                " setweight(to_tsvector('english', :title), 'A')"
                " || setweight(to_tsvector('english', :author), 'A')"
                " || setweight(to_tsvector('english', :tags), 'B')"
                " || setweight(to_tsvector('english', :blurb), 'C')"
                " || setweight(to_tsvector('english', :body), 'D'))"
                " ON CONFLICT (book_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            values,
        )
    else:
        session.execute(text(f"DELETE FROM {FTS} WHERE book_id = :id"), {"id": entry.book_id})
        session.execute(
            text(
                f"INSERT INTO {FTS} (book_id, title, author, tags, blurb, body)"
                " VALUES (:id, :title, :author, :tags, :blurb, :body)"
            ),
            values,
        )
    add_terms(session, terms_of(entry.title, entry.author, tags, entry.blurb, body))


def add_terms(session: Session, terms: Iterable[str]) -> None:
    rows = [{"t": t} for t in sorted(terms) if len(t) <= 64]
    if not rows:
        return
    conflict = (
        "ON CONFLICT (term) DO NOTHING"
        if _dialect(session) == "postgresql"
        else "ON CONFLICT DO NOTHING"
    )
    session.execute(text(f"INSERT INTO search_terms (term) VALUES (:t) {conflict}"), rows)


def remove(session: Session, book_id: str) -> None:
    table = PG_TABLE if _dialect(session) == "postgresql" else FTS
    session.execute(text(f"DELETE FROM {table} WHERE book_id = :id"), {"id": book_id})


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# ---------------------------------------------------------------------------- querying


def query_words(query: str) -> list[str]:
    return [fold(w).strip("'-") for w in QUERY_WORD_RE.findall(query) if w.strip("'-")]


def mend(session: Session, words: list[str]) -> dict[str, str]:
    """For each word no book has, the nearest word one has (word -> mended); none if far."""
    if not words:
        return {}
    known = {
        t
        for (t,) in session.execute(
            text("SELECT term FROM search_terms WHERE term IN :w").bindparams(_expanding("w")),
            {"w": words},
        )
    }
    mended: dict[str, str] = {}
    for word in words:
        if word in known or len(word) < 4 or not word.isalpha():
            continue
        best = _nearest(session, word)
        if best and best != word:
            mended[word] = best
    return mended


def _expanding(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def _nearest(session: Session, word: str) -> str | None:
    if _dialect(session) == "postgresql":
        row = session.execute(
            text(
                "SELECT term FROM search_terms WHERE term OPERATOR(public.%) :w"
                " ORDER BY public.similarity(term, :w) DESC, term LIMIT 1"
            ),
            {"w": word},
        ).first()
        return row[0] if row else None
    from rapidfuzz import fuzz, process

    # Typos keep the length within two and, nearly always, the first letter.
    candidates = [
        t
        for (t,) in session.execute(
            text(
                "SELECT term FROM search_terms WHERE term >= :lo AND term < :hi"
                " AND length(term) BETWEEN :short AND :long"
            ),
            {"lo": word[0], "hi": chr(ord(word[0]) + 1), "short": len(word) - 2,
             "long": len(word) + 2},
        )
    ]  # fmt: skip
    found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=72)
    return found[0] if found else None


def match_clause(session: Session, words: list[str], params: dict[str, Any]) -> tuple[str, str]:
    """(the FROM/JOIN and WHERE to find ``words``, the rank expression, lower is better)."""
    if _dialect(session) == "postgresql":
        params["tsq"] = " & ".join(
            f"{w.replace(chr(39), '')}:*" if i == len(words) - 1 else w.replace("'", "")
            for i, w in enumerate(words)
        )
        return (
            f"JOIN {PG_TABLE} s ON s.book_id = p.book_id"
            " CROSS JOIN to_tsquery('english', :tsq) AS q WHERE s.document @@ q",
            "-ts_rank_cd(s.document, q, 1)",
        )
    # FTS5: each word a quoted string (nothing in it is syntax), the last one a prefix.
    params["fts"] = " ".join(
        f'"{w.replace(chr(34), "")}"' + ("*" if i == len(words) - 1 else "")
        for i, w in enumerate(words)
    )
    return (
        f"JOIN {FTS} f ON f.book_id = p.book_id WHERE {FTS} MATCH :fts",
        f"bm25({FTS}, 0, 10.0, 8.0, 5.0, 3.0, 1.0)",
    )


# Words too common in blurbs to say what a book is like.
_COMMON_WORDS = """
the and for with that this from into their they them there what when where which while who
whom will would could should have has had been being about after before over under one two
three all any each every more most some such only own same than too very can just not but
are was were his her hers him she you your our its out off upon book story novel chapter new
"""
_COMMON = frozenset(_COMMON_WORDS.split())


def similar(session: Session, book_id: str, words: Sequence[str], limit: int) -> list[str]:
    """Books most like ``words`` (the book's title, tags and blurb), ranked by the engine's
    own TF-IDF weighting (BM25 on SQLite, ts_rank on PostgreSQL); ``book_id`` left out."""
    picked: list[str] = []
    for word in words:
        w = fold(word)
        if len(w) >= 3 and w.isalpha() and w not in _COMMON and w not in picked:
            picked.append(w)
    picked = picked[:16]
    if not picked:
        return []
    params: dict[str, Any] = {"id": book_id, "limit": limit}
    if _dialect(session) == "postgresql":
        params["tsq"] = " | ".join(picked)
        sql = (
            f"SELECT s.book_id FROM {PG_TABLE} s CROSS JOIN to_tsquery('english', :tsq) AS q"
            " JOIN publications p ON p.book_id = s.book_id"
            " WHERE s.document @@ q AND s.book_id <> :id AND p.visibility = 'public'"
            " AND p.chapter_count > 0 ORDER BY ts_rank_cd(s.document, q, 1) DESC LIMIT :limit"
        )
    else:
        params["fts"] = " OR ".join(f'"{w}"' for w in picked)
        sql = (
            f"SELECT f.book_id FROM {FTS} f JOIN publications p ON p.book_id = f.book_id"
            f" WHERE {FTS} MATCH :fts AND f.book_id <> :id AND p.visibility = 'public'"
            f" AND p.chapter_count > 0 ORDER BY bm25({FTS}, 0, 4.0, 1.0, 6.0, 3.0, 0.5)"
            " LIMIT :limit"
        )
    return [r[0] for r in session.execute(text(sql), params)]
