"""Where a signed-in library keeps its refresh token: the OS keyring, else a private file.

Headless Linux, WSL and containers often have no keyring back end; ``keyring`` then raises
``NoKeyringError`` on the first write. Like the GitHub CLI, the token then goes to a file in
the user's config folder that only the user can read (mode 0600), with a one-line warning,
instead of a traceback after the server has already registered the device.

``AUTHORWORKS_TOKEN``, when set, is an access token used as it is (for scripts and CI): no
refresh token is read or stored, and when it expires the server says so.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Protocol

KEYRING_SERVICE = "AuthorWorks sync"
TOKEN_ENV = "AUTHORWORKS_TOKEN"
TOKEN_FILE_NAME = "sync-tokens.json"
log = logging.getLogger("authorworks.sync")


class TokenStore(Protocol):
    def get(self) -> str | None: ...
    def set(self, token: str) -> None: ...
    def clear(self) -> None: ...


class MemoryTokenStore:
    """A token store that forgets on exit (tests, one-off scripts)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token

    def get(self) -> str | None:
        return self.token

    def set(self, token: str) -> None:
        self.token = token

    def clear(self) -> None:
        self.token = None


def token_file_path() -> Path:
    """The fallback token file: ``sync-tokens.json`` in the AuthorWorks config folder."""
    from platformdirs import user_config_path

    return user_config_path("AuthorWorks", appauthor=False) / TOKEN_FILE_NAME


class FileTokenStore:
    """Refresh tokens in a JSON file readable by the user alone, one entry per account.

    Written to a temp file in the same folder and moved into place, so a crash never leaves
    half a file; the file is created with mode 0600 (on Windows the profile folder is the
    user's own already).
    """

    def __init__(self, username: str, path: Path | None = None) -> None:
        self.username = username
        self.path = path or token_file_path()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s is unreadable; signing in again replaces it", self.path)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            os.chmod(name, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entries, fh, indent=1, sort_keys=True)
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def get(self) -> str | None:
        return self._read().get(self.username)

    def set(self, token: str) -> None:
        entries = self._read()
        entries[self.username] = token
        self._write(entries)

    def clear(self) -> None:
        entries = self._read()
        if entries.pop(self.username, None) is not None:
            self._write(entries)


def _keyring_usable() -> bool:
    """False when keyring has no real back end (it would raise or silently drop tokens)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring install is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    with contextlib.suppress(ImportError):
        from keyring.backends import null

        if isinstance(backend, null.Keyring):
            return False
    return True


class KeyringTokenStore:
    """The refresh token in the OS keyring, one entry per server and account.

    Where the machine has no keyring back end, or the keyring refuses the token, the token
    goes to :class:`FileTokenStore` with one warning on stderr; reads look in both places, so
    a token stored either way is found.
    """

    def __init__(self, server_url: str, email: str) -> None:
        self.username = f"{server_url.rstrip('/')}|{email.casefold()}"
        self._file = FileTokenStore(self.username)
        self._warned = False

    def _fallback(self, reason: str) -> FileTokenStore:
        if not self._warned:
            self._warned = True
            print(
                f"warning: no usable system keyring ({reason}); the sign-in token is kept in "
                f"{self._file.path}, readable by you alone",
                file=sys.stderr,
            )
        return self._file

    def get(self) -> str | None:
        if _keyring_usable():
            import keyring
            from keyring.errors import KeyringError

            try:
                token = keyring.get_password(KEYRING_SERVICE, self.username)
            except KeyringError:
                token = None
            if token:
                return token
        return self._file.get()

    def set(self, token: str) -> None:
        if not _keyring_usable():
            self._fallback("no keyring back end").set(token)
            return
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, self.username, token)
        except KeyringError as exc:
            self._fallback(type(exc).__name__).set(token)
            return
        self._file.clear()  # a token from an earlier fallback is stale now

    def clear(self) -> None:
        if _keyring_usable():
            import keyring
            from keyring.errors import KeyringError

            # Nothing stored means already signed out.
            with contextlib.suppress(KeyringError):
                keyring.delete_password(KEYRING_SERVICE, self.username)
        self._file.clear()


def environment_access_token() -> str | None:
    """The access token of ``AUTHORWORKS_TOKEN``, if set."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None
