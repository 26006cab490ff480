"""One highlighter per document paints every layer, once per edit, merged."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QTextEdit

from desktop.editor.codex_highlighter import CodexHighlighter
from desktop.editor.highlighters import MarkdownHighlighter
from desktop.editor.layered_highlighter import LayerHost
from desktop.editor.scene_editor import SceneEditor
from desktop.editor.spellcheck import SpellCheckHighlighter
from tests.fixtures.plugin import missing_dependency


@pytest.fixture
def spelling() -> None:
    try:
        import spellchecker  # noqa: F401
    except ImportError:
        missing_dependency("pyspellchecker is not installed (pip install pyspellchecker)")


def _formats_at(document: QTextDocument, position: int) -> list[QTextCharFormat]:
    block = document.findBlock(position)
    offset = position - block.position()
    ranges = block.layout().formats()
    return [QTextCharFormat(r.format) for r in ranges if r.start <= offset < r.start + r.length]


def test_overlapping_layers_merge(qtbot):
    editor = SceneEditor()
    qtbot.addWidget(editor)
    editor.layer_factories.append(lambda doc: CodexHighlighter(doc, [("character", "c1", "Mara")]))
    editor.load("s1", "She met **Mara** there.")
    document = editor.document()
    (bold_name,) = _formats_at(document, 11)
    assert bold_name.fontWeight() == QFont.Weight.Bold
    assert bold_name.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert all(f.underlineStyle() == 0 for f in _formats_at(document, 2))
    # One highlighter on the document, which the layers are painted by.
    highlighters = document.findChildren(QSyntaxHighlighter)
    assert len(highlighters) == 1 and isinstance(highlighters[0], MarkdownHighlighter)


def test_a_keystroke_runs_each_layer_once(qtbot, tmp_path, monkeypatch, spelling):
    first = QTextEdit()
    qtbot.addWidget(first)
    loader = SpellCheckHighlighter(first.document(), "en", tmp_path / "d.txt")
    qtbot.waitUntil(loader.is_ready, timeout=10000)

    calls: list[str] = []
    real = SpellCheckHighlighter.layer_ranges

    def counting(self, text):
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(SpellCheckHighlighter, "layer_ranges", counting)
    editor = SceneEditor()
    qtbot.addWidget(editor)
    editor.layer_factories.append(lambda doc: CodexHighlighter(doc, [("character", "c1", "Mara")]))
    layers: list[SpellCheckHighlighter] = []
    editor.layer_factories.append(
        lambda doc: layers.append(SpellCheckHighlighter(doc, "en", tmp_path / "d.txt"))
    )
    editor.load("s1", "Mara saw teh lamp.\n\nThe sea was calm.")
    # The dictionary was loaded already: the scene is checked in the one pass that paints it.
    assert layers[0].is_ready()
    squiggles = [
        (r.start, r.length)
        for r in editor.document().firstBlock().layout().formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    ]
    assert squiggles == [(9, 3)]
    # Each block once (the blank one has nothing to check).
    assert sorted(calls) == ["Mara saw teh lamp.", "The sea was calm."]
    calls.clear()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "x")
    assert calls == ["The sea was calm.x"]


def test_a_plain_host_hands_its_layers_to_the_editor_highlighter(qtbot):
    document = QTextDocument()
    document.setPlainText("Mara *waits*.")
    codex = CodexHighlighter(document, [("character", "c1", "Mara")])
    plain = codex.host
    assert type(plain) is LayerHost
    base = MarkdownHighlighter(document, QTextEdit().palette().text().color(), 12)
    assert codex.host is base and base.layers == [codex] and plain.layers == []
    base.repaint()
    formats = document.firstBlock().layout().formats()
    assert any(r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine for r in formats)
    assert any(r.format.fontItalic() for r in formats)


def test_a_long_scene_is_painted_past_its_first_screen_soon_after(qtbot):
    from desktop.editor.scene_editor import PAINT_AT_ONCE_CHARS

    editor = SceneEditor()
    qtbot.addWidget(editor)
    edits: list[object] = []
    editor.edited.connect(lambda *a: edits.append(a))
    paragraphs = [f"Line {i} has *italic* words." for i in range(2 * PAINT_AT_ONCE_CHARS // 28)]
    editor.load("s1", "\n\n".join(paragraphs))
    document = editor.document()

    def italic_in(block_no: int) -> bool:
        ranges = document.findBlockByNumber(block_no).layout().formats()
        return any(r.format.fontItalic() for r in ranges)

    last = document.blockCount() - 1
    assert italic_in(0)
    assert not italic_in(last)  # not yet: only the first screenful is painted at once
    # Every block has its kind already, so block formats are right from the start.
    assert document.findBlockByNumber(last).userState() == document.firstBlock().userState()
    qtbot.waitUntil(lambda: italic_in(last), timeout=5000)
    assert all(italic_in(n) for n in range(0, last + 1, 2))
    assert edits == [] and not document.isUndoAvailable()
