"""research notes: the binder's Research folder of each book, and their search index

Revision ID: 0005
Revises: 0004

``notes`` holds a book's research notes (title, Markdown-subset text, order, word count), with
the same id, timestamps and trash columns as scenes; they are never part of the manuscript.
``note_search`` indexes their title and text as ``scene_search`` (0003) does scenes, kept in
step by triggers whoever writes, with ``note_search_keys`` giving each note a stable FTS rowid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_KEY = "(SELECT rowid FROM note_search_keys WHERE note_id = {ref}.id)"

_SEARCH = [
    "CREATE TABLE note_search_keys ("
    " rowid INTEGER PRIMARY KEY, note_id VARCHAR(36) NOT NULL UNIQUE)",
    # The tokenizer of scene_search, so one query splits the same way over both.
    "CREATE VIRTUAL TABLE note_search USING fts5(title, text,"
    " tokenize = \"unicode61 remove_diacritics 2 categories 'L* N*'\")",
    "CREATE TRIGGER note_search_ai AFTER INSERT ON notes BEGIN"
    " INSERT INTO note_search_keys(note_id) VALUES (new.id);"
    f" INSERT INTO note_search(rowid, title, text) VALUES ({_KEY.format(ref='new')},"
    " new.title, new.text);"
    " END",
    "CREATE TRIGGER note_search_au AFTER UPDATE OF title, text ON notes BEGIN"
    f" DELETE FROM note_search WHERE rowid = {_KEY.format(ref='old')};"
    f" INSERT INTO note_search(rowid, title, text) VALUES ({_KEY.format(ref='new')},"
    " new.title, new.text);"
    " END",
    "CREATE TRIGGER note_search_ad AFTER DELETE ON notes BEGIN"
    f" DELETE FROM note_search WHERE rowid = {_KEY.format(ref='old')};"
    " DELETE FROM note_search_keys WHERE note_id = old.id;"
    " END",
]


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notes_book_ordinal", "notes", ["book_id", "ordinal"])
    # As on the synced tables (0004): ready for sync capture to ask what changed since when.
    op.create_index("ix_notes_updated_at", "notes", ["updated_at"])
    for statement in _SEARCH:
        op.execute(statement)


def downgrade() -> None:
    for name in ("note_search_ad", "note_search_au", "note_search_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS note_search")
    op.execute("DROP TABLE IF EXISTS note_search_keys")
    op.drop_index("ix_notes_updated_at", table_name="notes")
    op.drop_index("ix_notes_book_ordinal", table_name="notes")
    op.drop_table("notes")
