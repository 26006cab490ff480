"""sync client tables: sync_meta, sync_docs, sync_outbox

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(length=50), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_docs",
        sa.Column("doc_id", sa.String(length=36), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("ordinal", sa.Float(), nullable=True),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("materialised", sa.Boolean(), nullable=False),
        sa.Column("purged", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_sync_docs_book_id", "sync_docs", ["book_id"])
    op.create_index("ix_sync_docs_parent_id", "sync_docs", ["parent_id"])
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("op_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("doc_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("book_id", sa.String(length=36), nullable=False),
        sa.Column("update", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_outbox")
    op.drop_index("ix_sync_docs_parent_id", table_name="sync_docs")
    op.drop_index("ix_sync_docs_book_id", table_name="sync_docs")
    op.drop_table("sync_docs")
    op.drop_table("sync_meta")
