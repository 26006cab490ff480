"""The editor's marker positions agree with core's inline parser on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import parse_inline
from desktop.editor.block_kinds import Kind, fountain_kind, markdown_kind
from desktop.editor.inline_markup import inline_layout, visible_spans


@settings(max_examples=2000)
@given(st.text(alphabet="ab *\\_#\n", max_size=40))
def test_styled_runs_match_core_spans(text: str) -> None:
    expected = [(s.text, s.bold, s.italic) for s in parse_inline(text)]
    assert visible_spans(text) == expected


def test_markers_are_the_stars_and_escapes() -> None:
    layout = inline_layout(r"a *b* \* **c**")
    assert layout.markers == [(2, 3), (4, 5), (6, 7), (9, 11), (12, 14)]


def test_markdown_line_kinds_follow_core() -> None:
    assert markdown_kind("# Title", Kind.NONE) is Kind.HEADING_1
    assert markdown_kind("# Title", Kind.PARAGRAPH) is Kind.PARAGRAPH  # mid-paragraph text
    assert markdown_kind("* * *", Kind.PARAGRAPH) is Kind.SCENE_BREAK
    assert markdown_kind("   ", Kind.PARAGRAPH) is Kind.BLANK


def test_fountain_cue_needs_a_line_after_it() -> None:
    assert fountain_kind("MARA", Kind.F_BLANK, "Hello.") is Kind.CHARACTER
    assert fountain_kind("MARA", Kind.F_BLANK, "") is Kind.ACTION
    assert fountain_kind("(beat)", Kind.CHARACTER, "x") is Kind.PARENTHETICAL
    assert fountain_kind("EXT. PIER - DAY", Kind.F_BLANK, "") is Kind.SCENE_HEADING
    assert fountain_kind("SMASH CUT TO:", Kind.F_BLANK, "") is Kind.TRANSITION
