"""The sync status indicator, Sync now, and the sign-in dialog.

:class:`SyncPanel` shows one of: signed out, synced, syncing, offline, error (with the reason).
It syncs in the background (a core job on the thread pool) when asked, a few seconds after
the last edit (``notify_edited`` restarts a debounce timer) and on a timer. Edits made while
offline wait in the library's outbox and go out with the next successful sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from core.jobs import JobContext
from core.store.library import Library
from core.sync.errors import SyncOfflineError
from core.sync.status import status
from desktop.jobs.background import Background
from desktop.jobs.runner import JobRunner

if TYPE_CHECKING:
    from core.sync.account import HttpFactory, TokenStoreFactory


def _account() -> Any:
    """core.sync.account, loaded at the first sync or sign-in (on the worker thread that runs
    it): the HTTP client and the sync engine it brings cost ~0.15 s to import, which the
    studio's start-up need not pay to show "Synced" or "Sync: signed out"."""
    from core.sync import account

    return account


SIGNED_OUT, SYNCED, SYNCING, OFFLINE, ERROR = "signed out", "synced", "syncing", "offline", "error"
DEBOUNCE_MS = 3000
PERIOD_MS = 5 * 60 * 1000


class SignInDialog(QDialog):
    """Server, email, password and "create an account"; the panel does the signing in."""

    def __init__(self, parent: QWidget | None = None, *, server: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to sync")
        self.server = QLineEdit(server or "http://127.0.0.1:8000")
        self.email = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.register = QCheckBox("Create a new account")
        # Shown when the account asks for it (two-factor sign-in).
        self.otp = QLineEdit()
        self.otp.setPlaceholderText("6 digits from your authenticator app, or a recovery code")
        self.otp_label = QLabel("Code")
        form = QFormLayout(self)
        form.addRow("Server", self.server)
        form.addRow("Email", self.email)
        form.addRow("Password", self.password)
        form.addRow(self.otp_label, self.otp)
        form.addRow("", self.register)
        self.ask_for_code(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def ask_for_code(self, ask: bool) -> None:
        self.otp.setVisible(ask)
        self.otp_label.setVisible(ask)
        if ask:
            self.register.setChecked(False)
            self.otp.setFocus()


class SyncPanel(QWidget):
    """Status line with Sync now and Sign in / Sign out, for the main window's status bar."""

    state_changed = Signal(str, str)  # state, detail
    code_needed = Signal()  # the account signs in with a code too (two-factor)
    changes_arrived = Signal()  # a sync wrote other devices' changes to the library

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        http: HttpFactory | None = None,
        tokens: TokenStoreFactory | None = None,
        background: Background | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._extra: dict[str, Any] = {"http": http} if http is not None else {}
        if tokens is not None:
            self._extra["tokens"] = tokens
        self.background = background or Background(self)
        self.state = SIGNED_OUT
        self.detail = ""
        self._runner: JobRunner | None = None
        self._again = False
        self._last_sign_in: tuple[str, str, str] | None = None
        self.code_dialog: SignInDialog | None = None
        # A book someone stops sharing with this account: kept as a private copy (True) or
        # taken out of the library (the default).
        self.keep_lost_books = False
        self.label = QLabel()
        self.sync_button = QPushButton("Sync now")
        self.account_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.sync_button)
        layout.addWidget(self.account_button)
        self.sync_button.clicked.connect(self.sync_now)
        self.account_button.clicked.connect(self._account_clicked)
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.sync_now)
        self.periodic = QTimer(self, interval=PERIOD_MS)
        self.periodic.timeout.connect(self.sync_now)
        current = status(library)
        self._set_state(SYNCED if current.signed_in else SIGNED_OUT, current.last_sync)
        if current.signed_in:
            self.periodic.start()

    # ------------------------------------------------------------------ state

    def _set_state(self, state: str, detail: str = "") -> None:
        self.state, self.detail = state, detail
        text = {
            SIGNED_OUT: "Sync: signed out",
            SYNCED: "Synced",
            SYNCING: "Syncing…",
            OFFLINE: "Offline: changes will be sent when the server is back",
            ERROR: f"Sync error: {detail}",
        }[state]
        self.label.setText(text)
        self.label.setToolTip(detail)
        signed_in = state != SIGNED_OUT and status(self.library).signed_in
        self.sync_button.setEnabled(signed_in and state != SYNCING)
        self.account_button.setText("Sign out" if signed_in else "Sign in…")
        self.state_changed.emit(state, detail)

    def _run(self, job: Callable[[JobContext], Any], on_done: Callable[[Any], None]) -> None:
        self._runner = self.background.run(
            job,
            description="sync",
            on_done=on_done,
            on_failed=lambda message: self._finish(ERROR, message),
            on_error=self._on_error,
            on_cancelled=lambda: self._finish(ERROR, "cancelled"),
        )

    def _on_error(self, exc: BaseException) -> None:
        # An account with two-factor sign-in: ask for its code, keeping what was typed.
        if getattr(exc, "code", "") == "otp_required" and self._last_sign_in is not None:
            self._runner = None
            self._set_state(SIGNED_OUT)
            self.code_needed.emit()
            server, email, password = self._last_sign_in
            self.code_dialog = self._open_sign_in(server, email, password, ask_code=True)

    def _finish(self, state: str, detail: str) -> None:
        self._runner = None
        self._set_state(state, detail)
        if self._again and state != SIGNED_OUT:
            self._again = False
            self.sync_now()

    # ------------------------------------------------------------------ actions

    def notify_edited(self) -> None:
        """Call after each saved edit: a sync follows once the writer pauses."""
        if self.state != SIGNED_OUT:
            self.debounce.start()

    def sync_now(self) -> None:
        if self.state == SIGNED_OUT:
            return
        if self._runner is not None:
            self._again = True  # one more round after this one, for edits made meanwhile
            return
        library, extra = self.library, self._extra
        keep = self.keep_lost_books

        def job(ctx: JobContext) -> tuple[str, str, int]:
            try:
                report = _account().sync_library(
                    library, ctx, keep_lost=lambda _book, _info: keep, **extra
                )
            except SyncOfflineError as exc:
                return OFFLINE, str(exc), 0
            detail = f"received {report.pulled}, sent {report.pushed}"
            if report.lost:
                detail += f"; {len(report.lost)} book(s) no longer shared with you"
            if report.waiting_for_plan:
                from core.sync.engine import PLAN_WAIT_NOTE

                detail += "; " + PLAN_WAIT_NOTE.format(n=len(report.waiting_for_plan))
            # A book that went (or came back as a copy) changes the binder like an edit.
            return SYNCED, detail, report.applied + len(report.lost)

        def done(result: tuple[str, str, int]) -> None:
            state, detail, applied = result
            if applied:
                self.changes_arrived.emit()  # before a follow-up round can start
            self._finish(state, detail)

        self._set_state(SYNCING)
        self._run(job, done)

    def sign_in(
        self,
        server: str,
        email: str,
        password: str,
        *,
        register: bool = False,
        otp: str | None = None,
    ) -> None:
        library, extra = self.library, self._extra
        self._last_sign_in = (server, email, password)

        def job(_ctx: JobContext) -> None:
            _account().sign_in(
                library, server_url=server, email=email, password=password,
                register=register, otp=otp or None, **extra,
            )  # fmt: skip

        def done(_result: Any) -> None:
            self._finish(SYNCED, "")
            self.periodic.start()
            self.sync_now()

        self._set_state(SYNCING, "signing in")
        self._run(job, done)

    def sign_out(self) -> None:
        self.periodic.stop()
        self.debounce.stop()
        _account().sign_out(self.library, **self._extra)
        self._set_state(SIGNED_OUT)

    def _account_clicked(self) -> None:
        if self.state != SIGNED_OUT:
            self.sign_out()
            return
        self._open_sign_in(status(self.library).server)

    def _open_sign_in(
        self, server: str, email: str = "", password: str = "", *, ask_code: bool = False
    ) -> SignInDialog:
        """The sign-in dialog (window-modal, never blocking the event loop); OK signs in."""
        dialog = SignInDialog(self, server=server)
        dialog.email.setText(email)
        dialog.password.setText(password)
        dialog.ask_for_code(ask_code)
        dialog.accepted.connect(
            lambda: self.sign_in(
                dialog.server.text(),
                dialog.email.text(),
                dialog.password.text(),
                register=dialog.register.isChecked(),
                otp=dialog.otp.text().strip() or None,
            )
        )
        dialog.open()
        return dialog
