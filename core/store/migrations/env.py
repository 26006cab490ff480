"""Alembic environment: migrations always run on a connection that the library hands over."""

from __future__ import annotations

from alembic import context

from core.domain import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("AuthorWorks migrations run when a library is opened, not from the CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
