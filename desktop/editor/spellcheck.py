"""Spell-checking in the editor: red squiggles, suggestions and the personal dictionary.

``SpellCheckHighlighter(document, language, personal_dictionary)`` marks misspelled words with
Qt's spell-check underline. The dictionary for ``language`` (the book's language) is loaded on
a worker thread the first time, as that takes most of a second; squiggles appear when it is
ready (signal ``ready``). Once loaded it is shared, so the highlighter of the next scene checks
at once, in the same pass that paints the scene (no second pass over the scene in view).
Words that are codex names (from a :class:`CodexHighlighter` on the same document) are never
marked.

For the editor's context menu, :func:`add_spelling_actions` puts the suggestions, "Add to
Dictionary" and "Ignore" at the top of a menu when the click was on a misspelled word.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit

from core.errors import AuthorWorksError
from core.text.spelling import Misspelling, PersonalDictionary, SpellCheck, speller_is_loaded
from desktop.app import start_when_settled
from desktop.editor.codex_highlighter import CodexHighlighter
from desktop.editor.layered_highlighter import FormatRange, HighlightLayer
from desktop.jobs.background import Background, shared_background

_log = logging.getLogger(__name__)


class SpellCheckHighlighter(HighlightLayer):
    """Red squiggles under misspelled words of a document."""

    layer_order = 20
    ready = Signal()
    failed = Signal(str)

    def __init__(
        self,
        document: QTextDocument,
        language: str,
        personal_dictionary: PersonalDictionary | Path | None = None,
        *,
        background: Background | None = None,
    ) -> None:
        super().__init__(document)
        self.background = background or shared_background()
        if not isinstance(personal_dictionary, PersonalDictionary):
            personal_dictionary = PersonalDictionary.load(personal_dictionary)
        self.personal = personal_dictionary
        self._ignored: set[str] = set()
        self._check: SpellCheck | None = None
        self._generation = 0
        self.enabled = True
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor("#d32f2f"))
        self.language = language
        self.set_language(language)

    # ------------------------------------------------------------------ language

    def set_language(self, language: str) -> None:
        """Check in another language (the book's changed); loads its dictionary off-thread."""
        self.language = language
        self._check = None
        self._generation += 1
        generation, personal = self._generation, self.personal
        if speller_is_loaded(language):
            # Loaded before (another scene): nothing slow left to do.
            try:
                check = SpellCheck(language, personal)
            except AuthorWorksError as exc:
                self._on_loaded(str(exc), generation)
            else:
                self._on_loaded(check, generation)
            return

        def load(_ctx: object) -> tuple[object, int]:
            try:
                return SpellCheck(language, personal), generation
            except AuthorWorksError as exc:
                return str(exc), generation
            except Exception as exc:  # a broken dictionary must not take the editor down
                _log.exception("loading the %s dictionary failed", language)
                return f"Spelling dictionary for {language!r} failed to load: {exc}", generation

        # Not at once: opening the window asks for it first (see start_when_settled). A bound
        # method as the slot: if the highlighter is gone by then, Qt drops the call.
        start_when_settled(
            self,
            lambda: self.background.run(
                load, description="spelling dictionary", on_done=self._on_loaded_pair
            ),
        )

    def _on_loaded_pair(self, loaded: tuple[object, int]) -> None:
        self._on_loaded(*loaded)

    def _on_loaded(self, result: object, generation: int) -> None:
        if generation != self._generation:
            return  # a newer language was asked for meanwhile
        if isinstance(result, SpellCheck):
            result.ignore(self._ignored)
            self._check = result
            self.rehighlight_all()
            self.ready.emit()
        else:
            self.failed.emit(str(result))

    def is_ready(self) -> bool:
        return self._check is not None

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rehighlight_all()

    # ------------------------------------------------------------------ checking

    def _skipped_ranges(self, text: str) -> list[tuple[int, int]]:
        codex = self.sibling(CodexHighlighter)
        if not isinstance(codex, CodexHighlighter):
            return []
        return [(start, end) for start, end, _name in codex.matches(text)]

    def misspellings(self, text: str) -> list[Misspelling]:
        """Misspelled words of one block's text, less codex names."""
        if self._check is None or not self.enabled:
            return []
        skipped = self._skipped_ranges(text)
        return [
            m
            for m in self._check.misspellings(text)
            if not any(start < m.end and m.start < end for start, end in skipped)
        ]

    def layer_ranges(self, text: str) -> list[FormatRange]:
        return [(m.start, m.end - m.start, self._format) for m in self.misspellings(text)]

    def misspelling_at(self, position: int) -> tuple[int, int, str] | None:
        """(start, end, word) in document positions of the misspelled word at ``position``."""
        block = self._document.findBlock(position)
        if not block.isValid():
            return None
        offset = position - block.position()
        for m in self.misspellings(block.text()):
            if m.start <= offset <= m.end:
                return block.position() + m.start, block.position() + m.end, m.word
        return None

    def suggestions(self, word: str, limit: int = 8) -> list[str]:
        """Likely corrections of ``word`` (empty until the dictionary is loaded)."""
        return self._check.suggestions(word, limit) if self._check is not None else []

    def add_to_dictionary(self, word: str) -> None:
        """Teach the personal dictionary ``word`` (saved at once) and re-check."""
        self.personal.add(word)
        self.rehighlight_all()

    def ignore_word(self, word: str) -> None:
        """Accept ``word`` until the app closes."""
        self._ignored.add(word)
        if self._check is not None:
            self._check.ignore([word])
        self.rehighlight_all()


def add_spelling_actions(
    menu: QMenu, editor: QTextEdit | QPlainTextEdit, position: int, *, limit: int = 6
) -> bool:
    """Put spelling actions at the top of ``menu`` if ``position`` is on a misspelled word.

    Call from the editor's ``contextMenuEvent`` with
    ``editor.cursorForPosition(event.pos()).position()``; returns whether actions were added.
    A chosen suggestion replaces the word as one undoable edit.
    """
    highlighter = next(iter(editor.document().findChildren(SpellCheckHighlighter)), None)
    if highlighter is None:
        return False
    found = highlighter.misspelling_at(position)
    if found is None:
        return False
    start, end, word = found
    first = menu.actions()[0] if menu.actions() else None
    actions: list[QAction] = []

    def replace_with(text: str) -> None:
        cursor = QTextCursor(editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()

    suggestions = highlighter.suggestions(word, limit)
    for suggestion in suggestions:
        action = QAction(suggestion, menu)
        action.triggered.connect(lambda _=False, s=suggestion: replace_with(s))
        font = action.font()
        font.setBold(True)
        action.setFont(font)
        actions.append(action)
    if not suggestions:
        none = QAction("No suggestions", menu)
        none.setEnabled(False)
        actions.append(none)
    add = QAction(f"Add “{word}” to Dictionary", menu)
    add.triggered.connect(lambda: highlighter.add_to_dictionary(word))
    ignore = QAction("Ignore", menu)
    ignore.triggered.connect(lambda: highlighter.ignore_word(word))
    actions += [add, ignore]
    for action in actions:
        if first is not None:
            menu.insertAction(first, action)
        else:
            menu.addAction(action)
    if first is not None:
        menu.insertSeparator(first)
    return True
