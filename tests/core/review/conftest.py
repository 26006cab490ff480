"""Review fixtures: the keyring and server fixtures of the sync tests."""

from tests.sync_server.fixtures import sync_keyring  # noqa: F401
