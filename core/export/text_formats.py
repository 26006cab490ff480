"""Markdown and plain-text export: one file, a heading per chapter.

The Markdown reads back through our own importer as the same chapters and scenes: a front
matter block carries the metadata, ``#`` starts a chapter, ``* * *`` separates scenes,
``##`` gives a scene its title when scene titles are included, and a backslash at a line's
end keeps a line break inside a paragraph (verse, letters).
"""

from __future__ import annotations

from pathlib import Path

from core.export.content import BookContent
from core.export.flow import (
    Break,
    SceneTitle,
    Subheading,
    Synopsis,
    TextParagraph,
    chapter_flow,
    inline_plain,
    spans_text,
)
from core.export.options import ExportOptions
from core.jobs import JobContext


def _yaml_value(value: str) -> str:
    # Double quotes keep YAML readers (pandoc) from taking ": " or "#" as syntax.
    one_line = " ".join(value.split())
    if '"' in one_line or "\\" in one_line:
        return one_line
    return f'"{one_line}"'


def _front_matter(book: BookContent) -> list[str]:
    lines = ["---", f"title: {_yaml_value(book.title)}"]
    for key, value in (
        ("subtitle", book.subtitle),
        ("author", book.author),
        ("lang", book.language),
        ("description", book.description),
    ):
        if value.strip():
            lines.append(f"{key}: {_yaml_value(value)}")
    lines.append("---")
    return lines


def _heading_text(text: str) -> str:
    # Headings are read back verbatim by the importer, so only whitespace is normalised.
    return " ".join(text.split())


def markdown_document(book: BookContent, options: ExportOptions, ctx: JobContext) -> str:
    """The whole book as one Markdown document."""
    parts: list[str] = ["\n".join(_front_matter(book))]
    total = len(book.chapters)
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Chapter {done + 1} of {total}")
        parts.append(f"# {_heading_text(chapter.display_title)}")
        for item in chapter_flow(chapter, options):
            if isinstance(item, TextParagraph):
                parts.append(item.markdown.replace("\n", "\\\n"))
            elif isinstance(item, Break):
                parts.append("* * *")
            elif isinstance(item, SceneTitle):
                parts.append(f"## {_heading_text(item.text)}")
            elif isinstance(item, Subheading):
                parts.append(f"{'#' * max(3, item.level)} {_heading_text(item.text)}")
            elif isinstance(item, Synopsis):
                parts.append("> " + item.text.replace("\n", "\n> "))
    ctx.progress(total, total, "Writing")
    return "\n\n".join(parts) + "\n"


def plain_text_document(book: BookContent, options: ExportOptions, ctx: JobContext) -> str:
    """The whole book as plain text, without markup."""
    head = [book.title]
    if book.subtitle:
        head.append(book.subtitle)
    if book.author:
        head.append(f"by {book.author}")
    parts: list[str] = ["\n".join(head)]
    total = len(book.chapters)
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Chapter {done + 1} of {total}")
        parts.append("\n" + chapter.display_title)
        for item in chapter_flow(chapter, options):
            if isinstance(item, TextParagraph):
                parts.append(spans_text(item.spans))
            elif isinstance(item, Break):
                parts.append("* * *")
            elif isinstance(item, SceneTitle | Subheading):
                parts.append(item.text)
            elif isinstance(item, Synopsis):
                parts.append(f"[{inline_plain(item.text)}]")
    ctx.progress(total, total, "Writing")
    return "\n\n".join(parts) + "\n"


def write_markdown(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` as Markdown to ``target``."""
    target.write_text(markdown_document(book, options, ctx), encoding="utf-8", newline="\n")


def write_plain_text(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` as plain UTF-8 text to ``target``."""
    target.write_text(plain_text_document(book, options, ctx), encoding="utf-8", newline="\n")
