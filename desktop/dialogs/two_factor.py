"""File › Two-Factor Sign-In…: turn sign-in with an authenticator app's codes on or off.

Set up shows a QR code (and the secret as text) for the app; the app's first code turns it
on, and the recovery codes are shown once, to keep. Everything talks to the server in the
background.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.store.library import Library
from core.sync.status import status
from desktop.jobs.account_job import with_account
from desktop.jobs.background import Background


def qr_pixmap(text: str, scale: int = 5) -> QPixmap:
    """A QR code of ``text`` (segno), as a pixmap."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class TwoFactorDialog(QDialog):
    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TwoFactorDialog")
        self.setWindowTitle("Two-Factor Sign-In")
        self.library = library
        self.background = Background(self)
        self.enabled: bool | None = None
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret = QLineEdit()
        self.secret.setReadOnly(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("6 digits from the app (or a recovery code)")
        self.setup_button = QPushButton("&Set Up…")
        self.setup_button.clicked.connect(self.set_up)
        self.turn_on = QPushButton("Turn &On")
        self.turn_on.clicked.connect(self.enable)
        self.turn_off = QPushButton("Turn O&ff")
        self.turn_off.clicked.connect(self.disable)
        self.recovery = QPlainTextEdit()
        self.recovery.setReadOnly(True)
        self.copy = QPushButton("&Copy Recovery Codes")
        self.copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.recovery.toPlainText())
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.turn_on)
        row.addWidget(self.turn_off)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.setup_button)
        layout.addWidget(self.qr)
        layout.addWidget(self.secret)
        layout.addLayout(row)
        layout.addWidget(self.recovery)
        layout.addWidget(self.copy)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for widget in (self.qr, self.secret, self.recovery, self.copy):
            widget.hide()
        self._show_state()
        self._run(lambda api: bool(api.me().get("two_factor")), self._took_state)

    def _run(self, job: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        library = self.library
        if not status(library).signed_in:
            self.message.setText("Sign in to a sync server first (status bar › Sign in…).")
            return

        self.background.run(
            with_account(library, job),
            description="two-factor",
            on_done=done,
            on_failed=self.message.setText,
        )

    def _took_state(self, enabled: bool) -> None:
        self.enabled = enabled
        self._show_state()

    def _show_state(self) -> None:
        on = self.enabled is True
        self.explain.setText(
            "Two-factor sign-in is <b>on</b>: signing in takes a code from your app."
            if on
            else "Two-factor sign-in is off. With it on, signing in takes your password and a "
            "code from an authenticator app on your phone."
        )
        self.setup_button.setVisible(self.enabled is False)
        self.turn_on.setVisible(self.enabled is False and self.secret.isVisibleTo(self))
        self.turn_off.setVisible(on)
        self.code.setVisible(on or self.secret.isVisibleTo(self))

    def set_up(self) -> None:
        def done(made: dict[str, str]) -> None:
            self.qr.setPixmap(qr_pixmap(made["uri"]))
            self.secret.setText(made["secret"])
            for widget in (self.qr, self.secret):
                widget.show()
            self.message.setText("Scan the code with your app, then type the code it shows.")
            self._show_state()
            self.code.setFocus()

        self._run(lambda api: api.two_factor_setup(), done)

    def enable(self) -> None:
        code = self.code.text().strip()

        def done(codes: list[str]) -> None:
            self.enabled = True
            self.code.clear()
            self.qr.hide()
            self.secret.hide()
            self.recovery.setPlainText("\n".join(codes))
            self.recovery.show()
            self.copy.show()
            self.message.setText("On. Keep these recovery codes somewhere safe: each works once.")
            self._show_state()

        self._run(lambda api: api.two_factor_enable(code), done)

    def disable(self) -> None:
        code = self.code.text().strip()

        def done(_r: Any) -> None:
            self.enabled = False
            self.code.clear()
            self.recovery.hide()
            self.copy.hide()
            self.message.setText("Two-factor sign-in is off.")
            self._show_state()

        self._run(lambda api: api.two_factor_disable(code), done)

    def done(self, result: int) -> None:
        self.background.close(3000)
        super().done(result)
