"""The AI panel: generate into the editor with Claude, see what the AI sees, browse history.

``AiPanel(library, editor)`` drives a QTextEdit it is given. A generation streams into the
editor as a highlighted pending insertion (see :mod:`desktop.panels.ai_pending`) that the writer
accepts (one undo step), retries or discards; Cancel stops the request at once and keeps what
had arrived as pending. Summaries and brainstormed ideas stream into the panel instead.
Everything here works with no API key except sending; the key goes only to the OS keyring.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.generation import credentials
from core.generation.context import AssembledContext, EditorState
from core.generation.errors import GenerationCancelledError
from core.generation.history import list_generations
from core.generation.preferences import choose_model, load_preferences, save_preferences
from core.generation.service import (
    GenerationRequest,
    apply_synopsis,
    parse_ideas,
    prepare_context,
    run_generation,
)
from core.generation.templates import copy_template_for_editing, load_all_templates
from core.jobs import JobContext
from core.store.manuscript import get_chapter, get_scene
from core.text.offsets import from_utf16
from desktop.app import start_when_settled
from desktop.jobs.background import Background
from desktop.jobs.runner import JobRunner, emit, emit_loses_reference
from desktop.panels.ai_pending import PendingInsertion
from desktop.panels.flow_layout import FlowLayout

ClientFactory = Callable[[str], Any]


class AiPanel(QWidget):
    """Generate, review and insert AI text for the current scene of ``editor``."""

    state_changed = Signal(str)  # idle | streaming | pending
    generation_finished = Signal(str)  # the record id (empty if nothing was recorded)

    def __init__(
        self,
        library: Any,
        editor: QTextEdit,
        parent: QWidget | None = None,
        *,
        client_factory: ClientFactory | None = None,
        background: Background | None = None,
    ) -> None:
        super().__init__(parent)
        emit_loses_reference()  # probe the binding on the UI thread, before any worker runs
        self.library = library
        self.hosted_tokens_left: int | None = None  # the server's hosted AI, when used
        self.editor = editor
        self.client_factory = client_factory
        self.scene_id: str | None = None
        self.state = "idle"
        self.pending: PendingInsertion | None = None
        # Set by the studio (the Comments dock): (Qt start, Qt end, text) -> suggestions made.
        self.suggest_handler: Callable[[int, int, str], int] | None = None
        self.background = background or Background(self)
        self.worker: JobRunner | None = None  # the generation streaming now
        self.context: AssembledContext | None = None
        self.output_mode = "insert"
        self.panel_text = ""
        self.first_chunk_at: float | None = None  # perf_counter of the first chunk shown
        self._last_request: tuple[str, str] | None = None
        self._ignore_chunks = False
        self._history_stale = False  # the scene changed while the panel was hidden
        self.preferences = load_preferences()
        self.templates = load_all_templates()
        self._key_checks = 0  # a background check started before a newer one is stale
        self._build()
        self.key_status.setText("Looking for an API key…")  # when the panel is first shown
        self._set_state("idle")

    # ------------------------------------------------------------------ layout

    @staticmethod
    def _narrow(box: QComboBox) -> None:
        # A combo box is as wide as its longest entry by default; a dock may be narrower.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)

    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        gen = QWidget()
        g = QVBoxLayout(gen)
        self.action_box = QComboBox()
        self._narrow(self.action_box)
        for action, template in self.templates.items():
            self.action_box.addItem(template.label, action)
        self.instructions = QLineEdit()
        self.instructions.setPlaceholderText("Instructions (tighter, more tension, another POV…)")
        self.generate_button = QPushButton("Generate")
        self.accept_button = QPushButton("Accept")
        self.suggest_button = QPushButton("As Suggestions")
        self.suggest_button.setToolTip(
            "Put the result into the scene as suggested changes from Claude, to accept or "
            "reject one by one in the Comments dock"
        )
        self.retry_button = QPushButton("Retry")
        self.discard_button = QPushButton("Discard")
        self.cancel_button = QPushButton("Cancel")
        # The buttons wrap onto a second line in a narrow dock instead of widening the panel
        # past it (a horizontal scroll bar hid Cancel).
        buttons = QWidget()
        row = FlowLayout(buttons, spacing=6)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.generate_button,
            self.accept_button,
            self.suggest_button,
            self.retry_button,
            self.discard_button,
            self.cancel_button,
        ):
            row.addWidget(button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText("Summaries and ideas appear here.")
        self.ideas = QListWidget()
        g.addWidget(self.action_box)
        g.addWidget(self.instructions)
        g.addWidget(buttons)
        g.addWidget(self.status)
        g.addWidget(self.preview)
        g.addWidget(self.ideas)
        g.addStretch(1)
        # Shown only for the actions whose result lands in the panel (summaries, ideas).
        self.preview.hide()
        self.ideas.hide()
        self.tabs.addTab(gen, "Generate")

        sees = QWidget()
        s = QVBoxLayout(sees)
        self.context_view = QPlainTextEdit()
        self.context_view.setReadOnly(True)
        self.refresh_context_button = QPushButton("Refresh")
        s.addWidget(self.context_view)
        s.addWidget(self.refresh_context_button)
        self.tabs.addTab(sees, "What the AI sees")

        hist = QWidget()
        h = QVBoxLayout(hist)
        self.history = QListWidget()
        self.history_view = QPlainTextEdit()
        self.history_view.setReadOnly(True)
        self.reinsert_button = QPushButton("Re-insert")
        h.addWidget(self.history)
        h.addWidget(self.history_view)
        h.addWidget(self.reinsert_button)
        self.tabs.addTab(hist, "History")

        settings = QWidget()
        st = QVBoxLayout(settings)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Anthropic API key (kept in the system keyring)")
        self.save_key_button = QPushButton("Save key")
        self.clear_key_button = QPushButton("Remove key")
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.model_box = QComboBox()
        self.model_box.setEditable(True)
        self._narrow(self.model_box)
        self.model_box.addItem(self.preferences.model, self.preferences.model)
        self.refresh_models_button = QPushButton("List models")
        self.budget_box = QSpinBox()
        self.budget_box.setRange(1_000, 200_000)
        self.budget_box.setSingleStep(1_000)
        self.budget_box.setValue(self.preferences.context_budget)
        self.budget_box.setSuffix(" tokens (estimated)")
        self.edit_template_button = QPushButton("Edit this action's prompt…")
        for widget in (
            self.key_edit,
            self.save_key_button,
            self.clear_key_button,
            self.key_status,
            QLabel("Model"),
            self.model_box,
            self.refresh_models_button,
            QLabel("Context budget"),
            self.budget_box,
            self.edit_template_button,
        ):
            st.addWidget(widget)
        st.addStretch(1)
        self.tabs.addTab(settings, "AI settings")

        self.generate_button.clicked.connect(self.generate)
        self.accept_button.clicked.connect(self.accept)
        self.suggest_button.clicked.connect(lambda: self.accept_as_suggestions())
        self.retry_button.clicked.connect(self.retry)
        self.discard_button.clicked.connect(self.discard)
        self.cancel_button.clicked.connect(self.cancel)
        self.refresh_context_button.clicked.connect(self.show_context)
        self.history.currentItemChanged.connect(self._show_history_item)
        self.reinsert_button.clicked.connect(self.reinsert_selected)
        self.save_key_button.clicked.connect(self.save_key)
        self.clear_key_button.clicked.connect(self.clear_key)
        self.refresh_models_button.clicked.connect(self.refresh_models)
        self.model_box.currentTextChanged.connect(self._model_changed)
        self.budget_box.valueChanged.connect(self._budget_changed)
        self.edit_template_button.clicked.connect(self.edit_template)

    # ------------------------------------------------------------------ public API

    def set_scene(self, scene_id: str | None, *, read_history: bool = True) -> None:
        """Make ``scene_id`` the scene that the editor shows and generations are for.

        A running generation is cancelled and a pending one discarded first; both are kept
        in the history, from which they can be re-inserted. With ``read_history`` false (the
        panel is hidden) the scene's history is read when the panel is next shown.
        """
        if self.state == "streaming":
            self.cancel()
        if self.state == "pending":
            self.discard()
        self.scene_id = scene_id
        if read_history:
            self.refresh_history()
        else:
            self.history.clear()
            self._history_stale = True
        self._set_state(self.state)

    def set_action(self, action: str) -> None:
        index = self.action_box.findData(action)
        if index >= 0:
            self.action_box.setCurrentIndex(index)

    @property
    def action(self) -> str:
        return str(self.action_box.currentData())

    def editor_state(self) -> EditorState:
        text = self.editor.toPlainText()
        cursor = self.editor.textCursor()
        start = from_utf16(text, cursor.selectionStart())
        end = from_utf16(text, cursor.selectionEnd()) if cursor.hasSelection() else None
        return EditorState(text, start, end)

    def committed_text(self) -> str:
        """The editor's text without any pending AI insertion: what may be saved."""
        if self.pending is not None:
            return self.pending.committed_text()
        return self.editor.toPlainText()

    def build_context(self) -> AssembledContext | None:
        """Assemble what the AI would see now; show errors in the status line."""
        if self.scene_id is None:
            self._say("Open a scene first.")
            return None
        request = self._request()
        try:
            context = prepare_context(self.library, request, self.preferences)
        except AuthorWorksError as exc:
            self._say(str(exc))
            return None
        self.context_view.setPlainText(context.describe())
        return context

    def show_context(self) -> None:
        """Show what the AI sees: the last request's while one is under way, else a fresh one."""
        if self.state != "idle" and self.context is not None:
            self.context_view.setPlainText(self.context.describe())
            return
        self.build_context()

    # ------------------------------------------------------------------ generation

    def _request(self) -> GenerationRequest:
        assert self.scene_id is not None
        return GenerationRequest(
            scene_id=self.scene_id,
            action=self.action,
            instructions=self.instructions.text(),
            editor=self.editor_state(),
            model=self.model_box.currentText().strip() or None,
        )

    def generate(self) -> None:
        """Start the chosen action; text streams into the editor (or the panel)."""
        if self.state != "idle":
            return
        key = credentials.get_api_key()
        if not key and not self._signed_in():
            self._say(
                "No API key: add one in AI settings (or set ANTHROPIC_API_KEY), or sign in to"
                " a sync server on a plan with hosted AI. Everything else works without it."
            )
            return
        # Without a key of its own, the job asks the sync server's hosted AI (off this thread).
        context = self.build_context()
        if context is None:
            return
        if context.left_out:
            self._say("Left out to fit the budget: " + "; ".join(context.left_out))
        self.context = context
        self._last_request = (self.action, self.instructions.text())
        self.output_mode = context.template.output
        self.panel_text = ""
        self.first_chunk_at = None
        self._ignore_chunks = False
        if self.output_mode in ("insert", "replace"):
            self.pending = PendingInsertion(
                self.editor, replace_selection=self.output_mode == "replace"
            )
        else:
            self.preview.clear()
            self.ideas.clear()
        self.preview.setVisible(self.output_mode in ("synopsis", "list"))
        self.ideas.setVisible(self.output_mode == "list")
        request = self._request()
        library, factory = self.library, self.client_factory

        def job(ctx: JobContext, on_text: Callable[[str], None]) -> Any:
            return run_generation(
                library,
                request,
                ctx=ctx,
                on_text=on_text,
                client_factory=factory,
                api_key=key,
                context=context,
                preferences=self.preferences,
            )

        self._set_state("streaming")
        self._say(f"Writing with {request.model or self.preferences.model}…")
        self.worker = self.background.stream(
            job,
            description="generation",
            on_text=self._on_chunk,
            on_progress=lambda _d, _t, message: self._say(message),
            on_done=self._on_succeeded,
            on_error=self._on_generation_error,
        )

    def _on_chunk(self, piece: str) -> None:
        if self._ignore_chunks:
            return
        if self.pending is not None:
            self.pending.append(piece)
        else:
            self.panel_text += piece
            self.preview.moveCursor(QTextCursor.MoveOperation.End)
            self.preview.insertPlainText(piece)
        if self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()

    def _on_succeeded(self, result: Any) -> None:
        if self.state != "streaming":
            return
        o = result.outcome
        self._say(
            f"{o.model}: {o.input_tokens:,} in ({o.cache_read_tokens:,} cached) /"
            f" {o.output_tokens:,} out tokens, {o.latency_ms:,} ms, {o.stop_reason}."
            " Accept, retry or discard."
        )
        if self.output_mode == "list":
            for idea in parse_ideas(result.text):
                self.ideas.addItem(idea)
        self._set_state("pending")
        self.refresh_history()
        emit(self.generation_finished, result.record_id)

    def _on_generation_error(self, exc: BaseException) -> None:
        # What a failed or cancelled generation still holds: the text so far, its record.
        partial = getattr(exc, "partial_text", "") or ""
        record = getattr(exc, "record_id", "") or ""
        if isinstance(exc, GenerationCancelledError):
            self._on_failed("Cancelled.", partial, record, "cancelled")
        elif isinstance(exc, AuthorWorksError):
            self._on_failed(str(exc), partial, record, "error")
        else:  # a bug: the runner logged it
            self._on_failed(f"generation failed: {type(exc).__name__}: {exc}", "", "", "error")

    def _on_failed(self, message: str, partial: str, record_id: str, kind: str) -> None:
        self.refresh_history()
        if self.state != "streaming":
            # Cancel already settled the panel; the writer may have moved on since.
            emit(self.generation_finished, record_id)
            return
        has_text = bool(self.pending.text if self.pending else self.panel_text)
        if has_text:
            self._say(f"{message} The text so far is kept: accept, retry or discard it.")
            self._set_state("pending")
        else:
            if self.pending is not None:
                self.pending.discard()
                self.pending = None
            self._say(message)
            self._set_state("idle")
        emit(self.generation_finished, record_id)

    def cancel(self) -> None:
        """Stop the request at once; what has arrived stays as pending text."""
        if self.state != "streaming" or self.worker is None:
            return
        self._ignore_chunks = True  # chunks already queued are not shown after Cancel
        self.worker.cancel()
        has_text = bool(self.pending.text if self.pending else self.panel_text)
        self._set_state("pending" if has_text else "idle")
        if not has_text and self.pending is not None:
            self.pending.discard()
            self.pending = None
        self._say("Cancelled." + (" Accept or discard what arrived." if has_text else ""))

    def accept(self) -> None:
        """Keep the result: one undo step in the editor, or the synopsis, or the chosen idea."""
        if self.state != "pending":
            return
        if self.pending is not None:
            self.pending.accept()
            self.pending = None
            self._say("Inserted. Ctrl+Z takes it out again.")
        elif self.output_mode == "synopsis" and self.scene_id is not None:
            apply_synopsis(self.library, self.scene_id, self.panel_text)
            self._say("Saved as the scene's synopsis.")
        elif self.output_mode == "list":
            item = self.ideas.currentItem()
            chosen = item.text() if item is not None else self.panel_text
            self._insert_now(chosen)
        self._set_state("idle")

    def accept_as_suggestions(self) -> int:
        """Turn the pending result into suggested changes from Claude (a rewrite of what it
        replaces, hunk by hunk, or an insertion) instead of text; how many suggestions."""
        pending = self.pending
        if self.state != "pending" or pending is None or self.suggest_handler is None:
            return 0
        start, end, text = pending.start, pending.replace_end, pending.text
        self.discard()  # the editor's text as it was; the suggestions carry the change
        made = self.suggest_handler(start, end, text)
        self._say(
            f"{made} suggested change{'s' if made != 1 else ''} from Claude: accept or reject "
            "them in the Comments dock."
        )
        return made

    def discard(self) -> None:
        if self.state != "pending":
            return
        if self.pending is not None:
            self.pending.discard()
            self.pending = None
        self.preview.clear()
        self.ideas.clear()
        self._set_state("idle")
        self._say("Discarded.")

    def retry(self) -> None:
        """Discard the pending result and run the same action again."""
        if self.state != "pending":
            return
        self.discard()
        if self._last_request is not None:
            self.set_action(self._last_request[0])
            self.instructions.setText(self._last_request[1])
        self.generate()

    def _insert_now(self, text: str) -> None:
        pending = PendingInsertion(self.editor, replace_selection=False)
        pending.accept(text)

    # ------------------------------------------------------------------ history

    def showEvent(self, event: Any) -> None:
        if self._history_stale:
            self.refresh_history()
        if self._key_checks == 0:
            self._check_key_in_background()
        super().showEvent(event)

    def refresh_history(self) -> None:
        self._history_stale = False
        self.history.clear()
        if self.scene_id is None:
            return
        try:
            with self.library.session() as session:
                scene = get_scene(session=session, scene_id=self.scene_id)
                book_id = get_chapter(session=session, chapter_id=scene.chapter_id).book_id
                records = list_generations(session=session, book_id=book_id, scene_id=scene.id)
                rows = [
                    (r.id, r.created_at, r.action, r.stop_reason, r.output, r.model)
                    for r in records
                ]
        except AuthorWorksError as exc:
            self._say(str(exc))
            return
        for rid, created, action, stop, output, model in rows:
            preview = " ".join(output.split())[:60]
            when = created.strftime("%Y-%m-%d %H:%M") if created else ""
            item = QListWidgetItem(f"{when}  {action}  [{stop}]  {preview}")
            item.setData(Qt.ItemDataRole.UserRole, (rid, output, model))
            self.history.addItem(item)

    def _show_history_item(self, item: QListWidgetItem | None, _old: Any = None) -> None:
        if item is None:
            self.history_view.clear()
            return
        _rid, output, model = item.data(Qt.ItemDataRole.UserRole)
        self.history_view.setPlainText(f"[{model}]\n\n{output}")

    def reinsert_selected(self) -> None:
        """Put an earlier result back at the cursor as a pending insertion."""
        item = self.history.currentItem()
        if item is None or self.state != "idle":
            return
        _rid, output, _model = item.data(Qt.ItemDataRole.UserRole)
        self.output_mode = "insert"
        self.pending = PendingInsertion(self.editor, replace_selection=False)
        self.pending.append(output)
        self._set_state("pending")
        self._say("Re-inserted from the history: accept or discard.")

    # ------------------------------------------------------------------ settings

    def _check_key_in_background(self) -> None:
        """Find where the key is, when the panel is first shown and off the UI thread: the
        first keyring call loads the system's keyring back ends (a fifth of a second of
        Python, longer when a locked keyring is slow to answer), and a thread doing that
        competes with the UI thread for the GIL."""
        self._key_checks += 1
        check = self._key_checks
        start_when_settled(
            self,
            lambda: self.background.run(
                lambda _ctx: (check, credentials.key_source()),
                description="API key",
                on_done=self._key_source_found,
            ),
        )

    def _key_source_found(self, result: tuple[int, credentials.KeySource]) -> None:
        check, source = result
        if check == self._key_checks:  # nothing newer (a key saved or cleared) since
            self._show_key_source(source)

    def _refresh_key_status(self) -> None:
        self._key_checks += 1
        self._show_key_source(credentials.key_source())

    def _show_key_source(self, source: credentials.KeySource) -> None:
        self.key_status.setText(
            {
                "environment": "Using the key from ANTHROPIC_API_KEY.",
                "keyring": "A key is stored in the system keyring.",
                "none": "No key: AI generation is off; everything else works.",
            }[source]
        )
        if source == "none" and self._signed_in():
            self._show_hosted_allowance()

    def _signed_in(self) -> bool:
        from core.sync.status import status

        try:
            return bool(self.library is not None and status(self.library).signed_in)
        except AuthorWorksError:
            return False

    def _show_hosted_allowance(self) -> None:
        """Hosted AI on the server: how many tokens are left this month (asked off-thread)."""
        library = self.library

        def job(_ctx: JobContext) -> Any:
            from core.sync.account import account_api

            with account_api(library) as api:
                return api.subscription()

        def shown(subscription: Any) -> None:
            from core.sync.billing import tokens_left

            if not subscription.get("hosted_ai"):
                return
            left = tokens_left(subscription)
            self.hosted_tokens_left = left
            plan = subscription.get("plan_name") or subscription.get("plan")
            self.key_status.setText(
                f"No key of your own: using the server's hosted AI ({plan} plan, "
                + ("unlimited" if left is None else f"{left:,} tokens left this month")
                + ")."
            )

        self.background.run(job, description="plan", on_done=shown, on_failed=lambda _m: None)

    def save_key(self) -> None:
        key = self.key_edit.text()
        self.key_edit.clear()  # the key is not kept in the widget either
        try:
            credentials.set_api_key(key)
        except AuthorWorksError as exc:
            self.key_status.setText(str(exc))
            return
        self._refresh_key_status()

    def clear_key(self) -> None:
        try:
            credentials.clear_api_key()
        except AuthorWorksError as exc:
            self.key_status.setText(str(exc))
            return
        self._refresh_key_status()

    def refresh_models(self) -> None:
        """List the models the key may use (off the UI thread) and keep a sensible choice."""
        key = credentials.get_api_key()
        if not key or self.state != "idle":
            self.key_status.setText("Add an API key to list the models.")
            return
        factory = self.client_factory

        def job(ctx: JobContext) -> Any:
            from core.generation.client import ClaudeClient

            client = (factory or ClaudeClient)(key)
            try:
                return client.list_models()
            finally:
                client.close()

        self.background.run(
            job,
            description="models",
            on_done=self._models_listed,
            on_failed=self.key_status.setText,
        )

    def _models_listed(self, models: list[Any]) -> None:
        chosen = choose_model(self.preferences.model, models)
        self.model_box.blockSignals(True)
        self.model_box.clear()
        for m in models:
            label = f"{m.display_name} ({m.id})" + (" — deprecated" if m.deprecated else "")
            self.model_box.addItem(m.id, m.id)
            self.model_box.setItemData(
                self.model_box.count() - 1, label, Qt.ItemDataRole.ToolTipRole
            )
        self.model_box.setCurrentIndex(max(0, self.model_box.findData(chosen)))
        self.model_box.blockSignals(False)
        self._model_changed(self.model_box.currentText())

    def _model_changed(self, model: str) -> None:
        model = model.strip()
        if model and model != self.preferences.model:
            self.preferences.model = model
            save_preferences(self.preferences)

    def _budget_changed(self, value: int) -> None:
        self.preferences.context_budget = int(value)
        save_preferences(self.preferences)

    def edit_template(self) -> None:
        """Copy the chosen action's prompt to the user's folder and open it for editing."""
        try:
            path = copy_template_for_editing(self.action)
        except (AuthorWorksError, OSError) as exc:
            self._say(str(exc))
            return
        self._say(f"Editing {path}; changes apply to the next generation.")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ------------------------------------------------------------------ state

    def _say(self, message: str) -> None:
        self.status.setText(message)

    def _set_state(self, state: str) -> None:
        self.state = state
        has_scene = self.scene_id is not None
        self.generate_button.setEnabled(state == "idle" and has_scene)
        self.cancel_button.setEnabled(state == "streaming")
        for button in (self.accept_button, self.retry_button, self.discard_button):
            button.setEnabled(state == "pending")
        self.suggest_button.setEnabled(
            state == "pending" and self.pending is not None and self.suggest_handler is not None
        )
        self.reinsert_button.setEnabled(state == "idle")
        emit(self.state_changed, state)

    def busy(self) -> bool:
        """Whether a request is still running."""
        return self.background.busy

    def shutdown(self) -> None:
        """Cancel running requests and wait for them (call before closing)."""
        self.background.close(timeout_ms=5000)

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
