"""books: the feed, documents and changes are keyed by book; members, invitations, activity
and notifications

Revision ID: 0002
Revises: 0001

An existing server's data moves into the new shape with nothing lost: each (account, book)
of the old feed becomes a book owned by that account, its changes keep their order and are
numbered again from 1 in the book's own feed (clients start each book's cursor again from 0,
and merging an update twice changes nothing). A book id found under two accounts (one
library signed in to both) stays with the account that pushed it first; the other account's
copy is kept whole under a new id derived from both.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from sync_server.services.books import title_from_updates

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLLISION_NAMESPACE = uuid.UUID("7c0f9a52-29a4-4bb5-9c0e-5d0a3f1f3a10")


def _create_new_tables() -> None:
    op.create_table(
        "books",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("feed_floor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_books_owner_id"), "books", ["owner_id"], unique=False)
    op.create_table(
        "book_members",
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("granted_by", sa.String(length=36), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("book_id", "user_id"),
    )
    op.create_index(op.f("ix_book_members_user_id"), "book_members", ["user_id"], unique=False)
    op.create_table(
        "documents_v2",
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("update_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("book_id", "id"),
    )
    op.create_table(
        "changes_v2",
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("doc_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("book_id", "seq"),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("email_sent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_invitations_book_id"), "invitations", ["book_id"], unique=False)
    op.create_index(op.f("ix_invitations_email"), "invitations", ["email"], unique=False)
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("subject_email", sa.String(length=320), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_book_id_id", "activity", ["book_id", "id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("book_id", sa.String(length=36), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notifications_user_read", "notifications", ["user_id", "read_at"], unique=False
    )
    op.create_table(
        "notification_mutes",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )


def _book_map(conn: sa.Connection) -> list[tuple[str, str, str, datetime]]:
    """(user id, old book id, new book id, first seen) of every book of the old feed."""
    pairs = conn.execute(
        sa.text(
            """
            SELECT user_id, book_id, MIN(created_at) AS first FROM (
                SELECT user_id, book_id, created_at FROM changes
                UNION ALL
                SELECT user_id, book_id, updated_at FROM documents
            ) rows GROUP BY user_id, book_id ORDER BY MIN(created_at), user_id
            """
        )
    ).all()
    taken: set[str] = set()
    mapped = []
    for user_id, book_id, first in pairs:
        new = book_id
        if book_id in taken:
            new = str(uuid.uuid5(_COLLISION_NAMESPACE, f"{user_id}/{book_id}"))
        taken.add(new)
        if isinstance(first, str):  # SQLite hands back text
            first = datetime.fromisoformat(first)
        mapped.append((user_id, book_id, new, first or datetime.now(UTC)))
    return mapped


def upgrade() -> None:
    conn = op.get_bind()
    _create_new_tables()
    mapping = _book_map(conn)
    op.create_table(
        "book_map_v2",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("book_id", sa.String(36), nullable=False),
        sa.Column("new_id", sa.String(36), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    book_map = sa.table(
        "book_map_v2",
        sa.column("user_id"),
        sa.column("book_id"),
        sa.column("new_id"),
        sa.column("first_seen"),
    )
    if mapping:
        op.bulk_insert(
            book_map,
            [{"user_id": u, "book_id": b, "new_id": n, "first_seen": f} for u, b, n, f in mapping],
        )
    conn.execute(
        sa.text(
            """
            INSERT INTO books (id, owner_id, title, visibility, last_seq, feed_floor, created_at)
            SELECT new_id, user_id, '', 'private', 0, 0, first_seen FROM book_map_v2
            """
        )
    )
    conn.execute(
        sa.text(
            """
            INSERT INTO book_members (book_id, user_id, role, granted_by, expires_at, created_at)
            SELECT new_id, user_id, 'owner', NULL, NULL, first_seen FROM book_map_v2
            """
        )
    )
    # The feed of each book keeps its order, numbered again from 1.
    conn.execute(
        sa.text(
            """
            INSERT INTO changes_v2
                (book_id, seq, doc_id, kind, author_id, device_id, data, created_at)
            SELECT m.new_id, ROW_NUMBER() OVER (PARTITION BY m.new_id ORDER BY c.seq),
                   c.doc_id, c.kind, c.user_id, c.device_id, c.data, c.created_at
            FROM changes c JOIN book_map_v2 m ON m.user_id = c.user_id AND m.book_id = c.book_id
            """
        )
    )
    conn.execute(
        sa.text(
            """
            INSERT INTO documents_v2 (book_id, id, kind, update_count, updated_at)
            SELECT m.new_id, d.id, d.kind, d.update_count, d.updated_at
            FROM documents d JOIN book_map_v2 m ON m.user_id = d.user_id AND m.book_id = d.book_id
            """
        )
    )
    conn.execute(
        sa.text(
            """
            UPDATE books SET last_seq = COALESCE(
                (SELECT MAX(c.seq) FROM changes_v2 c WHERE c.book_id = books.id), 0)
            """
        )
    )
    for (book_id,) in conn.execute(sa.text("SELECT id FROM books")).all():
        updates = conn.execute(
            sa.text(
                "SELECT data FROM changes_v2 WHERE book_id = :b AND kind = 'book' ORDER BY seq"
            ),
            {"b": book_id},
        ).scalars()
        try:
            title = title_from_updates([bytes(u) for u in updates])
        except Exception:  # a bad row leaves the title empty; the next push fills it
            title = ""
        if title:
            conn.execute(
                sa.text("UPDATE books SET title = :t WHERE id = :b"), {"t": title, "b": book_id}
            )
    op.drop_table("book_map_v2")
    op.drop_index("ix_changes_user_doc", table_name="changes")
    op.drop_table("changes")
    op.drop_table("documents")
    op.rename_table("changes_v2", "changes")
    op.rename_table("documents_v2", "documents")
    op.create_index("ix_changes_book_doc", "changes", ["book_id", "doc_id"], unique=False)
    # The feed position moved to the books. Plain DROP COLUMN (SQLite 3.35 and later): a
    # batch rebuild of users would drop the table with its foreign keys on, which deletes
    # every device, token and blob of every account through ON DELETE CASCADE.
    op.execute("ALTER TABLE users DROP COLUMN last_seq")
    op.execute("ALTER TABLE users DROP COLUMN feed_floor")


def downgrade() -> None:
    raise NotImplementedError(
        "0002 cannot be undone: a book shared by several members has no place in the "
        "per-account schema of 0001. Restore the backup taken before upgrading instead."
    )
