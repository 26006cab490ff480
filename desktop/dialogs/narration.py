"""The narration panel: cast voices, preview a paragraph, render a chapter or the book, listen.

Everything it does is a core call: :class:`~core.narration.job.NarrationPlan` for the text and
casting, :func:`~core.narration.job.preview_paragraph` and
:class:`~core.narration.job.NarrationJob` for audio, run off the UI thread by the dialog's
:class:`~desktop.jobs.background.Background`. Playback uses QtMultimedia (PySide6-Addons) when it is
installed and an audio device exists; otherwise the result opens in the system's player, and
nothing else depends on sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.narration.casting_store import lexicon_lines
from core.narration.engines import VoiceInfo, VoiceSettings, get_engine
from core.store.library import Library
from desktop.jobs.background import Background
from desktop.jobs.runner import JobRunner

NARRATOR_CHOICE = ""  # the casting combo's entry for "the narrator reads this character"


class AudioPlayer(QWidget):
    """Play/pause and a position slider over QMediaPlayer; degrades to an "Open" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: Path | None = None
        self._player: Any = None
        self.play_button = QPushButton("Play")
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setEnabled(False)
        self.time_label = QLabel("0:00 / 0:00")
        self.open_button = QPushButton("Open in player")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.play_button, self.position, self.time_label, self.open_button):
            row.addWidget(w)
        self.play_button.clicked.connect(self.toggle)
        self.open_button.clicked.connect(self.open_external)
        self.position.sliderMoved.connect(self._seek)
        self.set_source(None)

    @property
    def available(self) -> bool:
        """True when in-app playback can work (QtMultimedia is installed)."""
        return self._ensure_player() is not None

    def _ensure_player(self) -> Any:
        if self._player is None:
            try:
                from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
            except ImportError:  # PySide6-Essentials alone has no multimedia
                self._player = False
                return None
            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            self._player.durationChanged.connect(self._on_duration)
            self._player.positionChanged.connect(self._on_position)
            self._player.playbackStateChanged.connect(self._on_state)
        return self._player or None

    def set_source(self, path: Path | None) -> None:
        """Load a file to play (None: nothing loaded)."""
        self.source = path
        self.play_button.setEnabled(path is not None)
        self.open_button.setEnabled(path is not None)
        player = self._ensure_player() if path is not None else None
        if player is not None:
            player.stop()
            player.setSource(QUrl.fromLocalFile(str(path)))
            self.position.setEnabled(True)
        elif path is not None:
            self.play_button.setEnabled(False)
            self.play_button.setToolTip("In-app playback needs PySide6-Addons (QtMultimedia)")

    def play(self) -> None:
        player = self._ensure_player()
        if player is not None and self.source is not None:
            player.play()

    def toggle(self) -> None:
        player = self._ensure_player()
        if player is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            player.pause()
        else:
            player.play()

    def stop(self) -> None:
        if self._player:
            self._player.stop()

    def open_external(self) -> None:
        if self.source is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.source)))

    def _seek(self, ms: int) -> None:
        if self._player:
            self._player.setPosition(ms)

    def _on_duration(self, ms: int) -> None:
        self.position.setRange(0, ms)
        self._update_label()

    def _on_position(self, ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(ms)
        self._update_label()

    def _on_state(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    def _update_label(self) -> None:
        self.time_label.setText(
            f"{_clock(self.position.value())} / {_clock(self.position.maximum())}"
        )


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class VoiceEditor(QWidget):
    """A voice choice: voice id, rate and pitch."""

    def __init__(self, voices: list[VoiceInfo], *, allow_narrator: bool) -> None:
        super().__init__()
        self.voice = QComboBox()
        if allow_narrator:
            self.voice.addItem("(narrator)", NARRATOR_CHOICE)
        for v in voices:
            label = f"{v.name} ({v.id})" if v.name != v.id else v.id
            self.voice.addItem(label, v.id)
        self.rate = QSpinBox()
        self.rate.setRange(80, 450)
        self.rate.setSuffix(" wpm")
        self.pitch = QSpinBox()
        self.pitch.setRange(0, 100)
        self.pitch.setPrefix("pitch ")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.voice, 1)
        row.addWidget(self.rate)
        row.addWidget(self.pitch)
        self.set_value({})

    def set_value(self, data: dict[str, Any], default_voice: str = NARRATOR_CHOICE) -> None:
        wanted = str(data.get("voice") or default_voice)
        index = self.voice.findData(wanted)
        if index < 0 and wanted:  # a voice not installed here: keep it, marked
            self.voice.addItem(f"{wanted} (not installed)", wanted)
            index = self.voice.count() - 1
        self.voice.setCurrentIndex(max(0, index))
        settings = VoiceSettings.from_dict(data, VoiceSettings(wanted or "x"))
        self.rate.setValue(settings.rate)
        self.pitch.setValue(settings.pitch)

    def value(self) -> VoiceSettings | None:
        voice = self.voice.currentData()
        if not voice:
            return None
        return VoiceSettings(str(voice), self.rate.value(), self.pitch.value())


class NarrationDialog(QDialog):
    """Narrate a chapter or the whole book: casting, preview, render with progress, player."""

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.book_id = book_id
        self.setWindowTitle("Narration")
        self.engine: Any = None
        self.engine_error = ""
        self.runner: JobRunner | None = None
        self.result: Any = None
        self.preview_path: Path | None = None
        # One job at a time: a preview and a render would fight over the engine.
        self.background = Background(self, max_threads=1)
        self._paragraphs: list[Any] = []
        self._load_book()
        self._build()
        self._fill()

    # ------------------------------------------------------------------ data

    def _load_book(self) -> None:
        from core.narration.casting import narration_settings
        from core.store.codex import list_codex
        from core.store.manuscript import get_book, list_chapters

        with self.library.session() as s:
            book = get_book(session=s, book_id=self.book_id)
            self.book_title = book.title
            self.settings = narration_settings(book.metadata_)
            self.chapters = [
                (c.title or f"Chapter {i}")
                for i, c in enumerate(list_chapters(session=s, book_id=book.id), 1)
            ]
            self.characters = [
                (c.id, c.name, dict(getattr(c, "voice", None) or {}))
                for c in list_codex(session=s, book_id=book.id, kind="character")
            ]
        try:
            self.engine = get_engine(self.settings.get("engine") or None)
            self.voices = self.engine.voices()
        except AuthorWorksError as exc:
            self.engine_error = str(exc)
            self.voices = []

    def plan(self, chapter: int | None) -> Any:
        """A NarrationPlan of ``chapter`` (None: the book), with the casting on screen saved."""
        from core.narration.job import NarrationPlan

        self.save_casting()
        return NarrationPlan(self.library, self.book_id, chapter=chapter, engine=self.engine)

    def chapter_number(self) -> int | None:
        return self.scope.currentData()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.scope = QComboBox()
        self.scope.addItem(f"Whole book: {self.book_title}", None)
        for number, title in enumerate(self.chapters, start=1):
            self.scope.addItem(f"{number}. {title}", number)
        form.addRow("Narrate", self.scope)
        self.engine_label = QLabel(self.engine.name if self.engine else self.engine_error)
        self.engine_label.setWordWrap(True)
        form.addRow("Engine", self.engine_label)
        self.narrator = VoiceEditor(self.voices, allow_narrator=False)
        form.addRow("Narrator", self.narrator)
        layout.addLayout(form)

        self.cast_table = QTableWidget(len(self.characters), 2)
        self.cast_table.setHorizontalHeaderLabels(["Character", "Voice"])
        self.cast_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.cast_table.verticalHeader().setVisible(False)
        self.cast_editors: dict[str, VoiceEditor] = {}
        for row, (char_id, name, _voice) in enumerate(self.characters):
            self.cast_table.setCellWidget(row, 0, QLabel(name))
            editor = VoiceEditor(self.voices, allow_narrator=True)
            self.cast_table.setCellWidget(row, 1, editor)
            self.cast_editors[char_id] = editor
        layout.addWidget(QLabel("Voices of the characters (their quoted lines)"))
        layout.addWidget(self.cast_table)
        self.lexicon = QPlainTextEdit()
        self.lexicon.setPlaceholderText("Pronunciations, one a line: Quill = Kwill")
        self.lexicon.setMaximumHeight(70)
        layout.addWidget(self.lexicon)

        self.paragraph_list = QListWidget()
        layout.addWidget(QLabel("Paragraphs (select one to preview)"))
        layout.addWidget(self.paragraph_list, 1)
        self.preview_button = QPushButton("Preview paragraph")
        self.output = QLineEdit()
        self.output.setPlaceholderText("Output file: .m4b, .mp3 or .wav")
        self.browse_button = QPushButton("Browse…")
        out_row = QHBoxLayout()
        out_row.addWidget(self.preview_button)
        out_row.addWidget(self.output, 1)
        out_row.addWidget(self.browse_button)
        layout.addLayout(out_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.render_button = QPushButton("Render")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        run_row = QHBoxLayout()
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.render_button)
        run_row.addWidget(self.cancel_button)
        layout.addLayout(run_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.player = AudioPlayer(self)
        layout.addWidget(self.player)

        self.scope.currentIndexChanged.connect(self.refresh_paragraphs)
        self.preview_button.clicked.connect(self.preview_selected)
        self.browse_button.clicked.connect(self._browse)
        self.render_button.clicked.connect(self.start_render)
        self.cancel_button.clicked.connect(self.cancel)
        if self.engine is None:
            for w in (self.preview_button, self.render_button):
                w.setEnabled(False)
            self.status.setText(self.engine_error)

    def _fill(self) -> None:
        default = self.engine.default_voice if self.engine else NARRATOR_CHOICE
        self.narrator.set_value(self.settings.get("narrator") or {}, default)
        for char_id, _name, voice in self.characters:
            self.cast_editors[char_id].set_value(voice)
        lexicon = self.settings.get("lexicon") or {}
        self.lexicon.setPlainText(lexicon_lines(lexicon))
        self.output.setText(str(Path.home() / f"{_safe_name(self.book_title)}.m4b"))
        self.refresh_paragraphs()

    # ------------------------------------------------------------------ casting

    def save_casting(self) -> None:
        """Write the narrator, character voices and lexicon on screen to the library."""
        from core.domain import Character
        from core.narration.casting_store import (
            lexicon_with,
            set_character_voice,
            set_lexicon,
            set_narrator_voice,
        )
        from core.store.manuscript import get_book

        # A line the lexicon cannot read raises ValidationError: the caller shows it.
        lexicon = lexicon_with({}, self.lexicon.toPlainText().splitlines())

        with self.library.session() as s:
            book = get_book(session=s, book_id=self.book_id)
            if self.engine is not None:
                set_narrator_voice(session=s, book=book, voice=self.narrator.value())
            set_lexicon(session=s, book=book, lexicon=lexicon)
            for char_id, editor in self.cast_editors.items():
                character = s.get(Character, char_id)
                if character is not None:
                    set_character_voice(session=s, character=character, voice=editor.value())

    # ------------------------------------------------------------------ paragraphs and preview

    def refresh_paragraphs(self) -> None:
        """List the paragraphs of the chosen chapter (the first chapter for the whole book)."""
        self.paragraph_list.clear()
        self._paragraphs = []
        if self.engine is None or not self.chapters:
            return
        from core.narration.job import NarrationPlan

        number = self.chapter_number() or 1
        plan = NarrationPlan(self.library, self.book_id, chapter=number, engine=self.engine)
        for para in plan.scripts()[0].paragraphs:
            speakers = {plan.speaker_name(c.speaker) for c in para.clips} - {"Narrator"}
            who = f"[{', '.join(sorted(speakers))}] " if speakers else ""
            text = " ".join(c.text for c in para.clips)
            item = QListWidgetItem(who + (text if len(text) < 140 else text[:137] + "…"))
            self.paragraph_list.addItem(item)
            self._paragraphs.append(para)
        if self._paragraphs:
            self.paragraph_list.setCurrentRow(0)

    def preview_selected(self) -> JobRunner | None:
        """Render the selected paragraph in its voices and play it."""
        row = self.paragraph_list.currentRow()
        if not 0 <= row < len(self._paragraphs) or self.runner is not None:
            return None
        from core.narration.job import preview_paragraph

        # Re-read the paragraph through a new plan, so that edited casting and lexicon apply.
        try:
            plan = self.plan(self.chapter_number() or 1)
        except AuthorWorksError as exc:  # a lexicon line it cannot read, say
            self.status.setText(str(exc))
            return None
        paragraphs = plan.scripts()[0].paragraphs
        para = paragraphs[row] if row < len(paragraphs) else self._paragraphs[row]
        self.status.setText("Rendering the preview…")
        return self._start(lambda ctx: preview_paragraph(plan, para), self._preview_done, "preview")

    def _preview_done(self, path: Path) -> None:
        self.preview_path = path
        self.status.setText("Preview ready.")
        self.player.set_source(path)
        self.player.play()

    # ------------------------------------------------------------------ render

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save the narration",
            self.output.text(),
            "Audiobook (*.m4b);;MP3 (*.mp3);;WAV (*.wav)",
        )
        if name:
            self.output.setText(name)

    def start_render(self) -> JobRunner | None:
        """Narrate the chosen chapter or book to the output file, in a worker."""
        if self.runner is not None or self.engine is None:
            return None
        from core.narration.assembly import check_writable, output_format
        from core.narration.job import NarrationJob

        target = Path(self.output.text().strip()).expanduser()
        try:
            output_format(target)
            check_writable(target)  # say so now, not after the render
            job = NarrationJob(self.plan(self.chapter_number()), target)
        except AuthorWorksError as exc:
            self.status.setText(str(exc))
            return None
        self.player.stop()
        self.player.set_source(None)
        self.status.setText("Narrating…")
        return self._start(job, self._render_done, "narration")

    def _render_done(self, result: Any) -> None:
        self.result = result
        minutes, seconds = divmod(round(result.duration), 60)
        lines = [
            f"Wrote {result.output} ({minutes}:{seconds:02d}, {len(result.chapters)} chapter(s); "
            f"{result.rendered} clip(s) rendered, {result.reused} reused)."
        ]
        lines += result.warnings
        self.status.setText("\n".join(lines))
        self.player.set_source(Path(result.output))

    def cancel(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.status.setText("Cancelling…")

    def _start(self, job: Any, on_done: Any, description: str) -> JobRunner:
        self._set_busy(True)
        runner = self.background.run(
            job,
            description=description,
            on_progress=self._on_progress,
            on_done=on_done,
            on_failed=self.status.setText,
            on_cancelled=lambda: self.status.setText(
                "Cancelled. Rendered paragraphs are kept for next time."
            ),
            on_ended=lambda: self._job_ended(runner),
        )
        self.runner = runner
        return runner

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _job_ended(self, runner: JobRunner) -> None:
        if self.runner is runner:
            self.runner = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.render_button, self.preview_button, self.scope):
            w.setEnabled(not busy and self.engine is not None)
        self.cancel_button.setEnabled(busy)

    def done(self, result: int) -> None:
        # Closing while a job runs: ask it to stop and wait, so no thread outlives the dialog.
        self.background.close(timeout_ms=30_000)
        self.player.stop()
        super().done(result)


def _safe_name(title: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip()
    return " ".join(keep.split()) or "Narration"
