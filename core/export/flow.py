"""A chapter as the flat run of items every prose exporter lays out.

The rules that make a chapter read like a book live here once: scenes are separated by a
scene break (never one before the first scene or after the last), the first paragraph of
a chapter or after a break is not indented, synopses and scene titles appear only when the
writer asked for them, and headings inside scene text are kept below the chapter heading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from core.export.content import ChapterContent
from core.export.options import ExportOptions
from core.text import Heading, Paragraph, SceneBreak, Span, parse_blocks, parse_inline


@dataclass(frozen=True, slots=True)
class Synopsis:
    text: str


@dataclass(frozen=True, slots=True)
class SceneTitle:
    text: str


@dataclass(frozen=True, slots=True)
class Subheading:
    level: int  # 2..6: headings inside a scene's text, kept below the chapter's own level
    text: str


@dataclass(frozen=True, slots=True)
class TextParagraph:
    spans: tuple[Span, ...]
    first: bool  # opens the chapter or follows a break/heading: no first-line indent
    markdown: str  # the paragraph as stored (for the Markdown exporter)


@dataclass(frozen=True, slots=True)
class Break:
    pass


FlowItem = Synopsis | SceneTitle | Subheading | TextParagraph | Break


def chapter_flow(chapter: ChapterContent, options: ExportOptions) -> Iterator[FlowItem]:
    """The items of ``chapter`` in reading order."""
    if options.synopses and chapter.synopsis.strip():
        yield Synopsis(chapter.synopsis.strip())
    first = True
    emitted_scene = False
    for scene in chapter.scenes:
        blocks = parse_blocks(scene.text)
        has_title = options.scene_titles and bool(scene.title.strip())
        has_synopsis = options.synopses and bool(scene.synopsis.strip())
        if not blocks and not has_title and not has_synopsis:
            continue
        if emitted_scene:
            yield Break()
            first = True
        emitted_scene = True
        if has_title:
            yield SceneTitle(scene.title.strip())
            first = True
        if has_synopsis:
            yield Synopsis(scene.synopsis.strip())
        for block in blocks:
            if isinstance(block, Paragraph):
                yield TextParagraph(tuple(parse_inline(block.text)), first, block.text)
                first = False
            elif isinstance(block, Heading):
                yield Subheading(max(2, min(block.level + 1, 6)), block.text)
                first = True
            elif isinstance(block, SceneBreak):
                yield Break()
                first = True


def spans_text(spans: tuple[Span, ...] | list[Span]) -> str:
    """The plain text of styled spans."""
    return "".join(span.text for span in spans)


def inline_plain(markdown: str) -> str:
    """Inline Markdown (a title, a synopsis) as plain text."""
    return spans_text(parse_inline(markdown))
