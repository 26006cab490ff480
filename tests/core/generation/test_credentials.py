"""The API key lives in the environment or the OS keyring, and nowhere else."""

from __future__ import annotations

import pytest

from core.generation import credentials
from core.generation.errors import CredentialStoreError


def test_env_var_wins_over_keyring(memory_keyring, monkeypatch):
    credentials.set_api_key("sk-ant-stored")
    assert credentials.get_api_key() == "sk-ant-stored"
    assert credentials.key_source() == "keyring"
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    assert credentials.get_api_key() == "sk-ant-env"
    assert credentials.key_source() == "environment"


def test_set_stores_under_service_and_username_then_clear(memory_keyring):
    credentials.set_api_key("  sk-ant-abc  \n")
    assert memory_keyring.passwords == {("AuthorWorks", "anthropic"): "sk-ant-abc"}
    credentials.clear_api_key()
    assert memory_keyring.passwords == {}
    assert credentials.get_api_key() is None
    assert credentials.key_source() == "none"
    credentials.clear_api_key()  # clearing twice is fine


@pytest.mark.parametrize("bad", ["", "   ", "sk-ant abc"])
def test_bad_keys_are_refused(memory_keyring, bad):
    with pytest.raises(CredentialStoreError):
        credentials.set_api_key(bad)
    assert memory_keyring.passwords == {}


def test_null_keyring_that_drops_the_key_is_reported():
    # The test plugin selects the null backend, like a headless session without a keyring.
    with pytest.raises(CredentialStoreError, match="ANTHROPIC_API_KEY"):
        credentials.set_api_key("sk-ant-abc")
    assert credentials.get_api_key() is None
