"""indexes for sync: updated_at of the synced tables, sync_docs' flags

Revision ID: 0004
Revises: 0003

Every sync capture asks each synced table for the rows touched since its watermark. Without
an index on ``updated_at`` SQLite scans the whole table, reading every scene's overflow pages
(the prose), on each capture; with it, a capture after a one-scene edit reads a few index
entries. Likewise every capture looks for live documents whose row is gone (``purged``), and
every pull for documents not yet written to the library (``materialised``): those flags sit
after the CRDT state in a ``sync_docs`` row, so without an index each lookup reads every
document's state.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The tables whose rows sync captures (core.sync.documents.MODELS).
_TABLES = ("books", "chapters", "scenes", "characters", "locations", "lore_entries")


def upgrade() -> None:
    for table in _TABLES:
        op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])
    op.create_index("ix_sync_docs_purged_doc_id", "sync_docs", ["purged", "doc_id"])
    op.create_index("ix_sync_docs_materialised", "sync_docs", ["materialised"])


def downgrade() -> None:
    op.drop_index("ix_sync_docs_materialised", table_name="sync_docs")
    op.drop_index("ix_sync_docs_purged_doc_id", table_name="sync_docs")
    for table in reversed(_TABLES):
        op.drop_index(f"ix_{table}_updated_at", table_name=table)
