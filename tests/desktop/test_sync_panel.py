"""The sync panel: sign in (and create an account), sync now, offline, sign out."""

from __future__ import annotations

import httpx

from core.store.manuscript import add_chapter, add_scene, create_book
from core.sync.account import status
from desktop.panels.sync_panel import OFFLINE, SIGNED_OUT, SYNCED, SignInDialog, SyncPanel
from tests.sync_server.fixtures import sync_keyring, sync_live_server  # noqa: F401


def _write(library) -> None:
    with library.session() as s:
        book = create_book(session=s, title="Panel Book")
        add_scene(session=s, chapter=add_chapter(session=s, book=book), text="Some prose.")


def test_sign_in_sync_offline_and_sign_out(qtbot, aw_library, sync_live_server, sync_keyring):  # noqa: F811
    panel = SyncPanel(aw_library)
    qtbot.addWidget(panel)
    assert panel.state == SIGNED_OUT and not panel.sync_button.isEnabled()
    _write(aw_library)
    panel.sign_in(sync_live_server, "panel@example.org", "a long password", register=True)
    qtbot.waitUntil(
        lambda: panel.state == SYNCED and panel.detail.startswith("received"), timeout=20000
    )
    assert status(aw_library).pending == 0
    assert panel.label.text() == "Synced" and panel.account_button.text() == "Sign out"

    # Offline: the edit waits in the outbox and the indicator says so.
    panel._extra["http"] = lambda _url: httpx.Client(base_url="http://127.0.0.1:9", timeout=1)
    _write(aw_library)
    panel.sync_now()
    qtbot.waitUntil(lambda: panel.state == OFFLINE, timeout=20000)
    assert status(aw_library).pending > 0
    assert panel.label.text().startswith("Offline")

    panel._extra["http"] = lambda url: httpx.Client(base_url=url, timeout=10)
    panel.notify_edited()
    assert panel.debounce.isActive()
    panel.sync_now()
    qtbot.waitUntil(lambda: panel.state == SYNCED, timeout=20000)
    assert status(aw_library).pending == 0

    panel.sign_out()
    assert panel.state == SIGNED_OUT and not sync_keyring.store
    assert panel.account_button.text() == "Sign in…"


def test_wrong_password_shows_the_reason(qtbot, aw_library, sync_live_server, sync_keyring):  # noqa: F811
    panel = SyncPanel(aw_library)
    qtbot.addWidget(panel)
    panel.sign_in(sync_live_server, "nobody@example.org", "wrong password")
    qtbot.waitUntil(lambda: panel.state == "error", timeout=20000)
    assert "wrong email or password" in panel.label.text()
    assert panel.account_button.text() == "Sign in…"  # still signed out


def test_sign_in_dialog_fields(qtbot):
    dialog = SignInDialog(server="http://example.org:8000")
    qtbot.addWidget(dialog)
    assert dialog.server.text() == "http://example.org:8000"
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password


def test_an_account_with_two_factor_sign_in_is_asked_for_its_code(
    qtbot,
    aw_library,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    import pyotp

    from core.sync.api import SyncApi

    http = httpx.Client(base_url=sync_live_server, timeout=10)
    api = SyncApi(http)
    api.register("otp@example.org", "a long password")
    api.login("otp@example.org", "a long password")
    secret = api.two_factor_setup()["secret"]
    api.two_factor_enable(pyotp.TOTP(secret).now())

    panel = SyncPanel(aw_library)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.code_needed, timeout=20000):
        panel.sign_in(sync_live_server, "otp@example.org", "a long password")
    dialog = panel.code_dialog
    assert dialog is not None and dialog.otp.isVisibleTo(dialog)
    assert dialog.email.text() == "otp@example.org"  # what was typed is kept
    import time

    dialog.otp.setText(pyotp.TOTP(secret).at(time.time() + 30))  # enable used the current one
    dialog.accept()
    qtbot.waitUntil(lambda: panel.state == SYNCED, timeout=20000)
    assert status(aw_library).signed_in
