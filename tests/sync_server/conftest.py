"""Fixtures of the server tests (shared with tests/core/sync through fixtures.py)."""

from tests.sync_server.fixtures import (  # noqa: F401
    sharing_app,
    sharing_client,
    smtp_sink,
    sync_app,
    sync_client,
    sync_database_url,
    sync_keyring,
    sync_live_server,
    sync_media_settings,
    sync_s3_endpoint,
    sync_settings,
    sync_user,
    sync_user_factory,
)
