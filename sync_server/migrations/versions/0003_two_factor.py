"""two-factor sign-in: the sealed TOTP secret, recovery codes and when it was turned on

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("totp_secret", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("totp_recovery", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users",
        sa.Column("totp_last_step", sa.BigInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Plain DROP COLUMN: a batch rebuild of users would cascade-delete its children on SQLite.
    for column in ("totp_last_step", "totp_enabled_at", "totp_recovery", "totp_secret"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
