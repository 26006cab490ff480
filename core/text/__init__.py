"""Manuscript text: the Markdown subset that scene text is stored in, and word counts."""

from core.text.markdown_subset import (
    Block,
    Heading,
    Paragraph,
    SceneBreak,
    Span,
    escape_markdown,
    is_scene_break,
    parse_blocks,
    parse_inline,
    plain_text,
    render_blocks,
    render_inline,
)
from core.text.wordcount import count_characters, count_words

__all__ = [
    "Block",
    "Heading",
    "Paragraph",
    "SceneBreak",
    "Span",
    "count_characters",
    "count_words",
    "escape_markdown",
    "is_scene_break",
    "parse_blocks",
    "parse_inline",
    "plain_text",
    "render_blocks",
    "render_inline",
]
