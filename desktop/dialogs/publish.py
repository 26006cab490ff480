"""Book › Publish…: put a book on the sync server's public reading site, change how it is
published (public or unlisted, genre, tags, blurb, a release schedule, silent), take it down,
and see its readers: reads, unique readers, follows, likes and how far readers get.

The book is synced first (core.sync.publishing), so the site shows it as it is now. Every
call runs in the background: a slow or absent server never freezes the studio.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
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

SCHEDULES = (
    "",
    "every friday",
    "every monday",
    "every day",
    "every 3 days",
    "every saturday at 09:00",
)
COMPLETE = (("From the book's status", None), ("Complete", True), ("Ongoing", False))


class CompletionChart(QWidget):
    """Readers per chapter as bars: the share of the book's readers who got to each one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("completion_chart")
        self.setAccessibleName("Readers per chapter")
        self.chapters: list[dict[str, Any]] = []
        self.setMinimumHeight(120)

    def set_chapters(self, chapters: list[dict[str, Any]]) -> None:
        self.chapters = chapters
        summary = ", ".join(
            f"chapter {c['number']}: {round(c['completion'] * 100)}%" for c in chapters[:20]
        )
        self.setAccessibleDescription(summary or "no readers yet")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 140)

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(4, 4, -4, -20)
        if not self.chapters:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No readers yet")
            return
        n = len(self.chapters)
        slot = area.width() / n
        bar = min(48.0, max(2.0, slot * 0.7))
        colour = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.WindowText)
        for i, chapter in enumerate(self.chapters):
            height = area.height() * float(chapter["completion"])
            x = area.left() + i * slot + (slot - bar) / 2
            painter.fillRect(QRectF(x, area.bottom() - height, bar, height), colour)
            if n <= 30:
                painter.setPen(text)
                painter.drawText(
                    QRectF(x - 6, area.bottom() + 2, bar + 12, 16),
                    Qt.AlignmentFlag.AlignHCenter,
                    str(chapter["number"]),
                )
        painter.setPen(QColor(text.red(), text.green(), text.blue(), 90))
        painter.drawLine(area.bottomLeft(), area.bottomRight())


