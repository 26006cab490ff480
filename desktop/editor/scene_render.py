"""Scene text (the Markdown subset) rendered into a QTextDocument as rich text.

The document is built with a cursor and explicit formats rather than through HTML, so what
the reader sees is exactly what core's parser found: ``*italic*`` and ``**bold**`` become
char formats, headings keep their level, and a scene break is a centred ornament. Paragraphs
are set like a printed book: indented first lines, except after a heading or a break.
Screenplay and play scenes hold Fountain, which is shown as it is, in a monospaced font.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)

from core.text import Heading, Paragraph, SceneBreak, parse_blocks, parse_inline

SCENE_BREAK_MARK = "*   *   *"
_HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}
_LINE_HEIGHT_PERCENT = 135
_INDENT_EM = 1.5


@dataclass(frozen=True)
class SceneText:
    """What to show for one scene: its title (shown only when ``show_title``) and text."""

    title: str
    text: str
    show_title: bool = False


class SceneRenderer:
    """Writes scenes into a document; one renderer per document render."""

    def __init__(self, document: QTextDocument, *, fountain: bool = False) -> None:
        self.document = document
        self.fountain = fountain
        self.cursor = QTextCursor(document)
        self._base_size = document.defaultFont().pointSizeF()
        if self._base_size <= 0:
            self._base_size = 12.0
        self._empty = True  # the document's first block is still unused
        self._indent_next = False

    # -------------------------------------------------------------- blocks

    def _block_format(
        self,
        *,
        indent: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        top: float = 0,
        bottom: float = 0,
        heading: int = 0,
    ) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setAlignment(align)
        fmt.setLineHeight(
            _LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        fmt.setTextIndent(self._base_size * _INDENT_EM if indent else 0)
        fmt.setTopMargin(top)
        fmt.setBottomMargin(bottom)
        if heading:
            fmt.setHeadingLevel(heading)
        return fmt

    def _start_block(self, fmt: QTextBlockFormat, char_fmt: QTextCharFormat) -> None:
        if self._empty:
            self.cursor.setBlockFormat(fmt)
            self.cursor.setBlockCharFormat(char_fmt)
            self._empty = False
        else:
            self.cursor.insertBlock(fmt, char_fmt)

    def _plain_char(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Normal)
        fmt.setFontItalic(False)
        return fmt

    def paragraph(self, text: str) -> None:
        # Inside a paragraph a newline is a line break (verse, letters), not a new block.
        block = self._block_format(indent=self._indent_next, bottom=1)
        self._start_block(block, self._plain_char())
        for span in parse_inline(text):
            fmt = self._plain_char()
            fmt.setFontItalic(span.italic)
            fmt.setFontWeight(QFont.Weight.Bold if span.bold else QFont.Weight.Normal)
            self.cursor.insertText(span.text.replace("\n", "\u2028"), fmt)
        self._indent_next = True

    def heading(self, level: int, text: str) -> None:
        level = max(1, min(level, 6))
        char_fmt = self._plain_char()
        char_fmt.setFontWeight(QFont.Weight.Bold)
        char_fmt.setFontPointSize(self._base_size * _HEADING_SCALE[level])
        top = 0 if self._empty else self._base_size * (2.0 if level == 1 else 1.2)
        block = self._block_format(top=top, bottom=self._base_size * 0.8, heading=level)
        self._start_block(block, char_fmt)
        for span in parse_inline(text):
            fmt = QTextCharFormat(char_fmt)
            fmt.setFontItalic(span.italic)
            self.cursor.insertText(span.text, fmt)
        self._indent_next = False

    def scene_break(self) -> None:
        block = self._block_format(
            align=Qt.AlignmentFlag.AlignHCenter, top=self._base_size * 0.6,
            bottom=self._base_size * 0.6,
        )  # fmt: skip
        char_fmt = self._plain_char()
        char_fmt.setForeground(Qt.GlobalColor.gray)
        self._start_block(block, char_fmt)
        self.cursor.insertText(SCENE_BREAK_MARK, char_fmt)
        self._indent_next = False

    def fountain_text(self, text: str) -> None:
        # Scripts are read in a typewriter face at the body size, as they are printed.
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setFamilies(["Courier Prime", "Courier New", "DejaVu Sans Mono", font.family()])
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        font.setFixedPitch(True)
        font.setPointSizeF(self._base_size)
        char_fmt = QTextCharFormat()
        char_fmt.setFont(font)
        self._start_block(self._block_format(), char_fmt)
        self.cursor.insertText(text.replace("\r\n", "\n").replace("\n", "\u2028"), char_fmt)

    # -------------------------------------------------------------- whole scenes

    def markdown(self, text: str) -> None:
        for block in parse_blocks(text):
            if isinstance(block, Paragraph):
                self.paragraph(block.text)
            elif isinstance(block, Heading):
                self.heading(block.level, block.text)
            elif isinstance(block, SceneBreak):
                self.scene_break()

    def scene(self, scene: SceneText) -> None:
        if scene.show_title and scene.title:
            self.heading(2, scene.title)
        if self.fountain:
            self.fountain_text(scene.text)
        else:
            self.markdown(scene.text)


def render_scene(document: QTextDocument, text: str, *, fountain: bool = False) -> None:
    """Replace the document's content with one scene's text."""
    render_scenes(document, [SceneText("", text)], fountain=fountain)


def render_scenes(
    document: QTextDocument,
    scenes: Sequence[SceneText],
    *,
    title: str = "",
    fountain: bool = False,
) -> None:
    """Replace the document's content with ``title`` and the scenes, a break between each."""
    document.clear()
    renderer = SceneRenderer(document, fountain=fountain)
    # One edit block: the document is laid out once at the end, not after every insert
    # (a long chapter in a visible view is several times faster).
    renderer.cursor.beginEditBlock()
    try:
        if title:
            renderer.heading(1, title)
        for number, scene in enumerate(scenes):
            if number:
                renderer.scene_break()
            renderer.scene(scene)
    finally:
        renderer.cursor.endEditBlock()
