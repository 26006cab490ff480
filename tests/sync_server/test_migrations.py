"""The server's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sync_server.app import make_engine, migrate
from sync_server.models import Base
from sync_server.services.search_index import INDEX_OBJECTS


def _modelled(_object, name, kind, _reflected, _compare_to) -> bool:
    # The search index is the database's own (FTS5, tsvector, pg_trgm): not in the models.
    return name not in INDEX_OBJECTS


def test_migrations_match_the_models(sync_database_url):
    engine = make_engine(sync_database_url)
    try:
        migrate(engine)
        migrate(engine)  # a second start finds nothing to do
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _modelled})
            assert compare_metadata(context, Base.metadata) == []
            assert INDEX_OBJECTS & set(inspect(conn).get_table_names() + _indexes(conn))
            assert {"users", "changes", "documents", "blobs"} <= set(
                inspect(conn).get_table_names()
            )
    finally:
        engine.dispose()


def _indexes(conn) -> list[str]:
    return [i["name"] for i in inspect(conn).get_indexes("search_terms")]
