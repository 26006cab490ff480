"""XHTML content documents to blocks: emphasis from tags, classes and styles; breaks; notes."""

from __future__ import annotations

from core.importers.xhtml_blocks import body_blocks, css_class_styles, parse_xhtml
from core.text import Heading, Paragraph, SceneBreak


def _blocks(body: str) -> list:
    return body_blocks(
        parse_xhtml(
            (
                '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
                f"<head><title>t</title><style>p {{}}</style></head><body>{body}</body></html>"
            ).encode()
        )
    )


def test_emphasis_from_tags_classes_and_inline_styles() -> None:
    blocks = _blocks(
        '<p>One <span class="italic">two</span> <span style="font-weight: 700">three</span> '
        '<em>four <span style="font-style: normal">five</span></em> <cite>six</cite>.</p>'
    )
    assert blocks == [Paragraph("One *two* **three** *four* five *six*.")]


def test_line_breaks_whitespace_and_literal_markup() -> None:
    blocks = _blocks("<p>  Roses are   red,<br/>\n   violets * blue \\ </p><p>#hashtag</p>")
    assert blocks == [Paragraph("Roses are red,\nviolets \\* blue \\\\"), Paragraph("\\#hashtag")]


def test_breaks_headings_and_notes() -> None:
    blocks = _blocks(
        "<section><h2>Part<br/>The Start</h2><p>Text<a epub:type='noteref' href='#n1'>1</a>.</p>"
        '<p class="scene-break">❦</p><div class="dinkus"/><p>After.</p><hr/>'
        '<p class="break">This paragraph has a break-ish class but real text in it.</p>'
        "<aside epub:type='footnote' id='n1'><p>A note.</p></aside></section>"
    )
    assert blocks == [
        Heading(2, "Part: The Start"),
        Paragraph("Text."),
        SceneBreak(),
        Paragraph("After."),
        SceneBreak(),
        Paragraph("This paragraph has a break-ish class but real text in it."),
    ]


def test_block_elements_inside_text_split_paragraphs() -> None:
    blocks = _blocks("<div>Loose text<blockquote><p>Quoted</p></blockquote>tail</div>")
    assert blocks == [Paragraph("Loose text"), Paragraph("Quoted"), Paragraph("tail")]


def test_emphasis_from_stylesheet_classes() -> None:
    css = css_class_styles(
        "/* calibre */ .calibre5 { font-style: italic } span.calibre7, .x {font-weight: bold}\n"
        "p.plain { font-style: normal; } div p.nested { font-style: italic } .big {font-size: 2em}"
    )
    assert css == {"calibre5": (None, True), "calibre7": (True, None), "x": (True, None),
                   "plain": (None, False)}  # fmt: skip
    root = parse_xhtml(
        b"<html><body><p>A <span class='calibre5'>slanted</span> and "
        b"<span class='calibre7 big'>heavy</span> word.</p></body></html>"
    )
    assert body_blocks(root, css) == [Paragraph("A *slanted* and **heavy** word.")]
    assert body_blocks(root) == [Paragraph("A slanted and heavy word.")]
