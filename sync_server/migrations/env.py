"""Alembic environment of the server database; the app hands over the connection."""

from __future__ import annotations

from alembic import context

from sync_server.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - migrations run when the server starts
    raise RuntimeError("server migrations run when the server starts")

context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Several workers start at once: one migrates, the others wait and find it done.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4157243)")
    context.run_migrations()
