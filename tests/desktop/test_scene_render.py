"""Scene text rendered into a QTextDocument: formats, headings, breaks, Fountain."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextBlock, QTextDocument

from desktop.editor.scene_render import SCENE_BREAK_MARK, SceneText, render_scene, render_scenes


def blocks(doc: QTextDocument) -> list[QTextBlock]:
    out = []
    block = doc.begin()
    while block.isValid():
        out.append(block)
        block = block.next()
    return out


def fragments(doc: QTextDocument) -> list[tuple[str, bool, bool]]:
    """(text, italic, bold) for every run of text in the document."""
    out = []
    for block in blocks(doc):
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            out.append((frag.text(), fmt.fontItalic(), fmt.fontWeight() >= QFont.Weight.Bold.value))
            it += 1
    return out


def test_italic_and_bold_become_char_formats(qapp) -> None:
    doc = QTextDocument()
    render_scene(doc, "She said *slowly*, then **stop**, then ***both*** and plain.")
    runs = fragments(doc)
    assert ("slowly", True, False) in runs
    assert ("stop", False, True) in runs
    assert ("both", True, True) in runs
    assert doc.toPlainText() == "She said slowly, then stop, then both and plain."
    assert "*" not in doc.toPlainText()


def test_escaped_markers_stay_literal(qapp) -> None:
    doc = QTextDocument()
    render_scene(doc, r"Five \* five is *twenty-five*.")
    assert doc.toPlainText() == "Five * five is twenty-five."
    assert ("twenty-five", True, False) in fragments(doc)


def test_paragraphs_headings_and_breaks_are_blocks(qapp) -> None:
    doc = QTextDocument()
    render_scene(doc, "## A Heading\n\nFirst para.\n\nSecond para.\n\n* * *\n\nAfter the break.")
    bl = blocks(doc)
    assert [b.text() for b in bl] == [
        "A Heading", "First para.", "Second para.", SCENE_BREAK_MARK, "After the break.",
    ]  # fmt: skip
    assert bl[0].blockFormat().headingLevel() == 2
    assert fragments(doc)[0] == ("A Heading", False, True)
    assert bl[3].blockFormat().alignment() & Qt.AlignmentFlag.AlignHCenter
    # Book typesetting: no indent after a heading or a break, an indent between paragraphs.
    assert bl[1].blockFormat().textIndent() == 0
    assert bl[2].blockFormat().textIndent() > 0
    assert bl[4].blockFormat().textIndent() == 0


def test_a_newline_inside_a_paragraph_is_a_line_break(qapp) -> None:
    doc = QTextDocument()
    render_scene(doc, "Roses are red,\nviolets are blue.")
    (block,) = blocks(doc)
    assert block.text() == "Roses are red,\u2028violets are blue."


def test_render_replaces_the_previous_content(qapp) -> None:
    doc = QTextDocument()
    render_scene(doc, "Old text.")
    render_scene(doc, "New text.")
    assert doc.toPlainText() == "New text."


def test_render_scenes_puts_title_first_and_breaks_between(qapp) -> None:
    doc = QTextDocument()
    render_scenes(
        doc,
        [SceneText("Opening", "One.", show_title=True), SceneText("", "Two.")],
        title="Chapter One",
    )
    texts = [b.text() for b in blocks(doc)]
    assert texts == ["Chapter One", "Opening", "One.", SCENE_BREAK_MARK, "Two."]
    assert blocks(doc)[0].blockFormat().headingLevel() == 1


def test_fountain_is_shown_as_written(qapp) -> None:
    doc = QTextDocument()
    text = "INT. KITCHEN - NIGHT\n\nMARA\n*whispers* Hello."
    render_scene(doc, text, fountain=True)
    assert doc.toPlainText().replace("\u2028", "\n") == text
    assert not any(italic for _, italic, _ in fragments(doc))
    fmt = blocks(doc)[0].begin().fragment().charFormat()
    assert fmt.font().fixedPitch()
    assert fmt.font().pointSizeF() == doc.defaultFont().pointSizeF()
