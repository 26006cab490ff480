"""The snapshots dialog: a scene's version history, compared side by side, and restored.

``SnapshotsDialog(library, scene_id)`` lists the scene's snapshots, newest first. Selecting
one shows it (left) beside the scene's text now, or beside another snapshot chosen in
"Compare with" (right): changed lines on a tint, the changed words in them marked stronger.
"Take Snapshot" saves the scene's text with a label; "Restore" puts the selected snapshot back
(the text it replaces is snapshotted first) and emits ``restored(scene_id)``.

Before either, ``about_to_change(scene_id)`` is emitted (connect it directly): the editor
should save the scene's unsaved text, so the snapshot holds what the writer sees.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.store.library import Library
from core.store.manuscript import get_scene
from core.store.snapshots import (
    DiffRow,
    delete_snapshot,
    diff_snapshot,
    list_snapshots,
    restore_snapshot,
    take_snapshot,
)
from core.text.counts import count_of

_ROLE = Qt.ItemDataRole.UserRole
_CURRENT = ""  # "Compare with" value for the scene's text now
_ROW_BACKGROUND = {"delete": "#fde2e1", "insert": "#e1f5e4", "replace": "#fff4d6"}
_WORD_BACKGROUND = {"left": "#f6a9a5", "right": "#9fd8a8"}


def _marked(text: str, changes: tuple[tuple[int, int], ...], side: str) -> str:
    out, last = [], 0
    for start, end in changes:
        out.append(html.escape(text[last:start]))
        out.append(
            f'<span style="background:{_WORD_BACKGROUND[side]}">'
            f"{html.escape(text[start:end])}</span>"
        )
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def diff_html(rows: list[DiffRow], left_title: str, right_title: str) -> str:
    """A two-column HTML table of ``rows``: rows stay aligned however lines wrap."""
    parts = [
        '<table width="100%" cellspacing="0" cellpadding="3" style="white-space:pre-wrap">',
        f'<tr><th width="50%" align="left">{html.escape(left_title)}</th>'
        f'<th width="50%" align="left">{html.escape(right_title)}</th></tr>',
    ]
    change = 0
    previous_tag = "equal"
    for row in rows:
        anchor = ""
        if row.tag != "equal" and previous_tag == "equal":
            # Each run of changed rows is one change the dialog steps to.
            anchor = f'<a name="change-{change}"></a>'
            change += 1
        previous_tag = row.tag
        background = _ROW_BACKGROUND.get(row.tag)
        style = f' style="background:{background}"' if background else ""
        left = _marked(row.left, row.left_changes, "left") if row.left_no else ""
        right = _marked(row.right, row.right_changes, "right") if row.right_no else ""
        left_style = style if row.tag != "insert" else ""
        right_style = style if row.tag != "delete" else ""
        parts.append(
            f'<tr><td valign="top"{left_style}>{anchor}{left or "&nbsp;"}</td>'
            f'<td valign="top"{right_style}>{right or "&nbsp;"}</td></tr>'
        )
    parts.append("</table>")
    return "".join(parts)


def change_count(rows: list[DiffRow]) -> int:
    """How many runs of changed rows ``rows`` has (the changes Next/Previous step through)."""
    count, previous = 0, "equal"
    for row in rows:
        if row.tag != "equal" and previous == "equal":
            count += 1
        previous = row.tag
    return count


class SnapshotsDialog(QDialog):
    """Lists, compares, takes and restores a scene's snapshots."""

    restored = Signal(str)  # scene id
    about_to_change = Signal(str)  # scene id: save unsaved text now

    def __init__(self, library: Library, scene_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.scene_id = scene_id
        self.resize(1000, 640)

        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("Label for a new snapshot (optional)")
        self.take_button = QPushButton("Take Snapshot")
        self.list = QListWidget()
        self.list.setAccessibleName("Snapshots")
        self.compare_box = QComboBox()
        self.restore_button = QPushButton("Restore")
        self.delete_button = QPushButton("Delete")
        self.view = QTextBrowser()
        self.view.setAccessibleName("Comparison")
        self.summary = QLabel()
        self.rows: list[DiffRow] = []
        self.changes = 0
        self.change_index = -1
        self.previous_button = QPushButton("◀ Previous Change")
        self.previous_button.setShortcut(QKeySequence("Alt+Up"))
        self.previous_button.setToolTip("Previous change (Alt+Up)")
        self.next_button = QPushButton("Next Change ▶")
        self.next_button.setShortcut(QKeySequence("Alt+Down"))
        self.next_button.setToolTip("Next change (Alt+Down)")

        take_row = QHBoxLayout()
        take_row.addWidget(self.label_edit, 1)
        take_row.addWidget(self.take_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(take_row)
        left_layout.addWidget(self.list, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.restore_button)
        actions.addWidget(self.delete_button)
        left_layout.addLayout(actions)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        compare_row = QHBoxLayout()
        compare_row.addWidget(QLabel("Compare with"))
        compare_row.addWidget(self.compare_box, 1)
        right_layout.addLayout(compare_row)
        right_layout.addWidget(self.view, 1)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.previous_button)
        summary_row.addWidget(self.next_button)
        right_layout.addLayout(summary_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

        self.take_button.clicked.connect(lambda: self.take())
        self.label_edit.returnPressed.connect(lambda: self.take())
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.previous_button.clicked.connect(lambda: self.step_change(-1))
        self.next_button.clicked.connect(lambda: self.step_change(1))
        self.list.currentItemChanged.connect(lambda *_: self.show_comparison())
        self.compare_box.currentIndexChanged.connect(lambda _i: self.show_comparison())
        self.reload()

    # ------------------------------------------------------------------ listing

    def reload(self, select: str | None = None) -> None:
        """Re-read the snapshots, selecting ``select`` (or the newest)."""
        with self.library.session() as s:
            scene = get_scene(session=s, scene_id=self.scene_id)
            self.setWindowTitle(f"Snapshots — {scene.title or 'Untitled scene'}")
            snaps = [
                (snap.id, snap.label, snap.created_at, snap.word_count)
                for snap in list_snapshots(session=s, scene_id=self.scene_id)
            ]
        self.list.blockSignals(True)
        self.compare_box.blockSignals(True)
        self.list.clear()
        self.compare_box.clear()
        self.compare_box.addItem("Current text", _CURRENT)
        for snap_id, label, created, words in snaps:
            when = created.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{label or 'Snapshot'}\n{when} · {count_of(words, 'word')}")
            item.setData(_ROLE, snap_id)
            self.list.addItem(item)
            self.compare_box.addItem(f"{label or 'Snapshot'} ({when})", snap_id)
        self.list.blockSignals(False)
        self.compare_box.blockSignals(False)
        row = next(
            (r for r in range(self.list.count()) if self.list.item(r).data(_ROLE) == select), 0
        )
        if self.list.count():
            self.list.setCurrentRow(row)
        self.show_comparison()

    def snapshot_ids(self) -> list[str]:
        return [self.list.item(r).data(_ROLE) for r in range(self.list.count())]

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(_ROLE) if item is not None else None

    def compare_with(self, snapshot_id: str | None) -> None:
        """Compare the selection with another snapshot (None: with the current text)."""
        index = self.compare_box.findData(snapshot_id or _CURRENT)
        self.compare_box.setCurrentIndex(max(index, 0))

    # ------------------------------------------------------------------ comparing

    def show_comparison(self) -> None:
        snap_id = self.selected_id()
        self.restore_button.setEnabled(snap_id is not None)
        self.delete_button.setEnabled(snap_id is not None)
        if snap_id is None:
            self.view.setHtml("<p>No snapshots yet. Take one to start this scene's history.</p>")
            self.summary.clear()
            self.rows = []
            self._reset_changes()
            return
        against = self.compare_box.currentData() or None
        with self.library.session() as s:
            self.rows = diff_snapshot(session=s, snapshot_id=snap_id, against_id=against)
        left_title = self.list.currentItem().text().split("\n")[0]
        right_title = self.compare_box.currentText() if against else "Current text"
        self.view.setHtml(diff_html(self.rows, left_title, right_title))
        self._reset_changes()
        self._say_where()

    def _reset_changes(self) -> None:
        self.changes = change_count(self.rows)
        self.change_index = -1
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(self.changes > 0)

    def _say_where(self) -> None:
        if not self.changes:
            self.summary.setText("No differences.")
            return
        changed = count_of(self.changes, "change")
        if self.change_index < 0:
            self.summary.setText(f"{changed}.")
        else:
            self.summary.setText(f"Change {self.change_index + 1} of {self.changes}.")

    def step_change(self, delta: int) -> int:
        """Scroll to the next (1) or previous (-1) change; returns its index, -1 if none."""
        if not self.changes:
            return -1
        self.change_index = max(0, min(self.changes - 1, self.change_index + delta))
        self.view.scrollToAnchor(f"change-{self.change_index}")
        self.previous_button.setEnabled(self.change_index > 0)
        self.next_button.setEnabled(self.change_index < self.changes - 1)
        self._say_where()
        return self.change_index

    # ------------------------------------------------------------------ actions

    def take(self, label: str | None = None) -> str:
        """Snapshot the scene's text now (with ``label`` or the label box); returns its id."""
        self.about_to_change.emit(self.scene_id)
        label = (label if label is not None else self.label_edit.text()).strip()
        with self.library.session() as s:
            scene = get_scene(session=s, scene_id=self.scene_id)
            snap_id = take_snapshot(session=s, scene=scene, label=label or "Snapshot").id
        self.label_edit.clear()
        self.reload(select=snap_id)
        return snap_id

    def restore_selected(self, *, confirm: bool = True) -> bool:
        """Put the selected snapshot's text back into the scene."""
        snap_id = self.selected_id()
        if snap_id is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Restore snapshot",
                "Replace the scene's text with this snapshot? "
                "The current text is kept as a snapshot first.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.about_to_change.emit(self.scene_id)
        try:
            with self.library.session() as s:
                restore_snapshot(session=s, snapshot_id=snap_id)
        except AuthorWorksError as exc:
            self.summary.setText(str(exc))
            return False
        self.reload(select=snap_id)
        self.restored.emit(self.scene_id)
        return True

    def delete_selected(self, *, confirm: bool = True) -> bool:
        snap_id = self.selected_id()
        if snap_id is None:
            return False
        if confirm:
            answer = QMessageBox.question(self, "Delete snapshot", "Delete this snapshot for good?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        with self.library.session() as s:
            delete_snapshot(session=s, snapshot_id=snap_id)
        self.reload()
        return True
