"""Squiggles under misspelled words, suggestions in the context menu, personal dictionary."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QMenu, QTextEdit

from core.text.spelling import PersonalDictionary
from desktop.editor.codex_highlighter import CodexHighlighter
from desktop.editor.spellcheck import SpellCheckHighlighter, add_spelling_actions
from tests.fixtures.plugin import missing_dependency


@pytest.fixture(autouse=True)
def _needs_pyspellchecker() -> None:
    try:
        import spellchecker  # noqa: F401
    except ImportError:
        missing_dependency("pyspellchecker is not installed (pip install pyspellchecker)")


def _squiggles(editor: QTextEdit) -> list[tuple[int, int]]:
    block = editor.document().firstBlock()
    return [
        (r.start, r.length)
        for r in block.layout().formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    ]


def _editor(qtbot, text: str, tmp_path) -> tuple[QTextEdit, SpellCheckHighlighter]:
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    highlighter = SpellCheckHighlighter(editor.document(), "en", tmp_path / "dictionary.txt")
    qtbot.waitUntil(highlighter.is_ready, timeout=10000)
    return editor, highlighter


def test_misspelled_words_get_squiggles_but_markup_and_codex_names_do_not(qtbot, tmp_path):
    editor, highlighter = _editor(qtbot, "The *keeper* saw teh Brannoch light.", tmp_path)
    assert _squiggles(editor) == [(17, 3), (21, 8)]
    CodexHighlighter(editor.document(), [("location", "l1", "Brannoch")])
    highlighter.rehighlight()
    assert _squiggles(editor) == [(17, 3)]


def test_context_menu_suggestion_replaces_word_undoably(qtbot, tmp_path):
    editor, _highlighter = _editor(qtbot, "She saw teh lamp.", tmp_path)
    menu = QMenu()
    menu.addAction("Copy")
    assert add_spelling_actions(menu, editor, 9)
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "the"
    assert "Add “teh” to Dictionary" in labels and labels[-1] == "Copy"
    menu.actions()[0].trigger()
    assert editor.toPlainText() == "She saw the lamp."
    editor.document().undo()
    assert editor.toPlainText() == "She saw teh lamp."
    assert not add_spelling_actions(QMenu(), editor, 1)  # "She" is right


def test_add_to_dictionary_persists_and_clears_squiggle(qtbot, tmp_path):
    editor, highlighter = _editor(qtbot, "Qwzxy rules.", tmp_path)
    assert _squiggles(editor) == [(0, 5)]
    highlighter.add_to_dictionary("Qwzxy")
    assert _squiggles(editor) == []
    assert "Qwzxy" in PersonalDictionary.load(tmp_path / "dictionary.txt")
    highlighter.set_enabled(False)
    editor.setPlainText("teh")
    assert _squiggles(editor) == []


def test_unknown_language_reports_failure(qtbot, tmp_path):
    editor = QTextEdit()
    qtbot.addWidget(editor)
    highlighter = SpellCheckHighlighter(editor.document(), "tlh", tmp_path / "d.txt")
    with qtbot.waitSignal(highlighter.failed, timeout=10000) as blocker:
        pass
    assert "no spelling dictionary" in blocker.args[0]
    assert not highlighter.is_ready()


def test_in_the_scene_editor_a_recheck_paints_the_view_at_once_and_the_rest_in_steps(
    qtbot, tmp_path
):
    """A dictionary arriving or a word added re-checks the scene: what is in view at once,
    the rest of a long scene a few blocks at a time, so the UI never waits for all of it."""
    from desktop.editor import SceneEditor

    editor = SceneEditor()
    qtbot.addWidget(editor)
    editor.resize(600, 400)
    editor.show()
    layers: list[SpellCheckHighlighter] = []
    editor.layer_factories.append(
        lambda document: layers.append(
            SpellCheckHighlighter(document, "en", tmp_path / "dictionary.txt")
        )
    )
    editor.load("s1", "\n\n".join(f"Line {i} has a Qwzxy in it." for i in range(400)))
    highlighter = layers[-1]
    qtbot.waitUntil(highlighter.is_ready, timeout=10000)
    last = editor.document().lastBlock()

    def squiggled(block) -> bool:
        return any(
            r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
            for r in block.layout().formats()
        )

    qtbot.waitUntil(lambda: squiggled(last), timeout=10000)  # the load paints it all in steps

    highlighter.add_to_dictionary("Qwzxy")
    assert not squiggled(editor.document().firstBlock())  # in view: at once
    assert squiggled(last)  # far below: not yet
    qtbot.waitUntil(lambda: not squiggled(last), timeout=10000)
