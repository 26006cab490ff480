"""View › Command Bar (Ctrl+K): say what you want in plain words, and the studio does it.

The bar opens over the editor. Each keystroke resolves the request offline (core.commands)
and lists what it may mean: the best match with its arguments filled in and its preview,
then the other likely commands — every ``authorworks`` command and every menu item of the
window, one registry. The arguments are editable below the list. Enter runs a command that
only reads; one that changes something shows its preview and waits for a second Enter (a
destructive one asks in a dialog). Commands run as background jobs with progress and Cancel;
what they did can be undone from the bar where the action allows. A request the bar is not
sure of gets a question and choices; with an API key or hosted AI, Enter asks Claude first.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.commands import Command, Registry, RequestContext, Resolution, cli_registry
from core.commands.reading import Reading, read_request
from core.commands.router import THRESHOLD, changes, preview, rank, resolve
from core.commands.runner import Outcome, Undo
from desktop.window.actions import studio_command

if TYPE_CHECKING:
    from desktop.window.host import StudioWindow

MAX_SUGGESTIONS = 7
ROLE_ENTRY = Qt.ItemDataRole.UserRole


def menu_items(window: QWidget) -> list[tuple[str, QAction]]:
    """Every item of the window's menus with its menu path ("Book", "Edit › Labels")."""
    bar = window.menuBar() if hasattr(window, "menuBar") else None
    out: list[tuple[str, QAction]] = []
    if bar is None:
        return out

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} › {_plain(action.text())}")
            elif not action.isSeparator() and _plain(action.text()):
                out.append((path, action))

    for top in bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and top.isVisible():
            walk(menu, _plain(top.text()))
    return out


def studio_commands(
    window: QWidget, registry: Registry
) -> tuple[list[Command], dict[str, QAction]]:
    """The menu items as registry entries: those of the shortcuts table from ``registry``
    (their QActions dispatch through it), and those panels added, made here; with the
    QAction of each, whose state says whether it may run now."""
    commands: list[Command] = []
    actions: dict[str, QAction] = {}
    for path, action in menu_items(window):
        name = action.objectName().removeprefix("action_")
        if name == "command_bar":
            continue
        command = next((c for c in registry if c.name.endswith(f".{name}")), None) if name else None
        if command is None or not action.objectName():
            slug = re.sub(r"[^a-z0-9]+", "-", _plain(action.text()).casefold()).strip("-")
            command = studio_command(path, slug, action.text(), action.trigger)
        commands.append(command)
        actions[command.name] = action
    return commands, actions


def _plain(text: str) -> str:
    return text.replace("&", "").rstrip("…").strip()


