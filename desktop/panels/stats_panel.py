"""Targets and statistics: progress to the book and session targets, words per day.

``StatsPanel(library, book_id)`` shows the book's words against its target, the words written
this session (since the panel opened) against the session target, the words written today,
and a bar chart of the last 30 days painted with QPainter. Targets are edited in place.
Call :meth:`refresh` after the editor saves (it also refreshes itself every 30 seconds while
shown); the editor records words written with ``core.store.writing_stats.record_word_delta``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.store.library import Library
from core.store.writing_stats import (
    DayWords,
    WritingSession,
    WritingTargets,
    daily_history,
    set_targets,
    writing_targets,
)

HISTORY_DAYS = 30
REFRESH_MS = 30_000


class DailyWordsChart(QWidget):
    """Bars of net words per day, today's in the accent colour, the daily target dashed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[DayWords] = []
        self.target = 0
        self.setMinimumHeight(140)
        self.setAccessibleName("Words written per day")

    def set_data(self, days: list[DayWords], target: int = 0) -> None:
        self.days = days
        self.target = target
        best = max((d.words for d in days), default=0)
        self.setToolTip(f"Last {len(days)} days · best day {best:,} words")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 160)

    def scale_max(self) -> int:
        """The value at the top of the chart."""
        return max([self.target, *(d.words for d in self.days), 1])

    def bar_rects(self) -> list[QRectF]:
        """Where each day's bar is drawn (zero height for a day with no words added)."""
        if not self.days:
            return []
        area = QRectF(self.rect()).adjusted(4, 4, -4, -18)
        slot = area.width() / len(self.days)
        top = self.scale_max()
        rects = []
        for index, day in enumerate(self.days):
            height = area.height() * max(day.words, 0) / top
            x = area.left() + index * slot + slot * 0.15
            rects.append(QRectF(x, area.bottom() - height, slot * 0.7, height))
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        rects = self.bar_rects()
        if not rects:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No writing yet")
            return
        today = date.today()
        bar = QColor("#7a9cc6")
        accent = QColor("#1f5fa8")
        for day, rect in zip(self.days, rects, strict=True):
            painter.fillRect(rect, accent if day.day == today else bar)
        area = QRectF(self.rect()).adjusted(4, 4, -4, -18)
        if self.target > 0:
            y = area.bottom() - area.height() * self.target / self.scale_max()
            pen = QPen(QColor("#d08c00"))
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
        painter.setPen(palette.text().color())
        first, last = self.days[0].day, self.days[-1].day
        label_rect = QRectF(area.left(), area.bottom() + 2, area.width(), 16)
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignLeft, first.strftime("%b %d"))
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight, last.strftime("%b %d"))
        painter.end()


class StatsPanel(QWidget):
    """A book's word targets and writing history."""

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.book_id = book_id
        self.session = self._new_session()
        self.targets: WritingTargets | None = None

        self.book_words = QLabel()
        self.book_bar = QProgressBar()
        self.session_words = QLabel()
        self.session_bar = QProgressBar()
        self.today_words = QLabel()
        self.book_target_box = QSpinBox()
        self.book_target_box.setRange(0, 10_000_000)
        self.book_target_box.setSingleStep(1000)
        self.book_target_box.setSpecialValueText("No target")
        self.session_target_box = QSpinBox()
        self.session_target_box.setRange(0, 1_000_000)
        self.session_target_box.setSingleStep(100)
        self.session_target_box.setSpecialValueText("No target")
        self.apply_button = QPushButton("Set Targets")
        self.chart = DailyWordsChart()
        self.message = QLabel()

        form = QFormLayout()
        form.addRow("Book", self.book_words)
        form.addRow("", self.book_bar)
        form.addRow("This session", self.session_words)
        form.addRow("", self.session_bar)
        form.addRow("Today", self.today_words)
        targets = QHBoxLayout()
        targets.addWidget(QLabel("Book target"))
        targets.addWidget(self.book_target_box)
        targets.addWidget(QLabel("Session target"))
        targets.addWidget(self.session_target_box)
        targets.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(targets)
        layout.addWidget(QLabel(f"Words written, last {HISTORY_DAYS} days"))
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.message)

        self.apply_button.clicked.connect(self.apply_targets)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _new_session(self) -> WritingSession:
        with self.library.session() as s:
            words = writing_targets(session=s, book_id=self.book_id).book_words
        return WritingSession(self.book_id, words, datetime.now(UTC))

    def set_book(self, book_id: str) -> None:
        """Show another book (its writing session starts now)."""
        self.book_id = book_id
        self.session = self._new_session()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the counts, targets and history."""
        if not self.isVisible() and self.sender() is self._timer:
            return  # nobody is looking: the next show or save refreshes
        try:
            with self.library.session() as s:
                targets = writing_targets(session=s, book_id=self.book_id)
                history = daily_history(session=s, book_id=self.book_id, days=HISTORY_DAYS)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return
        self.targets = targets
        self.book_words.setText(
            f"{targets.book_words:,} of {targets.book_target:,} words"
            if targets.book_target
            else f"{targets.book_words:,} words (no target)"
        )
        self._set_bar(self.book_bar, targets.book_words, targets.book_target)
        written = self.session.words_written(targets.book_words)
        self.session_words.setText(
            f"{written:,} of {targets.session_target:,} words"
            if targets.session_target
            else f"{written:,} words"
        )
        self._set_bar(self.session_bar, max(written, 0), targets.session_target)
        self.today_words.setText(f"{targets.words_today:,} words")
        for box, value in (
            (self.book_target_box, targets.book_target),
            (self.session_target_box, targets.session_target),
        ):
            if not box.hasFocus():
                box.setValue(value)
        self.chart.set_data(history, targets.session_target)

    @staticmethod
    def _set_bar(bar: QProgressBar, value: int, target: int) -> None:
        bar.setVisible(target > 0)
        bar.setRange(0, max(target, 1))
        bar.setValue(min(value, max(target, 1)))
        bar.setFormat(f"{min(100, round(100 * value / target)) if target else 0}%")

    def apply_targets(self) -> None:
        """Save the targets in the boxes."""
        try:
            with self.library.session() as s:
                set_targets(
                    session=s,
                    book_id=self.book_id,
                    book_target=self.book_target_box.value(),
                    session_target=self.session_target_box.value(),
                )
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("Targets saved.")
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
