"""Screenplay and stage-play PDFs in industry layout.

Screenplays: US Letter, Courier 12 pt at six lines to the inch, 1.5 inch left and 1 inch
right margins; scene headings and action across the full width, character cues at 3.7
inches from the page edge, parentheticals at 3.1, dialogue at 2.5 inches, 3.5 inches wide;
transitions flush right; page numbers top right from page 2. That gives the familiar
"one page a minute". Plays: character names centred in capitals, dialogue across the page,
stage directions indented. Scene headings and character cues never end a page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from core.export.content import BookContent
from core.export.options import ExportOptions
from core.export.pdf_text import SCRIPT_FONT, check_direction, markup_text, register_fonts
from core.export.screenplay import Element, Kind, parse_fountain, strip_title_page
from core.jobs import JobContext
from core.text import plain_text

LEFT, RIGHT, TOP, BOTTOM = 1.5 * inch, 1.0 * inch, 1.0 * inch, 1.0 * inch
_EMPHASIS_RE = re.compile(r"(\*\*\*|\*\*|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _markup(text: str) -> str:
    # Courier has no italic or bold shipped: emphasis is underlined, as on a typewriter.
    out = markup_text(text, SCRIPT_FONT)
    return _EMPHASIS_RE.sub(lambda m: f"<u>{m.group(2)}</u>", out)


def _styles(play: bool) -> dict[Kind, ParagraphStyle]:
    base = ParagraphStyle(
        "script",
        fontName=SCRIPT_FONT,
        fontSize=12,
        leading=12,
        alignment=TA_LEFT,
        spaceAfter=12,
        allowWidows=0,
        allowOrphans=0,
    )
    width = LETTER[0] - LEFT - RIGHT

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    if play:
        return {
            Kind.SCENE_HEADING: style(
                "heading", alignment=TA_CENTER, spaceBefore=12, keepWithNext=1
            ),
            Kind.ACTION: style("direction", leftIndent=2.0 * inch),
            Kind.CHARACTER: style("character", alignment=TA_CENTER, spaceAfter=0, keepWithNext=1),
            Kind.PARENTHETICAL: style("paren", leftIndent=1.0 * inch, spaceAfter=0, keepWithNext=1),
            Kind.DIALOGUE: style("dialogue"),
            Kind.TRANSITION: style("transition", alignment=TA_RIGHT),
            Kind.CENTERED: style("centered", alignment=TA_CENTER),
            Kind.LYRICS: style("lyrics", leftIndent=0.5 * inch),
        }
    return {
        Kind.SCENE_HEADING: style("heading", spaceBefore=12, keepWithNext=1),
        Kind.ACTION: style("action"),
        Kind.CHARACTER: style("character", leftIndent=2.2 * inch, spaceAfter=0, keepWithNext=1),
        Kind.PARENTHETICAL: style(
            "paren",
            leftIndent=1.6 * inch,
            rightIndent=width - 3.6 * inch,
            spaceAfter=0,
            keepWithNext=1,
        ),
        Kind.DIALOGUE: style("dialogue", leftIndent=1.0 * inch, rightIndent=width - 4.5 * inch),
        Kind.TRANSITION: style("transition", alignment=TA_RIGHT),
        Kind.CENTERED: style("centered", alignment=TA_CENTER),
        Kind.LYRICS: style("lyrics", leftIndent=1.0 * inch, rightIndent=width - 4.5 * inch),
    }


class _ScriptDoc(BaseDocTemplate):
    def __init__(self, target: str, has_title_page: bool, **kw: Any) -> None:
        super().__init__(target, pagesize=LETTER, initialFontName=SCRIPT_FONT, **kw)
        self.has_title_page = has_title_page
        frame = Frame(
            LEFT,
            BOTTOM,
            LETTER[0] - LEFT - RIGHT,
            LETTER[1] - TOP - BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate("script", [frame], onPageEnd=self._number)])

    def _number(self, canv: Any, doc: Any) -> None:
        # Script pages are numbered from the first page after the title page; page 1 shows none.
        number = self.page - (1 if self.has_title_page else 0)
        if number >= 2:
            canv.saveState()
            canv.setFont(SCRIPT_FONT, 12)
            canv.drawRightString(LETTER[0] - RIGHT, LETTER[1] - 0.5 * inch, f"{number}.")
            canv.restoreState()


def _title_page(book: BookContent, meta: dict[str, str]) -> list[Flowable]:
    centre = ParagraphStyle(
        "tp", fontName=SCRIPT_FONT, fontSize=12, leading=12, alignment=TA_CENTER, spaceAfter=12
    )
    left = ParagraphStyle("tpl", parent=centre, alignment=TA_LEFT, spaceAfter=0)
    title = meta.get("title") or book.title
    author = meta.get("author") or meta.get("authors") or book.author
    credit = meta.get("credit") or ("Written by" if author else "")
    story: list[Flowable] = [Spacer(1, 3 * inch), Paragraph(_markup(title.upper()), centre)]
    if book.subtitle:
        story.append(Paragraph(_markup(book.subtitle), centre))
    story.append(Spacer(1, 24))
    if credit:
        story.append(Paragraph(_markup(credit), centre))
    if author:
        story.append(Paragraph(_markup(author), centre))
    contact = meta.get("contact") or book.contact
    if contact:
        story.append(Spacer(1, 3 * inch))
        story.extend(
            Paragraph(_markup(line), left) for line in contact.splitlines() if line.strip()
        )
    story.append(PageBreak())
    return story


def write_script_pdf(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write a screenplay or play as a PDF in industry layout to ``target``."""
    check_direction(book)
    register_fonts()
    play = book.content_type == "play"
    styles = _styles(play)
    first_meta: dict[str, str] = {}
    story: list[Flowable] = []
    total = len(book.chapters)
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Laying out {chapter.display_title}")
        if play and chapter.title.strip():
            story.append(Paragraph(_markup(chapter.title.upper()), styles[Kind.SCENE_HEADING]))
        for scene in chapter.scenes:
            meta, text = strip_title_page(scene.text)
            first_meta = first_meta or meta
            if book.content_type not in ("screenplay", "play"):
                text = plain_text(text)
            elements = parse_fountain(text)
            if scene.title.strip() and (not elements or elements[0].kind is not Kind.SCENE_HEADING):
                elements.insert(0, Element(Kind.SCENE_HEADING, scene.title.strip().upper()))
            for element in elements:
                if element.kind is Kind.PAGE_BREAK:
                    story.append(PageBreak())
                    continue
                text_markup = _markup(element.text)
                if element.kind is Kind.CHARACTER and play:
                    text_markup = text_markup.upper()
                story.append(Paragraph(text_markup, styles[element.kind]))
    if not story:
        story.append(Paragraph("", styles[Kind.ACTION]))
    title_page = options.title_page
    if title_page:
        story = _title_page(book, first_meta) + story
    doc = _ScriptDoc(
        str(target),
        title_page,
        title=book.title,
        author=book.author,
        creator="AuthorWorks",
        lang=book.language,
    )
    ctx.progress(total, total, "Writing the PDF")

    def check_cancel(kind: str, value: Any) -> None:
        if kind == "PAGE":
            ctx.check()

    doc.setProgressCallBack(check_cancel)
    doc.build(story)
