from core.text import (
    Heading,
    Paragraph,
    SceneBreak,
    Span,
    escape_markdown,
    parse_blocks,
    parse_inline,
    plain_text,
    render_blocks,
    render_inline,
)


def test_blocks_paragraphs_headings_and_breaks():
    text = (
        "# Chapter One\n\nFirst line.\nSecond line.\n\n* * *\n\nAfter the break.\n\n⁂\n\n#\n\nEnd."
    )
    blocks = parse_blocks(text)
    assert blocks == [
        Heading(1, "Chapter One"),
        Paragraph("First line.\nSecond line."),
        SceneBreak(),
        Paragraph("After the break."),
        SceneBreak(),
        SceneBreak(),
        Paragraph("End."),
    ]


def test_scene_break_variants():
    for marker in ("***", "* * *", "---", "- - -", "#", "⁂", "  *  *  *  ", "~~~"):
        assert parse_blocks(f"a\n\n{marker}\n\nb") == [Paragraph("a"), SceneBreak(), Paragraph("b")]


def test_render_blocks_round_trips():
    text = "## A heading\n\nOne *two* **three**.\n\n* * *\n\nLine one\nline two"
    assert render_blocks(parse_blocks(text)) == text


def test_inline_styles():
    assert parse_inline("a *b* **c** ***d*** e") == [
        Span("a "),
        Span("b", italic=True),
        Span(" "),
        Span("c", bold=True),
        Span(" "),
        Span("d", bold=True, italic=True),
        Span(" e"),
    ]


def test_unmatched_and_spaced_asterisks_stay_literal():
    assert parse_inline("5 * 3 = 15") == [Span("5 * 3 = 15")]
    assert parse_inline("an *unclosed marker") == [Span("an *unclosed marker")]
    assert parse_inline(r"a \*literal\* star") == [Span("a *literal* star")]


def test_nested_italic_inside_bold():
    assert parse_inline("**bold *both* bold**") == [
        Span("bold ", bold=True),
        Span("both", bold=True, italic=True),
        Span(" bold", bold=True),
    ]


def test_render_inline_round_trips_and_escapes():
    spans = [Span("It was "), Span("very", italic=True), Span(" cold * 2 "), Span("now", bold=True)]
    md = render_inline(spans)
    assert md == r"It was *very* cold \* 2 **now**"
    assert parse_inline(md) == spans


def test_render_inline_keeps_spaces_outside_markers():
    assert render_inline([Span("a"), Span(" b ", italic=True), Span("c")]) == "a *b* c"


def test_escape_markdown_heading_marker():
    assert escape_markdown("#1 hit") == r"\#1 hit"
    assert parse_inline(escape_markdown("#1 *hit*")) == [Span("#1 *hit*")]


def test_plain_text_strips_markup_keeps_unicode():
    md = "“Hello,” she said — *slowly*. **Ναι.** 你好 ⁂"
    assert plain_text(md) == "“Hello,” she said — slowly. Ναι. 你好 ⁂"
