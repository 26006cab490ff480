"""full-text search index of scenes, per-day writing history

Revision ID: 0003
Revises: 0002

``scene_search`` is an FTS5 table holding each scene's title, synopsis and text. Triggers on
``scenes`` keep it in step with every insert, update and delete, whoever writes (the desktop,
an import, sync), so the index can never drift from the prose. ``scene_search_keys`` gives each
scene a stable integer for the FTS rowid: the scenes table has a text primary key, whose
implicit rowid VACUUM may renumber. Trash is applied when querying, not here, so moving a scene
to the trash and back costs nothing. ``writing_days`` holds the words written per day and book.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEY = "(SELECT rowid FROM scene_search_keys WHERE scene_id = {ref}.id)"

_STATEMENTS = [
    "CREATE TABLE scene_search_keys ("
    " rowid INTEGER PRIMARY KEY, scene_id VARCHAR(36) NOT NULL UNIQUE)",
    # Tokens are runs of Unicode letters and digits (L* N*), as Python's [^\W_] sees words, so
    # a query splits as the text did. Folding case and diacritics makes the index looser than
    # any search: the exact match is always decided afterwards on the text itself.
    "CREATE VIRTUAL TABLE scene_search USING fts5(title, synopsis, text,"
    " tokenize = \"unicode61 remove_diacritics 2 categories 'L* N*'\")",
    "CREATE TRIGGER scene_search_ai AFTER INSERT ON scenes BEGIN"
    " INSERT INTO scene_search_keys(scene_id) VALUES (new.id);"
    f" INSERT INTO scene_search(rowid, title, synopsis, text)"
    f" VALUES ({_KEY.format(ref='new')}, new.title, new.synopsis, new.text);"
    " END",
    "CREATE TRIGGER scene_search_au AFTER UPDATE OF title, synopsis, text ON scenes BEGIN"
    f" DELETE FROM scene_search WHERE rowid = {_KEY.format(ref='old')};"
    f" INSERT INTO scene_search(rowid, title, synopsis, text)"
    f" VALUES ({_KEY.format(ref='new')}, new.title, new.synopsis, new.text);"
    " END",
    "CREATE TRIGGER scene_search_ad AFTER DELETE ON scenes BEGIN"
    f" DELETE FROM scene_search WHERE rowid = {_KEY.format(ref='old')};"
    " DELETE FROM scene_search_keys WHERE scene_id = old.id;"
    " END",
    # Back-fill what the library already holds.
    "INSERT INTO scene_search_keys(scene_id) SELECT id FROM scenes",
    "INSERT INTO scene_search(rowid, title, synopsis, text)"
    " SELECT k.rowid, s.title, s.synopsis, s.text"
    " FROM scenes s JOIN scene_search_keys k ON k.scene_id = s.id",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)
    op.create_table(
        "writing_days",
        sa.Column("day", sa.String(length=10), nullable=False),  # ISO date, local time
        sa.Column(
            "book_id",
            sa.String(length=36),
            sa.ForeignKey("books.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("words", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("removed", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("day", "book_id"),
    )
    op.create_index("ix_writing_days_book_id", "writing_days", ["book_id"])


def downgrade() -> None:
    op.drop_index("ix_writing_days_book_id", table_name="writing_days")
    op.drop_table("writing_days")
    for name in ("scene_search_ad", "scene_search_au", "scene_search_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS scene_search")
    op.execute("DROP TABLE IF EXISTS scene_search_keys")
