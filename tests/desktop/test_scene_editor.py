"""The scene editor: exact round trips, emphasis keys, paragraphs, paste, Fountain layout."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QFont, QImage, QTextCursor

from core.sample import read_sample_draft
from core.text import Heading, Paragraph, SceneBreak, Span, render_blocks, render_inline
from desktop.editor import EditorLook, SceneEditor
from desktop.editor.block_kinds import Kind
from desktop.editor.paste import MAX_PASTE_CHARS


@pytest.fixture
def editor(qtbot) -> SceneEditor:
    widget = SceneEditor()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    return widget


def _styles(editor: SceneEditor) -> list[tuple[str, bool, bool]]:
    out = []
    block = editor.document().begin()
    while block.isValid():
        for rng in block.layout().formats():
            fmt = rng.format
            text = block.text()[rng.start : rng.start + rng.length]
            out.append((text, fmt.fontItalic(), fmt.fontWeight() >= QFont.Weight.Bold.value))
        block = block.next()
    return out


# Stored text is any Unicode without \r or U+2029 (core normalises both to "\n").
_stored_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\u2029", blacklist_categories=("Cs",)),
    max_size=200,
) | st.text(alphabet="ab *\\_#-\n\t\u00a0\u2028é—", max_size=80)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_stored_text)
def test_any_stored_text_round_trips_byte_for_byte(editor, text) -> None:
    editor.load("scene", text)
    assert editor.scene_text() == text
    assert not editor.document().isUndoAvailable()


def test_rendered_markdown_round_trips(editor) -> None:
    spans = [Span("Plain "), Span("slanted", italic=True), Span(" and "), Span("heavy", bold=True)]
    text = render_blocks(
        [Heading(2, "A heading"), Paragraph(render_inline(spans)), SceneBreak(), Paragraph("End.")]
    )
    editor.load("scene", text)
    assert editor.scene_text() == text
    styles = _styles(editor)
    assert ("slanted", True, False) in styles
    assert ("heavy", False, True) in styles


def test_every_sample_scene_round_trips(editor) -> None:
    draft = read_sample_draft()
    scenes = [scene for chapter in draft.chapters for scene in chapter.scenes]
    assert scenes
    for scene in scenes:
        editor.load("scene", scene.text)
        assert editor.scene_text() == scene.text


def test_typing_marks_edits_and_enter_starts_a_paragraph(editor, qtbot) -> None:
    editor.load("s1", "")
    revisions: list[int] = []
    editor.edited.connect(lambda scene_id, rev: revisions.append(rev))
    qtbot.keyClicks(editor, "First")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Second")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "line")
    assert editor.scene_text() == "First\n\nSecond\nline"
    assert revisions == sorted(revisions) and len(revisions) >= 10


def test_bold_and_italic_toggle_on_the_selection(editor) -> None:
    editor.load("s1", "A quiet word here.")
    cursor = editor.textCursor()
    cursor.setPosition(8)
    cursor.setPosition(12, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.toggle_bold()
    assert editor.scene_text() == "A quiet **word** here."
    assert editor.textCursor().selectedText() == "word"
    editor.toggle_italic()
    assert editor.scene_text() == "A quiet ***word*** here."
    assert ("word", True, True) in _styles(editor)
    editor.toggle_bold()
    assert editor.scene_text() == "A quiet *word* here."
    editor.toggle_italic()
    assert editor.scene_text() == "A quiet word here."


def test_bold_with_no_selection_takes_the_word_at_the_cursor(editor) -> None:
    editor.load("s1", "Hold fast.")
    cursor = editor.textCursor()
    cursor.setPosition(2)
    editor.setTextCursor(cursor)
    editor.toggle_bold()
    assert editor.scene_text() == "**Hold** fast."


def test_undo_and_redo(editor, qtbot) -> None:
    editor.load("s1", "Begin.")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " More")
    editor.selectAll()
    editor.toggle_italic()
    assert editor.scene_text() == "*Begin. More*"
    editor.undo()
    assert editor.scene_text() == "Begin. More"
    while editor.document().isUndoAvailable():
        editor.undo()
    assert editor.scene_text() == "Begin."
    editor.redo()
    assert editor.scene_text() != "Begin."


def test_headings_and_scene_breaks(editor) -> None:
    editor.load("s1", "Title line")
    editor.set_heading(2)
    assert editor.scene_text() == "## Title line"
    assert editor.document().begin().userState() == Kind.HEADING_2
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insert_scene_break()
    editor.insertPlainText("After.")
    assert editor.scene_text() == "## Title line\n\n* * *\n\nAfter."
    block = editor.document().findBlockByNumber(2)
    assert block.userState() == Kind.SCENE_BREAK
    editor.set_heading(0)
    assert editor.scene_text().endswith("\n\nAfter.")


def _paste(editor: SceneEditor, mime: QMimeData) -> list[str]:
    notes: list[str] = []
    editor.notice.connect(notes.append)
    editor.insertFromMimeData(mime)
    return notes


def test_html_from_a_browser_is_pasted_as_text(editor) -> None:
    editor.load("s1", "")
    mime = QMimeData()
    mime.setHtml("<p>Hello <b>there</b></p><script>x()</script><img src='a.png'>")
    _paste(editor, mime)
    assert editor.scene_text().startswith("Hello there")
    assert "<" not in editor.scene_text()


def test_an_image_alone_is_refused_with_a_message(editor) -> None:
    editor.load("s1", "Keep.")
    mime = QMimeData()
    mime.setImageData(QImage(4, 4, QImage.Format.Format_RGB32))
    notes = _paste(editor, mime)
    assert editor.scene_text() == "Keep."
    assert notes and "Images" in notes[0]


def test_a_huge_paste_is_refused_and_nothing_changes(editor) -> None:
    editor.load("s1", "Keep.")
    mime = QMimeData()
    mime.setText("x" * (MAX_PASTE_CHARS + 1))
    notes = _paste(editor, mime)
    assert editor.scene_text() == "Keep."
    assert notes and "Not pasted" in notes[0] and "MB" in notes[0]


def test_control_characters_are_dropped_from_a_paste(editor) -> None:
    editor.load("s1", "")
    mime = QMimeData()
    mime.setText("a\x00b\r\nc\x07d")
    notes = _paste(editor, mime)
    assert editor.scene_text() == "ab\ncd"
    assert notes and "left out" in notes[0]


SCRIPT = "INT. KITCHEN - NIGHT\n\nRain on the glass.\n\nMARA\n(quietly)\nIt's late.\n\nCUT TO:\n"


def test_fountain_is_laid_out_as_a_script_and_kept_as_text(editor, qtbot) -> None:
    editor.load("s1", SCRIPT, fountain=True)
    assert editor.scene_text() == SCRIPT
    doc = editor.document()
    kinds = [doc.findBlockByNumber(i).userState() for i in range(doc.blockCount())]
    assert kinds[:9] == [
        Kind.SCENE_HEADING, Kind.F_BLANK, Kind.ACTION, Kind.F_BLANK, Kind.CHARACTER,
        Kind.PARENTHETICAL, Kind.DIALOGUE, Kind.F_BLANK, Kind.TRANSITION,
    ]  # fmt: skip
    margin = {Kind(k): doc.findBlockByNumber(i).blockFormat().leftMargin()
              for i, k in enumerate(kinds)}  # fmt: skip
    assert margin[Kind.CHARACTER] > margin[Kind.PARENTHETICAL] > margin[Kind.DIALOGUE] > 0
    assert margin[Kind.ACTION] == 0
    transition = doc.findBlockByNumber(8).blockFormat().alignment()
    assert transition & Qt.AlignmentFlag.AlignRight
    # Typing a new cue and its line lays them out too, after the event loop runs.
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # (QTest cannot type "\n" as a character)
    qtbot.keyClicks(editor, "JON")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Hi.")
    last = doc.lastBlock()
    qtbot.waitUntil(lambda: last.blockFormat().leftMargin() == margin[Kind.DIALOGUE])
    assert last.previous().blockFormat().leftMargin() == margin[Kind.CHARACTER]
    assert editor.scene_text() == SCRIPT + "\nJON\nHi."


def test_the_look_changes_font_width_and_spacing_but_not_the_text(editor) -> None:
    editor.load("s1", "Some words.\n\nMore words.")
    editor.apply_look(EditorLook(font_size=18, text_width=500, line_spacing=180))
    assert editor.scene_text() == "Some words.\n\nMore words."
    assert editor.document().defaultFont().pointSizeF() == 18
    assert editor.document().begin().blockFormat().lineHeight() == 180
    # The text column is 500 px wide, centred in the 800 px editor.
    assert abs(editor.viewport().width() - 500) <= 2
    margins = editor.viewportMargins()
    assert abs(margins.left() - margins.right()) <= 1 and margins.left() > 100


def test_typewriter_scrolling_keeps_the_cursor_mid_view(editor, qtbot) -> None:
    editor.apply_look(EditorLook(typewriter=True))
    editor.load("s1", "\n\n".join(f"Paragraph {i}." for i in range(200)))
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " more")
    middle = editor.viewport().height() / 2
    assert abs(editor.cursorRect().center().y() - middle) < editor.fontMetrics().height() * 2


def test_a_heading_restyles_when_the_line_before_it_changes(qtbot) -> None:

    from desktop.editor.codex_highlighter import CodexHighlighter

    editor = SceneEditor()
    qtbot.addWidget(editor)
    # With another layer on the document (as in the studio), consequences still repaint.
    editor.layer_factories.append(lambda doc: CodexHighlighter(doc, [("character", "c1", "Mara")]))
    editor.load("s1", "Mara waits.\n\n# Title")

    def heading_size() -> float:
        block = editor.document().lastBlock()
        sizes = [r.format.fontPointSize() for r in block.layout().formats()]
        return max(sizes, default=0.0)

    assert heading_size() > editor.look.font_size
    cursor = editor.textCursor()
    cursor.setPosition(len("Mara waits.") + 1)  # the blank line
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "x")  # "# Title" is now inside a paragraph: plain text
    assert editor.document().lastBlock().userState() == Kind.PARAGRAPH
    assert heading_size() == 0.0
    editor.undo()
    assert editor.document().lastBlock().userState() == Kind.HEADING_1
    assert heading_size() > editor.look.font_size
    # Codex names are marked whichever layer painted last.
    first = editor.document().begin()
    assert any(r.format.underlineStyle() != 0 for r in first.layout().formats())
