"""Migration 0002 moves a server made by the per-account schema (0001) into books with
nothing lost: every change, in order, every document, device, token and applied op."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pycrdt
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from sync_server.app import MIGRATIONS_DIR, make_engine, migrate


def _upgrade(engine: Engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _book_update(title: str) -> bytes:
    doc = pycrdt.Doc()
    doc.get("fields", type=pycrdt.Map)["title"] = json.dumps(title)
    return doc.get_update()


def _text_update(words: str) -> bytes:
    doc = pycrdt.Doc()
    doc["text"] = pycrdt.Text(words)
    return doc.get_update()


def _fill_old_schema(engine: Engine) -> dict[str, list[bytes]]:
    """Two accounts as 0001 kept them; one library was signed in to both (book "b1")."""
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    feeds = {
        # (user, seq) -> (doc, kind, book, data)
        "u1": [
            ("b1", "book", "b1", _book_update("Gannet Rock")),
            ("s1", "scene", "b1", _text_update("one")),
            ("s2", "scene", "b2", _text_update("two")),
            ("s1", "scene", "b1", _text_update("three")),
            ("b2", "book", "b2", _book_update("Second Book")),
        ],
        "u2": [
            ("b1", "book", "b1", _book_update("Gannet Rock (u2)")),
            ("s1", "scene", "b1", _text_update("u2 text")),
        ],
    }
    with engine.begin() as conn:
        for n, user in enumerate(("u1", "u2")):
            conn.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, created_at, last_seq, "
                    "feed_floor, storage_used) VALUES (:id, :e, 'x', :t, :s, 0, 0)"
                ),
                {"id": user, "e": f"{user}@example.org", "t": t0, "s": len(feeds[user])},
            )
            conn.execute(
                text(
                    "INSERT INTO devices (id, user_id, name, created_at, last_seen_at) "
                    "VALUES (:id, :u, 'laptop', :t, :t)"
                ),
                {"id": f"d{n}", "u": user, "t": t0},
            )
            conn.execute(
                text(
                    "INSERT INTO refresh_tokens (id, user_id, device_id, family_id, token_hash, "
                    "created_at, expires_at) VALUES (:id, :u, :d, 'f', :h, :t, :x)"
                ),
                {
                    "id": f"r{n}",
                    "u": user,
                    "d": f"d{n}",
                    "h": f"hash{n}",
                    "t": t0,
                    "x": t0 + timedelta(days=60),
                },
            )
            conn.execute(
                text("INSERT INTO applied_ops (user_id, op_id, applied_at) VALUES (:u, :o, :t)"),
                {"u": user, "o": f"op-{user}", "t": t0},
            )
            counts: dict[tuple[str, str, str], int] = {}
            for seq, (doc, kind, book, data) in enumerate(feeds[user], start=1):
                conn.execute(
                    text(
                        "INSERT INTO changes (user_id, seq, doc_id, kind, book_id, device_id, "
                        "data, created_at) VALUES (:u, :s, :doc, :k, :b, :d, :data, :t)"
                    ),
                    {
                        "u": user,
                        "s": seq * 10,  # gaps, as compaction leaves them
                        "doc": doc,
                        "k": kind,
                        "b": book,
                        "d": f"d{n}",
                        "data": data,
                        "t": t0 + timedelta(minutes=seq + 100 * n),
                    },
                )
                counts[(doc, kind, book)] = counts.get((doc, kind, book), 0) + 1
            for (doc, kind, book), count in counts.items():
                conn.execute(
                    text(
                        "INSERT INTO documents (user_id, id, kind, book_id, update_count, "
                        "updated_at) VALUES (:u, :id, :k, :b, :c, :t)"
                    ),
                    {"u": user, "id": doc, "k": kind, "b": book, "c": count, "t": t0},
                )
    return {u: [f[3] for f in feed] for u, feed in feeds.items()}


def test_an_old_server_moves_into_books_with_nothing_lost(sync_database_url):
    engine = make_engine(sync_database_url)
    try:
        _upgrade(engine, "0001")
        data = _fill_old_schema(engine)
        migrate(engine)
        with engine.connect() as conn:
            books = {
                r.id: (r.owner_id, r.title, r.last_seq)
                for r in conn.execute(text("SELECT id, owner_id, title, last_seq FROM books"))
            }
            # u1 pushed b1 first: it keeps the id; u2's copy is kept whole under a new one.
            assert books["b1"] == ("u1", "Gannet Rock", 3)
            assert books["b2"] == ("u1", "Second Book", 2)
            (copy,) = [b for b in books if b not in ("b1", "b2")]
            assert books[copy] == ("u2", "Gannet Rock (u2)", 2)
            members = set(conn.execute(text("SELECT book_id, user_id, role FROM book_members")))
            assert members == {("b1", "u1", "owner"), ("b2", "u1", "owner"), (copy, "u2", "owner")}

            def feed(book: str) -> list[tuple[int, str, bytes]]:
                rows = conn.execute(
                    text("SELECT seq, doc_id, data FROM changes WHERE book_id = :b ORDER BY seq"),
                    {"b": book},
                )
                return [(int(r.seq), r.doc_id, bytes(r.data)) for r in rows]

            u1, u2 = data["u1"], data["u2"]
            assert feed("b1") == [(1, "b1", u1[0]), (2, "s1", u1[1]), (3, "s1", u1[3])]
            assert feed("b2") == [(1, "s2", u1[2]), (2, "b2", u1[4])]
            assert feed(copy) == [(1, "b1", u2[0]), (2, "s1", u2[1])]
            authors = set(conn.execute(text("SELECT book_id, author_id FROM changes")))
            assert authors == {("b1", "u1"), ("b2", "u1"), (copy, "u2")}
            documents = set(
                conn.execute(text("SELECT book_id, id, kind, update_count FROM documents"))
            )
            assert documents == {
                ("b1", "b1", "book", 1),
                ("b1", "s1", "scene", 2),
                ("b2", "s2", "scene", 1),
                ("b2", "b2", "book", 1),
                (copy, "b1", "book", 1),
                (copy, "s1", "scene", 1),
            }
            # Nothing of the accounts went (no cascade through a rebuilt users table).
            for table, count in (("devices", 2), ("refresh_tokens", 2), ("applied_ops", 2)):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == count
            columns = {c["name"] for c in inspect(conn).get_columns("users")}
            assert "last_seq" not in columns and "feed_floor" not in columns
    finally:
        engine.dispose()
