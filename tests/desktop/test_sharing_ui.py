"""Sharing in the studio, against the server on a loopback port: the Share dialog invites by
email and changes a role, the invitee's bell counts the invitation and accepts it, the shared
book shows its owner in the binder and opens read-only with a banner for a viewer, and
leaves the library when its owner removes the invitee."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from core.sample import add_sample_book
from core.store import open_library
from core.store.manuscript import list_books
from core.sync.account import sign_in, sync_library
from desktop.binder.model import NodeKind
from desktop.dialogs.share import ShareDialog
from desktop.panels.inbox import InboxButton
from desktop.window.main_window import MainWindow
from tests.sync_server.fixtures import sync_keyring, sync_live_server  # noqa: F401

PASSWORD = "a long password"


def _rows(dialog: ShareDialog) -> list[tuple[str, str]]:
    return [
        (dialog.people.topLevelItem(i).text(0), dialog.people.topLevelItem(i).text(1))
        for i in range(dialog.people.topLevelItemCount())
    ]


def _first_scene(window: MainWindow, book_id: str):
    book = next(b for b in window.binder_model.books if b.id == book_id)
    return book.children[0].children[0]


def test_share_accept_read_only_and_revoke_in_the_studio(
    qtbot,
    aw_library,
    tmp_path: Path,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    book_id = add_sample_book(aw_library)
    sign_in(
        aw_library,
        server_url=sync_live_server,
        email="ann@example.org",
        password=PASSWORD,
        register=True,
    )
    sync_library(aw_library)
    bob_library = open_library(tmp_path / "bob")
    sign_in(
        bob_library,
        server_url=sync_live_server,
        email="bob@example.org",
        password=PASSWORD,
        register=True,
    )

    # Ann invites Bob as a viewer from the Share dialog.
    dialog = ShareDialog(aw_library, book_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: _rows(dialog) == [("ann@example.org", "owner")], timeout=20000)
    assert dialog.invite_box.isEnabled() and not dialog.leave_button.isVisible()
    dialog.email.setText("bob@example.org")
    dialog.invite_role.setCurrentText("viewer")
    qtbot.mouseClick(dialog.invite_button, qtbot_button())
    qtbot.waitUntil(lambda: len(_rows(dialog)) == 2, timeout=20000)
    assert _rows(dialog)[1] == ("bob@example.org (invited)", "viewer")
    assert "no SMTP relay" in dialog.message.text()  # this server sends no email: the link
    assert dialog.link_row.isVisibleTo(dialog) and "/invite/" in dialog.link.text()
    dialog.show()
    dialog.grab().save(str(tmp_path / "share.png"))
    dialog.copy_link.click()
    assert QApplication.clipboard().text() == dialog.link.text()

    # Bob's bell counts the invitation; he accepts it from the inbox.
    bell = InboxButton(bob_library, dialog.background)
    qtbot.addWidget(bell)
    bell.refresh()
    qtbot.waitUntil(lambda: bell.count == 1, timeout=20000)
    assert bell.text() == "1" and not bell.icon().isNull()
    inbox = bell.open_inbox()
    qtbot.waitUntil(lambda: inbox.invitations.item(0).data(inbox_role()) is not None, timeout=20000)
    inbox.invitations.setCurrentRow(0)
    with qtbot.waitSignal(inbox.joined, timeout=20000) as joined:
        inbox.accept_button.click()
    assert joined.args == [book_id]
    sync_library(bob_library)
    with bob_library.session() as s:
        assert [b.id for b in list_books(session=s)] == [book_id]

    # In Bob's studio the book shows its owner and opens read-only, with a banner.
    settings = QSettings(str(tmp_path / "bob.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bob_library, settings=settings)
    qtbot.addWidget(window)
    window.show()
    book_row = window.binder_model.index_of(window.binder_model.books[0])
    assert book_row.data().endswith("— ann@example.org")
    scene = _first_scene(window, book_id)
    assert window.select(NodeKind.SCENE, scene.id)
    assert window.editor.isReadOnly()
    assert window.read_only_banner.isVisible()
    assert (
        "shared “" in window.read_only_banner.text()
        and "as a viewer" in window.read_only_banner.text()
    )
    window.grab().save(str(tmp_path / "read-only.png"))
    # Nor can the binder change it; the inspector is off too.
    errors: list[str] = []
    window.show_error = lambda title, _message: errors.append(title)  # type: ignore[method-assign]
    assert not window.binder_commands.add_scene("Sneaked in")
    assert errors == ["This book is read only"]
    assert not window.panels.widgets["inspector"].isEnabled()

    # Ann makes Bob an editor: after his next sync the editor takes his typing.
    dialog.refresh()
    qtbot.waitUntil(lambda: ("bob@example.org", "viewer") in _rows(dialog), timeout=20000)
    dialog.people.setCurrentItem(dialog.people.topLevelItem(1))
    dialog.role_box.setCurrentText("editor")
    dialog.set_role.click()
    qtbot.waitUntil(lambda: ("bob@example.org", "editor") in _rows(dialog), timeout=20000)
    sync_library(bob_library)
    window.refresh_standing()
    assert not window.editor.isReadOnly() and not window.read_only_banner.isVisible()

    # Ann gives Bob the book, then Bob gives it back (the dialog follows who owns it).
    dialog.people.setCurrentItem(dialog.people.topLevelItem(1))
    assert dialog.make_owner.isEnabled()
    dialog.make_owner.click()
    qtbot.waitUntil(lambda: ("bob@example.org", "owner") in _rows(dialog), timeout=20000)
    assert not dialog.invite_box.isEnabled()  # Ann is an editor of it now
    from core.sync.account import account_api
    from core.sync.sharing import transfer

    with account_api(bob_library) as api:
        transfer(bob_library, api, book_id, "ann@example.org")
    dialog.refresh()
    qtbot.waitUntil(lambda: ("ann@example.org", "owner") in _rows(dialog), timeout=20000)
    qtbot.waitUntil(lambda: dialog.invite_box.isEnabled(), timeout=20000)
    bob_row = next(
        i for i in range(2) if dialog.people.topLevelItem(i).text(0) == "bob@example.org"
    )

    # Ann removes Bob: at his next sync the book leaves his library.
    dialog.people.setCurrentItem(dialog.people.topLevelItem(bob_row))
    dialog.remove.click()
    qtbot.waitUntil(lambda: _rows(dialog) == [("ann@example.org", "owner")], timeout=20000)
    report = sync_library(bob_library)
    assert report.lost == [book_id]
    with bob_library.session() as s:
        assert list_books(session=s) == []
    window.close()
    bob_library.close()


def test_the_share_dialog_says_to_sign_in_first(qtbot, aw_library):
    book_id = add_sample_book(aw_library)
    dialog = ShareDialog(aw_library, book_id)
    qtbot.addWidget(dialog)
    assert "not signed in" in dialog.message.text()
    assert not dialog.invite_box.isEnabled()


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def inbox_role() -> int:
    from desktop.panels.inbox import _INVITATION

    return _INVITATION


def test_two_factor_sign_in_is_turned_on_and_off_in_the_studio(
    qtbot,
    aw_library,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    import pyotp

    from desktop.dialogs.two_factor import TwoFactorDialog

    sign_in(
        aw_library,
        server_url=sync_live_server,
        email="tf@example.org",
        password=PASSWORD,
        register=True,
    )
    dialog = TwoFactorDialog(aw_library)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.enabled is False, timeout=20000)
    dialog.setup_button.click()
    qtbot.waitUntil(lambda: bool(dialog.secret.text()), timeout=20000)
    assert not dialog.qr.pixmap().isNull() and dialog.qr.pixmap().width() > 100
    totp = pyotp.TOTP(dialog.secret.text())
    dialog.code.setText(totp.now())
    dialog.turn_on.click()
    qtbot.waitUntil(lambda: dialog.enabled is True, timeout=20000)
    codes = dialog.recovery.toPlainText().split()
    assert len(codes) == 10
    dialog.code.setText(codes[0])  # a recovery code turns it off too
    dialog.turn_off.click()
    qtbot.waitUntil(lambda: dialog.enabled is False, timeout=20000)
