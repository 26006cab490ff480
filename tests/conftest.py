"""Root conftest: the shared fixtures live in tests/fixtures/plugin.py."""
