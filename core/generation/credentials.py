"""The Anthropic API key: from ``ANTHROPIC_API_KEY`` or the OS keyring, nowhere else.

The key is never written to the library, the preferences file or a log. The environment
variable wins over the keyring so that a shell or CI can override what the app stored.
"""

from __future__ import annotations

import os
from typing import Literal

from core.generation.errors import CredentialStoreError

SERVICE = "AuthorWorks"
USERNAME = "anthropic"
ENV_VAR = "ANTHROPIC_API_KEY"

KeySource = Literal["environment", "keyring", "none"]


def _keyring_get() -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, USERNAME)
    except (KeyringError, RuntimeError, OSError):
        # A locked or missing system keyring is the same, to the app, as no key stored.
        return None


def get_api_key() -> str | None:
    """The API key to use: ``ANTHROPIC_API_KEY`` first, then the OS keyring; None if neither."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    stored = _keyring_get()
    return stored.strip() if stored and stored.strip() else None


def key_source() -> KeySource:
    """Where :func:`get_api_key` finds the key (for the settings view; never the key itself)."""
    if os.environ.get(ENV_VAR, "").strip():
        return "environment"
    return "keyring" if _keyring_get() else "none"


def set_api_key(key: str) -> None:
    """Store ``key`` in the OS keyring; raise CredentialStoreError if the keyring cannot keep it."""
    import keyring
    from keyring.errors import KeyringError

    key = key.strip()
    if not key:
        raise CredentialStoreError("the API key is empty")
    if any(ch.isspace() for ch in key):
        raise CredentialStoreError("the API key contains spaces: paste it again")
    try:
        keyring.set_password(SERVICE, USERNAME, key)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise CredentialStoreError(
            f"the system keyring cannot store the API key ({type(exc).__name__}); "
            f"set {ENV_VAR} instead"
        ) from None
    # Some backends (the null keyring of a headless session) accept and silently drop it.
    if _keyring_get() != key:
        raise CredentialStoreError(
            f"no system keyring is available to keep the API key; set {ENV_VAR} instead"
        )


def clear_api_key() -> None:
    """Remove the stored key from the OS keyring (a missing key is not an error)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, USERNAME)
    except PasswordDeleteError:
        return
    except (KeyringError, RuntimeError, OSError) as exc:
        raise CredentialStoreError(
            f"the system keyring cannot delete the API key ({type(exc).__name__})"
        ) from None
