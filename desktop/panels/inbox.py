"""The inbox: a bell in the status bar with the count of unread notifications and pending
invitations, and a dialog to read them and accept or decline an invitation.

The count is fetched in the background after each sync (and when the dialog closes); an
accepted invitation starts a sync, which brings the book into the library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.resources import resource_path
from core.store.library import Library
from core.sync.status import a_role, status
from desktop.jobs.account_job import with_account
from desktop.jobs.background import Background

_INVITATION = int(Qt.ItemDataRole.UserRole) + 1


def _inbox(api: Any) -> dict[str, Any]:
    """The inbox and the pending invitations."""
    return {"inbox": api.notifications(), "invitations": api.invitations()}


class InboxDialog(QDialog):
    """Pending invitations (accept, decline) above the notifications (mark all read)."""

    joined = Signal(str)  # the id of a book just joined

    def __init__(
        self, library: Library, data: dict[str, Any], background: Background, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("InboxDialog")
        self.setWindowTitle("Inbox")
        self.setMinimumWidth(520)
        self.library = library
        self.background = background
        self.invitations = QListWidget()
        self.invitations.setObjectName("invitations")
        self.accept_button = QPushButton("&Accept")
        self.decline_button = QPushButton("&Decline")
        self.accept_button.clicked.connect(lambda: self._answer(accept=True))
        self.decline_button.clicked.connect(lambda: self._answer(accept=False))
        self.notifications = QListWidget()
        self.notifications.setObjectName("notifications")
        self.read_all = QPushButton("Mark all &read")
        self.read_all.clicked.connect(self._mark_all_read)
        self.message = QLabel()
        self.message.setWordWrap(True)
        answer = QHBoxLayout()
        answer.addStretch(1)
        answer.addWidget(self.decline_button)
        answer.addWidget(self.accept_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.read_all, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Invitations"))
        layout.addWidget(self.invitations)
        layout.addLayout(answer)
        layout.addWidget(QLabel("Notifications"))
        layout.addWidget(self.notifications, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.invitations.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.show_data(data)

    def show_data(self, data: dict[str, Any]) -> None:
        self.invitations.clear()
        for invitation in data["invitations"]:
            item = QListWidgetItem(
                f"“{invitation['book_title'] or 'Untitled'}” as {a_role(invitation['role'])}, "
                f"from {invitation['invited_by']['email']}"
            )
            item.setData(_INVITATION, invitation["id"])
            self.invitations.addItem(item)
        if not data["invitations"]:
            self.invitations.addItem("No pending invitations.")
        self.notifications.clear()
        for notice in data["inbox"]["items"]:
            mark = "" if notice["read"] else "• "
            self.notifications.addItem(f"{mark}{notice['message']}")
        if not data["inbox"]["items"]:
            self.notifications.addItem("Nothing yet.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.invitations.currentItem()
        chosen = item is not None and item.data(_INVITATION) is not None
        self.accept_button.setEnabled(chosen)
        self.decline_button.setEnabled(chosen)

    def _run(self, job: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        library = self.library

        def then_inbox(api: Any) -> tuple[Any, dict[str, Any]]:
            return job(api), _inbox(api)

        def finished(answer: tuple[Any, dict[str, Any]]) -> None:
            result, data = answer
            self.show_data(data)
            done(result)

        self.background.run(
            with_account(library, then_inbox),
            description="inbox",
            lane="inbox",
            on_done=finished,
            on_failed=self.message.setText,
        )

    def _answer(self, *, accept: bool) -> None:
        item = self.invitations.currentItem()
        invitation = item.data(_INVITATION) if item is not None else None
        if invitation is None:
            return
        if accept:
            self._run(
                lambda api: api.accept_invitation(invitation),
                self._joined,
            )
        else:
            self._run(
                lambda api: api.decline_invitation(invitation),
                lambda _r: self.message.setText("Declined."),
            )

    def _joined(self, book: dict[str, Any]) -> None:
        self.message.setText(f"You joined “{book['title']}”: it comes in with this sync.")
        self.joined.emit(book["id"])

    def _mark_all_read(self) -> None:
        self._run(lambda api: api.mark_read(), lambda _r: None)


class InboxButton(QToolButton):
    """A bell and a count, for the status bar; opens the inbox."""

    joined = Signal(str)
    count_changed = Signal(int)

    def __init__(
        self, library: Library, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inbox_button")
        self.library = library
        self.background = background
        self.data: dict[str, Any] = {"inbox": {"unread": 0, "items": []}, "invitations": []}
        self.count = 0
        self.dialog: InboxDialog | None = None
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icon = resource_path("icons", "bell.svg")
        self.setIcon(QIcon(str(icon)))
        self.setAccessibleName("Inbox")
        self.clicked.connect(self.open_inbox)
        self._show_count()
        self.setVisible(status(library).signed_in)

    def _show_count(self) -> None:
        self.setText(str(self.count) if self.count else "")
        self.setToolTip(
            f"{self.count} unread notification(s) and invitation(s)" if self.count else "Inbox"
        )

    def refresh(self) -> None:
        """Fetch the inbox again (in the background); quietly keeps the last one on failure."""
        library = self.library
        if not status(library).signed_in:
            self.setVisible(False)
            return
        self.setVisible(True)
        if self.background.lane_busy("inbox"):
            return
        self.background.run(
            with_account(library, _inbox), description="inbox", lane="inbox", on_done=self._take
        )

    def _take(self, data: dict[str, Any]) -> None:
        self.data = data
        # A pending invitation counts once: as itself, not also as its unread notice.
        notices = data["inbox"]["items"]
        invited = sum(1 for n in notices if n["kind"] == "invited" and not n["read"])
        count = int(data["inbox"]["unread"]) - invited + len(data["invitations"])
        if count != self.count:
            self.count = count
            self.count_changed.emit(count)
        self._show_count()
        if self.dialog is not None:
            self.dialog.show_data(data)

    def open_inbox(self) -> InboxDialog:
        if self.dialog is None:
            dialog = InboxDialog(self.library, self.data, self.background, self.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.joined.connect(self.joined)
            dialog.finished.connect(lambda _r: self._closed())
            self.dialog = dialog
        self.dialog.show()
        self.dialog.raise_()
        self.refresh()
        return self.dialog

    def _closed(self) -> None:
        self.dialog = None
        self.refresh()
