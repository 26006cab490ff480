"""Fountain export: a plain-text screenplay any screenwriting program opens.

Screenplay and play scenes are stored as Fountain already; the export adds the title
page, a section per chapter (``#``, which does not print), synopses (``=``) when asked,
and a scene heading from the scene's title where the text does not begin with one.
Novels come out as action paragraphs under their chapter sections.
"""

from __future__ import annotations

from pathlib import Path

from core.export.content import BookContent
from core.export.options import ExportOptions
from core.export.screenplay import is_scene_heading, strip_title_page
from core.jobs import JobContext
from core.text import plain_text


def _title_page(book: BookContent) -> list[str]:
    lines = [f"Title: {book.title}"]
    if book.subtitle:
        lines.append(f"    {book.subtitle}")
    if book.author:
        lines += ["Credit: Written by", f"Author: {book.author}"]
    lines.append(f"Draft date: {book.modified.strftime('%d %B %Y').lstrip('0')}")
    contact = [line.strip() for line in book.contact.splitlines() if line.strip()]
    if contact:
        lines.append("Contact:")
        lines += [f"    {line}" for line in contact]
    return lines


def _scene_heading(title: str) -> str:
    title = " ".join(title.split())
    return title.upper() if is_scene_heading(title) else "." + title.upper()


def fountain_document(book: BookContent, options: ExportOptions, ctx: JobContext) -> str:
    """The book as one Fountain document."""
    scripted = book.content_type in ("screenplay", "play")
    parts: list[str] = ["\n".join(_title_page(book))]
    total = len(book.chapters)
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Chapter {done + 1} of {total}")
        parts.append(f"# {chapter.display_title}")
        if options.synopses and chapter.synopsis.strip():
            parts.append("= " + " ".join(chapter.synopsis.split()))
        for scene in chapter.scenes:
            _, text = strip_title_page(scene.text) if scripted else ({}, scene.text)
            text = text.strip("\n") if scripted else plain_text(text)
            first_line = next((ln for ln in text.split("\n") if ln.strip()), "")
            if (
                scene.title.strip()
                and (scripted or options.scene_titles)
                and not is_scene_heading(first_line)
            ):
                parts.append(_scene_heading(scene.title))
            if options.synopses and scene.synopsis.strip():
                parts.append("= " + " ".join(scene.synopsis.split()))
            if text.strip():
                parts.append(text if scripted else _novel_action(text))
    ctx.progress(total, total, "Writing")
    return "\n\n".join(parts) + "\n"


def _novel_action(text: str) -> str:
    # Prose paragraphs as action; "!" stops an all-capitals line being taken for a cue.
    paragraphs = []
    for para in text.split("\n\n"):
        if para.strip() == "* * *":
            continue
        first = para.split("\n", 1)[0]
        if first.strip() and first.upper() == first and any(ch.isalpha() for ch in first):
            para = "!" + para
        paragraphs.append(para)
    return "\n\n".join(paragraphs)


def write_fountain(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` as a Fountain screenplay to ``target``."""
    target.write_text(fountain_document(book, options, ctx), encoding="utf-8", newline="\n")
