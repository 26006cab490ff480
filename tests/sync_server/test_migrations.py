"""The server's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sync_server.app import make_engine, migrate
from sync_server.models import Base


def test_migrations_match_the_models(sync_database_url):
    engine = make_engine(sync_database_url)
    try:
        migrate(engine)
        migrate(engine)  # a second start finds nothing to do
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            assert {"users", "changes", "documents", "blobs"} <= set(
                inspect(conn).get_table_names()
            )
    finally:
        engine.dispose()
