"""Book › Share…: who has access to a book, invite by email, change a role, remove, leave.

Everything talks to the sync server in the background (a slow or absent server never freezes
the studio); the dialog shows what the server answered, and why when it refused. Only the
owner shares: for anyone else the list is read-only and the dialog offers to leave the book.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.store.library import Library
from core.sync.status import a_role, status
from desktop.jobs.account_job import with_account
from desktop.jobs.background import Background

ROLES = ("editor", "commenter", "viewer")
# The kind of row, and what it names (a user id or an invitation id).
_KIND = int(Qt.ItemDataRole.UserRole) + 1
_ID = int(Qt.ItemDataRole.UserRole) + 2


class ShareDialog(QDialog):
    """Members, pending invitations and an invitation form for one book."""

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShareDialog")
        self.library = library
        self.book_id = book_id
        self.background = Background(self)
        self.data: dict[str, Any] = {}
        self.setWindowTitle("Share")
        self.setMinimumWidth(560)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("share_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.people = QTreeWidget()
        self.people.setHeaderLabels(["Person", "Role", "Access ends"])
        self.people.setRootIsDecorated(False)
        self.people.setColumnWidth(0, 260)
        self.people.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.role_box = QComboBox()
        self.role_box.addItems(ROLES)
        self.set_role = QPushButton("Set &role")
        self.set_role.clicked.connect(self.change_role)
        self.remove = QPushButton("&Remove")
        self.remove.clicked.connect(self.remove_selected)
        self.make_owner = QPushButton("Make &Owner")
        self.make_owner.setToolTip("Give the book to this member; you stay on as an editor")
        self.make_owner.clicked.connect(self.transfer_selected)
        people_buttons = QHBoxLayout()
        people_buttons.addWidget(self.role_box)
        people_buttons.addWidget(self.set_role)
        people_buttons.addStretch(1)
        people_buttons.addWidget(self.make_owner)
        people_buttons.addWidget(self.remove)

        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.org")
        self.email.returnPressed.connect(self.invite)
        self.invite_role = QComboBox()
        self.invite_role.addItems(ROLES)
        self.expires = QSpinBox()
        self.expires.setRange(0, 3650)
        self.expires.setSuffix(" days")
        self.expires.setSpecialValueText("No end")
        self.expires.setToolTip("When the access ends; No end keeps it until you remove it")
        self.invite_button = QPushButton("&Invite")
        self.invite_button.setDefault(True)
        self.invite_button.clicked.connect(self.invite)
        self.link = QLineEdit()
        self.link.setReadOnly(True)
        self.copy_link = QPushButton("&Copy link")
        self.copy_link.clicked.connect(self._copy_link)
        self.link_row = QWidget()
        link_layout = QHBoxLayout(self.link_row)
        link_layout.setContentsMargins(0, 0, 0, 0)
        link_layout.addWidget(QLabel("Invitation link:"))
        link_layout.addWidget(self.link, 1)
        link_layout.addWidget(self.copy_link)
        self.link_row.hide()

        self.invite_box = QGroupBox("Invite by email")
        invite_layout = QVBoxLayout(self.invite_box)
        form = QHBoxLayout()
        form.addWidget(self.email, 1)
        form.addWidget(self.invite_role)
        form.addWidget(self.expires)
        form.addWidget(self.invite_button)
        invite_layout.addLayout(form)
        invite_layout.addWidget(self.link_row)

        self.leave_button = QPushButton("&Leave this book")
        self.leave_button.clicked.connect(self.leave)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.leave_button, QDialogButtonBox.ButtonRole.ResetRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(QLabel("People with access"))
        layout.addWidget(self.people, 1)
        layout.addLayout(people_buttons)
        layout.addWidget(self.invite_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._set_busy(False)
        self.refresh()

    # ------------------------------------------------------------------ state

    @property
    def is_owner(self) -> bool:
        return bool(self.data) and self.data["book"].get("role") == "owner"

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        owner, busy = self.is_owner, self._busy
        item = self.people.currentItem()
        kind = item.data(0, _KIND) if item is not None else None
        self.invite_box.setEnabled(owner and not busy)
        self.role_box.setEnabled(owner and kind == "member" and not busy)
        self.set_role.setEnabled(owner and kind == "member" and not busy)
        self.remove.setEnabled(owner and kind in ("member", "invitation") and not busy)
        self.remove.setText("&Cancel invitation" if kind == "invitation" else "&Remove")
        self.make_owner.setEnabled(owner and kind == "member" and not busy)
        self.leave_button.setVisible(bool(self.data) and not owner)
        self.leave_button.setEnabled(not busy)
        if kind == "member" and item is not None:
            self.role_box.setCurrentText(item.text(1))

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _said(self, text: str) -> None:
        """Say what was done, and show the list as it now is."""
        self._say(text)
        self.refresh()

    def _run(self, job: Callable[[Any, Any], Any], done: Callable[[Any], None]) -> None:
        """``job(api, sharing)`` on a worker thread, then ``done(result)`` here."""
        library = self.library
        if not status(library).signed_in:
            self._say(
                "This library is not signed in to a sync server: sign in from the status "
                "bar (Sign in…), then share."
            )
            return
        self._set_busy(True)

        def work(api: Any) -> Any:
            from core.sync import sharing  # at first use, on the worker thread

            return job(api, sharing)

        def failed(message: str) -> None:
            self._set_busy(False)
            self._say(message)

        self.background.run(
            with_account(library, work),
            description="sharing",
            lane="share",
            on_done=lambda result: self._done(done, result),
            on_failed=failed,
            on_cancelled=lambda: self._set_busy(False),
        )

    def _done(self, then: Callable[[Any], None], result: Any) -> None:
        self._set_busy(False)
        then(result)

    # ------------------------------------------------------------------ actions

    def refresh(self) -> None:
        library, book_id = self.library, self.book_id
        self._run(lambda api, sharing: sharing.members(library, api, book_id), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        book = data["book"]
        self.setWindowTitle(f"Share “{book['title']}”")
        if book.get("role") == "owner":
            self.heading.setText(f"“{book['title']}” is yours: you decide who can reach it.")
        else:
            owner = next((m["email"] for m in data["members"] if m["role"] == "owner"), "")
            self.heading.setText(
                f"“{book['title']}” belongs to {owner}; you are {a_role(book.get('role') or '')}. "
                "Only its owner shares it."
            )
        self.people.clear()
        for member in data["members"]:
            ends = str(member.get("expires_at") or "")[:10] or "—"
            item = QTreeWidgetItem([member["email"], member["role"], ends])
            item.setData(0, _KIND, "member" if member["role"] != "owner" else "owner")
            item.setData(0, _ID, member["user_id"])
            self.people.addTopLevelItem(item)
        for invitation in data["invitations"]:
            ends = str(invitation.get("access_expires_at") or "")[:10] or "—"
            item = QTreeWidgetItem([f"{invitation['email']} (invited)", invitation["role"], ends])
            item.setData(0, _KIND, "invitation")
            item.setData(0, _ID, invitation["id"])
            item.setToolTip(
                0,
                "Invitation email sent" if invitation.get("email_sent") else "No email went out",
            )
            self.people.addTopLevelItem(item)
        self._update_buttons()

    def invite(self) -> None:
        email = self.email.text().strip()
        if "@" not in email or " " in email:
            self._say("Type the email address of the person to invite.")
            return
        role = self.invite_role.currentText()
        days = self.expires.value() or None
        library, book_id = self.library, self.book_id

        def done(invitation: dict[str, Any]) -> None:
            self.email.clear()
            self.link.setText(invitation["link"])
            self.link_row.show()
            problem = invitation.get("email_problem")
            self._say(
                f"Invited {invitation['email']} as {a_role(role)}. "
                + (
                    f"{problem[:1].upper()}{problem[1:]}: copy the link and send it yourself."
                    if problem
                    else "An email with the link is on its way."
                )
            )
            self.refresh()

        self._run(
            lambda api, sharing: sharing.share(
                library, api, book_id, email, role=role, expires_days=days
            ),
            done,
        )

    def change_role(self) -> None:
        item = self.people.currentItem()
        if item is None or item.data(0, _KIND) != "member":
            return
        user_id, role, book_id = item.data(0, _ID), self.role_box.currentText(), self.book_id
        self._run(
            lambda api, _s: api.change_member(book_id, user_id, role=role),
            lambda member: self._said(f"{member['email']} is now {a_role(role)}."),
        )

    def remove_selected(self) -> None:
        item = self.people.currentItem()
        if item is None:
            return
        kind, target, book_id = item.data(0, _KIND), item.data(0, _ID), self.book_id
        who = item.text(0).removesuffix(" (invited)")
        if kind == "member":
            self._run(
                lambda api, _s: api.remove_member(book_id, target),
                lambda _r: self._said(f"{who} no longer has access."),
            )
        elif kind == "invitation":
            self._run(
                lambda api, _s: api.cancel_invitation(book_id, target),
                lambda _r: self._said(f"The invitation of {who} was cancelled."),
            )

    def transfer_selected(self) -> None:
        item = self.people.currentItem()
        if item is None or item.data(0, _KIND) != "member":
            return
        user_id, book_id, who = item.data(0, _ID), self.book_id, item.text(0)
        self._run(
            lambda api, _s: api.transfer(book_id, user_id),
            lambda _r: self._said(f"{who} owns the book now; you stay on as an editor."),
        )

    def leave(self) -> None:
        book_id = self.book_id

        def done(_result: Any) -> None:
            self._say("You left the book: it leaves this library at the next sync.")
            self.data = {}
            self.people.clear()
            self._update_buttons()

        self._run(lambda api, _s: api.leave(book_id), done)

    def _copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.link.text())
        self._say("The invitation link is on the clipboard.")

    def done(self, result: int) -> None:
        self.background.close(3000)
        super().done(result)