class CommandBar(QFrame):
    """The bar itself: a frame over the window, hidden until Ctrl+K."""

    def __init__(self, window: StudioWindow) -> None:
        super().__init__(window.widget)
        self.studio = window
        self.setObjectName("command_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#command_bar { background: palette(window); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        self.registry = Registry()
        self.ctx = RequestContext()
        self.resolution: Resolution | None = None
        self.reading: Reading | None = None  # the request as last read (one read a keystroke)
        self.form_key: tuple[str, ...] = ()  # the command and argument rows the form shows
        self.arguments: dict[str, Any] = {}
        self.command: Command | None = None
        self.confirming = False
        self.asked_claude = False
        self.runner: Any = None
        self.menu_actions: dict[str, QAction] = {}
        self.last_undo: Undo | None = None
        self.last_outcome: Outcome | None = None

        self.input = QLineEdit()
        self.input.setObjectName("command_input")
        self.input.setPlaceholderText(
            "Say what you want: “export as EPUB”, “narrate chapter 3”, “find Irene”…"
        )
        self.input.setAccessibleName("Command bar: what do you want to do?")
        self.input.setClearButtonEnabled(True)
        self.input.textEdited.connect(self._on_text)
        self.input.installEventFilter(self)
        self.list = QListWidget()
        self.list.setObjectName("command_suggestions")
        self.list.setAccessibleName("What the request may mean")
        self.list.currentRowChanged.connect(self._on_pick)
        self.list.itemActivated.connect(lambda _item: self.activate())
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setUniformItemSizes(True)
        self.preview = QLabel()
        self.preview.setObjectName("command_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("command_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.hide()
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.activate)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("command_undo")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.form_box)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.hide()

    # -------------------------------------------------------------- opening

    def open(self) -> None:
        """Show the bar over the editor, with the recent requests."""
        studio, self.menu_actions = studio_commands(self.studio.widget, self.studio.studio_registry)
        self.registry = Registry([*cli_registry(), *studio])
        self.ctx = self._context()
        parent = self.studio.widget
        width = min(720, max(420, parent.width() - 80))
        self.setFixedWidth(width)
        self.move((parent.width() - width) // 2, 60)
        self.show()
        self.raise_()
        self.input.setFocus()
        self.input.selectAll()
        self.confirming = False
        self.asked_claude = False
        if not self.input.text().strip():
            self._show_history()
        else:
            self._on_text(self.input.text())

    def _context(self) -> RequestContext:
        from core.commands.context import context_from_library

        library = self.studio.library
        if library is None:
            return RequestContext()
        node = self.studio.current_node
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        try:
            return context_from_library(
                library,
                book_ref=node.book_id if node is not None else None,
                scene_id=node.id if node is not None and node.kind.value == "scene" else None,
                output_dir=Path(folder) if folder else Path.home(),
            )
        except Exception:  # a book just deleted: the bar still opens, on no book
            return RequestContext()

    def _show_history(self) -> None:
        from core.commands import history

        self.list.clear()
        self.resolution = None
        self.command = None
        self._clear_form()
        library = self.studio.library
        entries = history.recent(library.root, limit=MAX_SUGGESTIONS) if library else []
        for entry in entries:
            item = QListWidgetItem(f"↺ {entry.get('text', '')}")
            item.setData(ROLE_ENTRY, ("history", entry.get("text", "")))
            item.setToolTip(f"{entry.get('command') or '?'} — {entry.get('at', '')}")
            self.list.addItem(item)
        self.preview.setText("")
        self.status.setText("Recent requests" if entries else "Type what you want to do.")
        self._fit_list()

    def _fit_list(self) -> None:
        """As tall as its rows (up to the most it shows), and the bar around it."""
        rows = max(1, min(self.list.count(), MAX_SUGGESTIONS))
        row = self.list.sizeHintForRow(0) if self.list.count() else 20
        self.list.setFixedHeight(rows * max(row, 18) + 2 * self.list.frameWidth() + 4)
        self.adjustSize()

    # -------------------------------------------------------------- typing

    def _on_text(self, text: str) -> None:
        """Resolve the request as typed and list what it may mean (offline, in a frame)."""
        from core.commands.router import registry_words

        self.confirming = False
        self.asked_claude = False
        if not text.strip():
            self._show_history()
            return
        reading = read_request(text, self.ctx, known=registry_words(self.registry))
        self.reading = reading
        resolution = resolve(text, self.ctx, self.registry, reading=reading)
        prefix = text.split()[-1].casefold() if not text.endswith(" ") else ""
        others = rank(reading, self.registry, prefix=prefix, limit=MAX_SUGGESTIONS + 1)
        # Only what the request really points to: not every command sharing one small word.
        top = others[0].score if others else 0.0
        likely = [c.command for c in others if c.score >= max(1.0, top * 0.35)]
        self._fill(resolution, likely)

    def _fill(self, resolution: Resolution, others: list[Command]) -> None:
        self.resolution = resolution
        self.list.blockSignals(True)
        self.list.clear()
        names: list[str] = []
        if resolution.command:
            names.append(resolution.command)
        names += [c for c in resolution.choices if c not in names]
        names += [c.name for c in others if c.name not in names]
        for name in names[:MAX_SUGGESTIONS]:
            command = self.registry.get(name)
            if command is None:
                continue
            if command.source == "studio":
                label = command.description  # "Edit › Find…": the menu item itself
            elif name == resolution.command:
                label = f"{command.name} — {resolution.preview}"
            else:
                label = f"{command.name} — {command.description}"
            item = QListWidgetItem(label)
            item.setData(ROLE_ENTRY, ("command", name))
            self.list.addItem(item)
        self.list.blockSignals(False)
        if resolution.refused:
            self.status.setText(f"Not done: {resolution.refused}")
        elif resolution.question:
            self.status.setText(resolution.question)
        else:
            self.status.setText(f"Enter to {'review and ' if resolution.changes else ''}run")
        self._fit_list()
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.command = None
            self._clear_form()
            self.preview.setText("")

    def _on_pick(self, row: int) -> None:
        item = self.list.item(row) if row >= 0 else None
        if item is None:
            return
        kind, value = item.data(ROLE_ENTRY)
        self.confirming = False
        if kind == "history":
            self.command = None
            self.preview.setText(f"Ask again: {value}")
            self._clear_form()
            return
        command = self.registry[value]
        self.command = command
        resolution = self.resolution
        if resolution is not None and resolution.command == command.name:
            self.arguments = dict(resolution.arguments)
        else:
            from core.commands.router import fill_arguments

            self.arguments = fill_arguments(command, self._reading(), self.ctx)
        self._build_form(command)
        self._update_preview()
        self.adjustSize()

    def _reading(self) -> Reading:
        text = self.input.text()
        if self.reading is None or self.reading.text != text:
            self.reading = read_request(text, self.ctx)
        return self.reading

    # -------------------------------------------------------------- arguments

    def _clear_form(self) -> None:
        self.form_key = ()
        while self.form.rowCount():
            self.form.removeRow(0)

    def _build_form(self, command: Command) -> None:
        """An editor for each argument the request filled, and each one still needed."""
        if command.source == "studio":
            self._clear_form()
            return
        action = self.arguments.get("action")
        shown = [
            a for a in command.arguments
            if a.name != "book" and (a.name in self.arguments or (
                a.required and (a.action_of is None or a.action_of == action)))
        ][:6]  # fmt: skip
        key = (command.name, *(a.name for a in shown))
        if key == self.form_key:
            # Same rows as the last keystroke: new values into the editors already there
            # (building widgets anew each keystroke costs most of a frame).
            for argument in shown:
                self._show_value(argument.name, self.arguments.get(argument.name))
            return
        self._clear_form()
        self.form_key = key
        for argument in shown:
            value = self.arguments.get(argument.name)
            field: QWidget
            if argument.choices:
                box = QComboBox()
                box.addItems(["", *argument.choices])
                box.setCurrentText(str(value or ""))
                box.currentTextChanged.connect(lambda v, n=argument.name: self._set(n, v or None))
                field = box
            elif argument.kind == "boolean":
                check = QCheckBox()
                check.setChecked(bool(value))
                check.toggled.connect(lambda v, n=argument.name: self._set(n, v))
                field = check
            elif argument.kind == "integer":
                spin = QSpinBox()
                spin.setRange(0, 100_000)
                spin.setSpecialValueText("—")
                spin.setValue(int(value or 0))
                spin.valueChanged.connect(lambda v, n=argument.name: self._set(n, v or None))
                field = spin
            else:
                edit = QLineEdit(str(value or ""))
                edit.textEdited.connect(lambda v, n=argument.name: self._set(n, v or None))
                field = edit
            field.setObjectName(f"argument_{argument.name}")
            field.setAccessibleName(argument.name.replace("_", " "))
            field.setToolTip(argument.help)
            self.form.addRow(argument.name.replace("_", " "), field)

    def _show_value(self, name: str, value: Any) -> None:
        field = self.form_box.findChild(QWidget, f"argument_{name}")
        if field is None:
            return
        field.blockSignals(True)
        if isinstance(field, QComboBox):
            field.setCurrentText(str(value or ""))
        elif isinstance(field, QCheckBox):
            field.setChecked(bool(value))
        elif isinstance(field, QSpinBox):
            field.setValue(int(value or 0))
        elif isinstance(field, QLineEdit) and field.text() != str(value or ""):
            field.setText(str(value or ""))
        field.blockSignals(False)

    def _set(self, name: str, value: Any) -> None:
        if value is None:
            self.arguments.pop(name, None)
        else:
            self.arguments[name] = value
        self.confirming = False
        self._update_preview()

    def _update_preview(self) -> None:
        command = self.command
        if command is None:
            self.preview.setText("")
            return
        if command.source == "studio":
            self.preview.setText(f"Open {command.description}")
            return
        self.preview.setText(preview(command, self.arguments, self.ctx))

    # -------------------------------------------------------------- running

    def activate(self) -> None:
        """Enter: run, confirm, or ask Claude when the request is not understood."""
        item = self.list.currentItem()
        if item is not None and item.data(ROLE_ENTRY)[0] == "history":
            self.input.setText(item.data(ROLE_ENTRY)[1])
            self._on_text(self.input.text())
            return
        resolution = self.resolution
        unsure = resolution is not None and (
            resolution.question is not None or resolution.confidence < THRESHOLD
        )
        picked_other = self.command is not None and (
            resolution is None or self.command.name != resolution.command
        )
        if resolution is not None and resolution.refused:
            return
        if unsure and not picked_other and not self.asked_claude:
            self._ask_claude()
            return
        command = self.command
        if command is None:
            return
        if command.source == "studio":
            self._run_studio(command)
            return
        missing = [
            a.name for a in command.arguments
            if a.required and a.name not in self.arguments
            and (a.action_of is None or a.action_of == self.arguments.get("action"))
        ]  # fmt: skip
        if missing:
            self.status.setText(f"{command.name} needs {', '.join(missing)}: fill it in below.")
            return
        if changes(command, self.arguments) and not self.confirming:
            self.confirming = True
            self.status.setText("Press Enter again to run this; Esc to go back.")
            return
        if command.destructive or (
            command.name == "trash" and self.arguments.get("action") == "empty"
        ):
            answer = QMessageBox.question(
                self, "Command Bar", f"{self.preview.text()}.\n\nThis cannot be undone. Go on?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.confirming = False
                return
        self._run(command, dict(self.arguments))

    def _run_studio(self, command: Command) -> None:
        action = self.menu_actions.get(command.name)
        if action is not None and not action.isEnabled():
            self.status.setText(f"“{_plain(action.text())}” is not available here.")
            return
        self.close_bar()
        self._record(command, {}, ran=True)
        if action is not None:
            action.trigger()  # through the registry, as the menu does
        elif command.trigger is not None:
            command.trigger()

    def _run(self, command: Command, arguments: dict[str, Any]) -> None:
        from core.commands.runner import run_with_snapshots

        library = self.studio.library
        if library is None:
            self.status.setText("Open a library first.")
            return
        self.studio.save_now()  # the command reads what is on screen, not what was saved
        root = library.root
        registry = self.registry

        def job(ctx: Any) -> Outcome:
            return run_with_snapshots(registry, command, arguments, library=root, ctx=ctx)

        self._set_running(True)
        self.status.setText(f"{self.preview.text()}…")
        self.runner = self.studio.background.run(
            job,
            description=command.name,
            on_progress=self._on_progress,
            on_done=lambda outcome: self._on_done(command, arguments, outcome),
            on_failed=self._on_failed,
            on_cancelled=lambda: self._on_stopped("Cancelled: nothing more was done."),
            on_ended=lambda: self._set_running(False),
        )

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.run_button.setEnabled(not running)
        self.input.setEnabled(not running)
        if not running:
            self.runner = None
            self.input.setFocus()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, total or 0)
        if total:
            self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _on_done(self, command: Command, arguments: dict[str, Any], outcome: Outcome) -> None:
        self.last_outcome = outcome
        self.last_undo = outcome.undo
        lines = [line for line in outcome.output.strip().splitlines() if line.strip()]
        said = lines[-1] if lines else "Done."
        if outcome.exit_code:
            said = (outcome.errors.strip().splitlines() or [f"{command.name} failed"])[-1]
        self.status.setText(("✓ " if outcome.exit_code == 0 else "✗ ") + said)
        self.undo_button.setVisible(outcome.undo is not None)
        if outcome.undo is not None:
            self.undo_button.setToolTip(outcome.undo.label)
        self._record(command, arguments, ran=True, exit_code=outcome.exit_code, undo=outcome.undo)
        self.confirming = False
        if changes(command, arguments):
            self.studio.sync_applied()  # show what the command changed where the writer is

    def _on_failed(self, message: str) -> None:
        self._on_stopped(f"✗ {message}")

    def _on_stopped(self, message: str) -> None:
        self.status.setText(message)
        self.confirming = False

    def _record(self, command: Command, arguments: dict[str, Any], **kw: Any) -> None:
        from core.commands import history

        library = self.studio.library
        if library is None:
            return
        known = self.resolution
        resolution = {
            "command": command.name,
            "arguments": arguments,
            "confidence": known.confidence if known else None,
            "source": known.source if known else "offline",
        }
        # A full disk loses the history line, not the work.
        with contextlib.suppress(OSError):
            history.record(library.root, text=self.input.text(), resolution=resolution, **kw)

    def undo(self) -> None:
        """Take back what the last command did (where the action allows)."""
        from core.commands import history
        from core.commands.runner import CommandRunError
        from core.commands.runner import undo as take_back

        step = self.last_undo
        library = self.studio.library
        if step is None or library is None:
            return
        try:
            said = take_back(step, library=library.root)
        except CommandRunError as exc:
            self.status.setText(f"✗ {exc}")
            return
        last = history.last_undoable(library.root)
        if last is not None:
            history.mark_undone(library.root, last[0])
        self.last_undo = None
        self.undo_button.hide()
        self.status.setText(f"↶ {said}")
        self.studio.sync_applied()

    def _ask_claude(self) -> None:
        """Enter on a request the bar is not sure of: Claude, if it can be asked."""
        from core.commands.service import resolve_request

        self.asked_claude = True
        library = self.studio.library
        text, ctx, registry = self.input.text(), self.ctx, self.registry
        cli = Registry([c for c in registry if c.source == "cli"])

        def job(_ctx: Any) -> Resolution:
            return resolve_request(text, ctx, cli, library=library)

        self.status.setText("Asking Claude…")
        self.studio.background.run(
            job,
            description="command bar",
            on_done=self._on_claude,
            on_failed=lambda message: self.status.setText(message),
        )

    def _on_claude(self, resolution: Resolution) -> None:
        if resolution.source != "claude":
            # No key or hosted AI, or Claude could not be reached: the question stands.
            note = f" ({resolution.note})" if resolution.note else ""
            self.status.setText((resolution.question or "Pick one of these.") + note)
            return
        self._fill(resolution, [])

    # -------------------------------------------------------------- keys

    def cancel(self) -> None:
        """Cancel: stops a running command, else goes back from a confirm, else closes."""
        if self.runner is not None:
            self.runner.cancel()
            self.status.setText("Cancelling…")
            return
        if self.confirming:
            self.confirming = False
            self.status.setText("Not run.")
            return
        self.close_bar()

    def close_bar(self) -> None:
        self.hide()
        self.studio.editor.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate()
                return True
            if key == Qt.Key.Key_Escape:
                self.cancel()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)
