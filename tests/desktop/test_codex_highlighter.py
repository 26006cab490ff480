"""Codex names are marked in the editor's document, and Ctrl+click finds their entry."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QTextEdit

from core.store.codex import CodexName
from desktop.editor.codex_highlighter import CodexHighlighter, codex_entry_at


def _formats(document: QTextDocument, block_no: int = 0) -> list[tuple[int, int]]:
    block = document.findBlockByNumber(block_no)
    return [
        (r.start, r.length)
        for r in block.layout().formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    ]


def test_names_and_aliases_are_underlined_whole_words(qtbot):
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText("Anna Marsh met Anna at Gannet Rock.\nAnnabel rocks.")
    highlighter = CodexHighlighter(
        editor.document(),
        [
            CodexName("character", "c1", "Anna Marsh"),
            ("character", "c1", "Anna"),
            ("location", "l1", "Gannet Rock"),
            ("location", "l2", "Rock"),
        ],
    )
    assert _formats(editor.document(), 0) == [(0, 10), (15, 4), (23, 11)]
    assert _formats(editor.document(), 1) == []  # "Annabel" and "rocks" are other words
    assert {n.entry_id for n in highlighter.names} == {"c1", "l1", "l2"}


def test_codex_entry_at_position(qtbot):
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText("Intro line.\nThey sailed to Gannet Rock with Anna.")
    CodexHighlighter(
        editor.document(),
        [("location", "l1", "Gannet Rock"), ("character", "c1", "Anna")],
    )
    second = editor.document().findBlockByNumber(1).position()
    assert codex_entry_at(editor.document(), second + 16) == ("location", "l1")
    assert codex_entry_at(editor.document(), second + 33) == ("character", "c1")
    assert codex_entry_at(editor.document(), second + 2) is None
    assert codex_entry_at(QTextDocument(), 0) is None


def test_set_entries_rehighlights(qtbot):
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText("Bram keeps the lamp.")
    highlighter = CodexHighlighter(editor.document(), [])
    assert _formats(editor.document()) == []
    highlighter.set_entries([("character", "c2", "Bram")])
    assert _formats(editor.document()) == [(0, 4)]
    assert codex_entry_at(editor.document(), 1) == ("character", "c2")
