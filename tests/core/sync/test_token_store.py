"""Signing in on a machine without an OS keyring: a private token file, never a traceback."""

from __future__ import annotations

import stat

import httpx
import keyring
import pytest
from keyring.backends import fail

from core.cli import main
from core.importers import import_manuscript
from core.store import open_library
from core.sync.account import sign_in
from core.sync.errors import SyncAuthError
from core.sync.token_store import TOKEN_ENV, KeyringTokenStore, token_file_path
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT


@pytest.fixture
def no_keyring():
    """The keyring back end of a headless machine: every write raises NoKeyringError."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _devices(server: str, email: str) -> list[dict]:
    with httpx.Client(base_url=server) as http:
        token = http.post(
            "/api/v1/auth/login", json={"email": email, "password": "a long password"}
        ).json()["access_token"]
        return http.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"}).json()


def test_login_without_a_keyring_keeps_the_token_in_a_private_file(
    tmp_path, sync_live_server, no_keyring, monkeypatch, capsys
):
    lib = tmp_path / "lib"
    with open_library(lib) as library:
        import_manuscript(library, SAMPLE_MANUSCRIPT, title="Gannet Rock")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    email = "headless@example.org"
    login = ["--library", str(lib), "login", "--server", sync_live_server, "--email", email]
    assert main([*login, "--register"]) == 0
    captured = capsys.readouterr()
    assert "Signed in to" in captured.out
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "no usable system keyring" in warnings[0]
    assert "Traceback" not in captured.err

    path = token_file_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyringTokenStore(sync_live_server, email).get()

    assert main(["--library", str(lib), "sync"]) == 0  # the token from the file works
    assert "Synced: sent" in capsys.readouterr().out
    assert main(["--library", str(lib), "logout"]) == 0
    assert KeyringTokenStore(sync_live_server, email).get() is None


def test_a_store_that_fails_leaves_no_orphan_device(tmp_path, sync_live_server, no_keyring):
    email = "diskfull@example.org"

    class FullDisk:
        def get(self) -> str | None:
            return None

        def set(self, token: str) -> None:
            raise OSError(28, "No space left on device")

        def clear(self) -> None:
            pass

    with open_library(tmp_path / "lib") as library, pytest.raises(SyncAuthError) as err:
        sign_in(
            library,
            server_url=sync_live_server,
            email=email,
            password="a long password",
            register=True,
            tokens=lambda _server, _email: FullDisk(),
        )
    assert "could not keep the sign-in token" in str(err.value)
    devices = _devices(sync_live_server, email)
    # The failed sign-in's device is revoked; only the one this check signed in is live.
    assert [d["revoked"] for d in devices if not d["current"]] == [True]


def test_an_access_token_from_the_environment_is_used_as_is(
    tmp_path, sync_live_server, no_keyring, monkeypatch, capsys
):
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    lib = str(tmp_path / "lib")
    email = "ci@example.org"
    assert main(["--library", lib, "login", "--server", sync_live_server, "--email", email,
                 "--register"]) == 0  # fmt: skip
    KeyringTokenStore(sync_live_server, email).clear()  # nothing stored: only the env token
    with httpx.Client(base_url=sync_live_server) as http:
        token = http.post(
            "/api/v1/auth/login", json={"email": email, "password": "a long password"}
        ).json()["access_token"]
    monkeypatch.setenv(TOKEN_ENV, token)
    capsys.readouterr()
    assert main(["--library", lib, "sync"]) == 0
    assert "Synced" in capsys.readouterr().out
    monkeypatch.setenv(TOKEN_ENV, "not-a-token")
    assert main(["--library", lib, "sync"]) == 1
    assert TOKEN_ENV in capsys.readouterr().err
