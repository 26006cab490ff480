"""Sync fixtures: the real server app on SQLite and PostgreSQL (tests/sync_server/fixtures.py)."""

from tests.sync_server.fixtures import (  # noqa: F401
    sharing_app,
    sharing_client,
    smtp_sink,
    sync_app,
    sync_client,
    sync_database_url,
    sync_keyring,
    sync_live_server,
    sync_settings,
    sync_user,
    sync_user_factory,
)