class DailyChart(QWidget):
    """Reads a day over the last weeks (the analytics' daily series), oldest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("daily_chart")
        self.setAccessibleName("Reads a day")
        self.days: list[dict[str, Any]] = []
        self.setMinimumHeight(70)

    def set_days(self, days: list[dict[str, Any]]) -> None:
        self.days = days
        total = sum(int(d.get("reads", 0)) for d in days)
        self.setAccessibleDescription(
            f"{total} reads over {len(days)} days" if days else "no reads yet"
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 80)

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(4, 4, -4, -16)
        if not self.days:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No reads yet")
            return
        top = max(1, max(int(d.get("reads", 0)) for d in self.days))
        slot = area.width() / len(self.days)
        colour = palette.color(QPalette.ColorRole.Highlight)
        for i, day in enumerate(self.days):
            height = area.height() * int(day.get("reads", 0)) / top
            bar = min(24.0, max(2.0, slot * 0.7))
            x = area.left() + i * slot + (slot - bar) / 2
            painter.fillRect(QRectF(x, area.bottom() - height, bar, height), colour)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(area.left(), area.bottom() + 1, area.width(), 14),
            Qt.AlignmentFlag.AlignLeft,
            str(self.days[0].get("day", "")),
        )
        painter.drawText(
            QRectF(area.left(), area.bottom() + 1, area.width(), 14),
            Qt.AlignmentFlag.AlignRight,
            str(self.days[-1].get("day", "")),
        )


class PublishDialog(QDialog):
    """How one book is published, and its readers."""

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PublishDialog")
        self.library = library
        self.book_id = book_id
        self.background = Background(self)
        self.published: dict[str, Any] | None = None
        self.setWindowTitle("Publish")
        self.setMinimumWidth(560)
        self._busy = False

        self.heading = QLabel("Publish this book on the sync server's public reading site.")
        self.heading.setWordWrap(True)
        self.visibility = QComboBox()
        self.visibility.addItem("Public: in search, trending and the sitemap", "public")
        self.visibility.addItem("Unlisted: only for those who have the link", "unlisted")
        self.genre = QLineEdit()
        self.genre.setPlaceholderText("Mystery, Fantasy, Romance…")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("found family, slow burn, lighthouse")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("The blurb readers see (empty: the book's own)")
        self.description.setFixedHeight(80)
        self.schedule = QComboBox()
        self.schedule.setEditable(True)
        self.schedule.addItems(SCHEDULES)
        self.schedule.setItemText(0, "")
        editor = self.schedule.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("Every chapter now (or: every friday at 18:00)")
        self.schedule.setToolTip("One chapter is released at each time (UTC); empty: all now")
        self.silent = QCheckBox("Silent: tell no follower of this release")
        self.complete = QComboBox()
        for label, value in COMPLETE:
            self.complete.addItem(label, value)
        form = QFormLayout()
        form.addRow("&Visibility", self.visibility)
        form.addRow("&Genre", self.genre)
        form.addRow("&Tags", self.tags)
        form.addRow("&Blurb", self.description)
        form.addRow("&Schedule", self.schedule)
        form.addRow("Status", self.complete)
        form.addRow("", self.silent)
        for label, field in (
            ("Visibility", self.visibility),
            ("Genre", self.genre),
            ("Tags", self.tags),
            ("Blurb", self.description),
            ("Schedule", self.schedule),
            ("Status", self.complete),
        ):
            field.setAccessibleName(label)

        self.url = QLineEdit()
        self.url.setObjectName("publish_url")
        self.url.setReadOnly(True)
        self.open_button = QPushButton("&Open in Browser")
        self.open_button.clicked.connect(self._open)
        self.copy_button = QPushButton("&Copy Link")
        self.copy_button.clicked.connect(self._copy)
        link = QHBoxLayout()
        link.addWidget(self.url, 1)
        link.addWidget(self.copy_button)
        link.addWidget(self.open_button)

        self.figures = QLabel()
        self.figures.setObjectName("publish_figures")
        self.figures.setWordWrap(True)
        self.chart = CompletionChart()
        self.readers_box = QGroupBox("Readers")
        readers = QVBoxLayout(self.readers_box)
        readers.addLayout(link)
        readers.addWidget(self.figures)
        readers.addWidget(QLabel("Share of readers who read each chapter:"))
        readers.addWidget(self.chart)
        self.daily = DailyChart()
        readers.addWidget(QLabel("Reads a day:"))
        readers.addWidget(self.daily)

        self.message = QLabel()
        self.message.setObjectName("publish_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.publish_button = QPushButton("&Publish")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)
        self.unpublish_button = QPushButton("&Unpublish")
        self.unpublish_button.clicked.connect(self.unpublish)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.publish_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.addButton(self.unpublish_button, QDialogButtonBox.ButtonRole.DestructiveRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.readers_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._show(None)
        self.refresh()

    # ------------------------------------------------------------------ running

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.publish_button.setEnabled(not busy)
        self.unpublish_button.setEnabled(not busy and self.published is not None)

    def _run(self, job: Callable[[Any, Any], Any], done: Callable[[Any], None]) -> None:
        """``job(api, publishing)`` on a worker thread, then ``done(result)`` here."""
        library = self.library
        if not status(library).signed_in:
            self.message.setText(
                "This library is not signed in to a sync server: sign in from the status "
                "bar (Sign in…), then publish."
            )
            return
        self._set_busy(True)

        def work(api: Any) -> Any:
            from core.sync import publishing  # at first use, on the worker thread

            return job(api, publishing)

        def failed(text: str) -> None:
            self._set_busy(False)
            self.message.setText(text)

        def finished(result: Any) -> None:
            self._set_busy(False)
            done(result)

        self.background.run(
            with_account(library, work),
            description="publishing",
            lane="publish",
            on_done=finished,
            on_failed=failed,
            on_cancelled=lambda: self._set_busy(False),
        )

    # ------------------------------------------------------------------ actions

    def refresh(self) -> None:
        library, book_id = self.library, self.book_id
        self._run(lambda api, p: p.publication(library, api, book_id), self._show)

    def request(self) -> Any:
        from core.sync.publishing import PublishRequest

        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        description = self.description.toPlainText().strip()
        return PublishRequest(
            visibility=str(self.visibility.currentData()),
            genre=self.genre.text().strip() or None,
            tags=tags or None,
            description=description or None,
            schedule=self.schedule.currentText().strip(),
            silent=self.silent.isChecked(),
            complete=self.complete.currentData(),
        )

    def publish(self) -> None:
        from core.sync.errors import SharingError
        from core.sync.publishing import check_request

        request = self.request()
        try:
            check_request(request)
        except SharingError as exc:
            self.message.setText(str(exc))
            self.schedule.setFocus()
            return
        library, book_id = self.library, self.book_id
        self.message.setText("Syncing and publishing…")

        def done(published: dict[str, Any]) -> None:
            upcoming = (
                f" The next chapter comes out {str(published['next_release_at'])[:16]} UTC."
                if published.get("next_release_at")
                else ""
            )
            self.message.setText(
                f"Published: {published['chapters']} chapter(s), "
                f"{published['words']:,} words.{upcoming}"
            )
            self.refresh()

        self._run(lambda api, p: p.publish(library, api, book_id, request), done)

    def unpublish(self) -> None:
        library, book_id = self.library, self.book_id

        def done(said: str) -> None:
            self.message.setText(said)
            self._show(None)

        self._run(lambda api, p: p.unpublish(library, api, book_id), done)

    def _show(self, published: dict[str, Any] | None) -> None:
        self.published = published
        self.readers_box.setVisible(published is not None)
        self.unpublish_button.setEnabled(published is not None and not self._busy)
        self.publish_button.setText("&Update" if published else "&Publish")
        if published is None:
            self.heading.setText(
                "Not published. Publishing puts the book on the sync server's public reading "
                "site: anyone can read it, no account needed."
            )
            return
        self.heading.setText(f"“{published['title']}” is published ({published['visibility']}).")
        self.url.setText(published["url"])
        index = self.visibility.findData(published["visibility"])
        self.visibility.setCurrentIndex(max(0, index))
        self.genre.setText(published.get("genre") or "")
        self.tags.setText(", ".join(published.get("tags") or []))
        self.description.setPlainText(published.get("description") or "")
        self.schedule.setCurrentText(published.get("schedule") or "")
        self.silent.setChecked(bool(published.get("silent")))
        stats = published.get("analytics") or {}
        self.figures.setText(
            f"{stats.get('reads', 0):,} reads by {stats.get('unique_readers', 0):,} readers · "
            f"{stats.get('follows', 0):,} follows · {stats.get('likes', 0):,} likes · "
            f"{published['chapters']} chapter(s) out"
        )
        self.chart.set_chapters(list(stats.get("chapters") or []))
        self.daily.set_days(list(stats.get("days") or []))

    def _open(self) -> None:
        if self.url.text():
            QDesktopServices.openUrl(QUrl(self.url.text()))

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.message.setText("The book's link is on the clipboard.")

    def done(self, result: int) -> None:
        self.background.close(3000)
        super().done(result)
