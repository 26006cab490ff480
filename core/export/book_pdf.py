"""Print PDF of a novel: trim sizes, mirrored margins, running heads, a real contents page.

Laid out with reportlab's platypus. Right-hand (recto) and left-hand (verso) pages
alternate with the gutter on the spine side; every chapter opens on a recto, with a blank
verso inserted when needed. Headings keep with the text that follows, paragraphs leave no
widows or orphans. Page numbers in the contents are PDF form objects filled in when the
chapter is placed, so the book is laid out in one pass, however long it is.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable

from core.export.content import BookContent, ChapterContent
from core.export.copyright_notice import notice_lines, notice_parts
from core.export.flow import Break, SceneTitle, Subheading, Synopsis, TextParagraph, chapter_flow
from core.export.geometry import PageGeometry, geometry_for
from core.export.options import ExportOptions
from core.export.pdf_text import (
    BODY_FONT,
    check_direction,
    markup_spans,
    markup_text,
    register_fonts,
)
from core.jobs import JobContext
from core.text import parse_blocks, parse_inline


def _styles(g: PageGeometry) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=BODY_FONT,
        fontSize=g.font_size,
        leading=g.leading,
        alignment=TA_JUSTIFY,
        firstLineIndent=1.5 * g.font_size,
        allowWidows=0,
        allowOrphans=0,
        embeddedHyphenation=0,
        uriWasteReduce=0,
    )
    s = {"body": body}
    s["first"] = ParagraphStyle("first", parent=body, firstLineIndent=0)
    s["chapter"] = ParagraphStyle(
        "chapter",
        parent=body,
        fontSize=g.font_size * 1.7,
        leading=g.font_size * 2.1,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceBefore=0,
        spaceAfter=g.leading * 2.5,
        keepWithNext=1,
    )
    s["scene_title"] = ParagraphStyle(
        "scene_title",
        parent=body,
        fontName=f"{BODY_FONT}-Italic",
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceBefore=g.leading,
        spaceAfter=g.leading * 0.6,
        keepWithNext=1,
    )
    s["subheading"] = ParagraphStyle(
        "subheading",
        parent=body,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceBefore=g.leading * 0.8,
        spaceAfter=g.leading * 0.4,
        keepWithNext=1,
    )
    s["break"] = ParagraphStyle(
        "break",
        parent=body,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceBefore=g.leading * 0.5,
        spaceAfter=g.leading * 0.5,
        keepWithNext=1,
    )
    s["synopsis"] = ParagraphStyle(
        "synopsis",
        parent=body,
        fontName=f"{BODY_FONT}-Italic",
        alignment=TA_LEFT,
        firstLineIndent=0,
        leftIndent=g.font_size * 2,
        rightIndent=g.font_size * 2,
        spaceAfter=g.leading,
        keepWithNext=1,
    )
    s["title"] = ParagraphStyle(
        "title",
        parent=body,
        fontSize=g.font_size * 2.4,
        leading=g.font_size * 2.9,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceAfter=g.leading,
    )
    s["subtitle"] = ParagraphStyle(
        "subtitle",
        parent=s["title"],
        fontName=f"{BODY_FONT}-Italic",
        fontSize=g.font_size * 1.3,
        leading=g.font_size * 1.7,
        spaceAfter=0,
    )
    s["author"] = ParagraphStyle(
        "author", parent=s["title"], fontSize=g.font_size * 1.4, leading=g.font_size * 1.8
    )
    s["small"] = ParagraphStyle(
        "small",
        parent=body,
        fontSize=g.font_size * 0.8,
        leading=g.font_size * 1.1,
        alignment=TA_LEFT,
        firstLineIndent=0,
        spaceAfter=g.font_size * 0.6,
    )
    s["toc"] = ParagraphStyle("toc", parent=body, alignment=TA_LEFT, firstLineIndent=0)
    s["toc_page"] = ParagraphStyle("toc_page", parent=s["toc"], alignment=TA_RIGHT)
    return s


class _Anchor(Flowable):
    """A zero-size mark where a chapter (or other TOC entry) starts."""

    def __init__(self, key: str, title: str, opener: bool = True) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.opener = opener

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)


class _PageNumberRef(Flowable):
    """A TOC page number: draws a form that is defined once the entry's page is known."""

    def __init__(self, key: str, width: float, style: ParagraphStyle) -> None:
        super().__init__()
        self.key = key
        self.width = width
        self.style = style

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.style.leading

    def draw(self) -> None:
        descent = self.style.leading - self.style.fontSize
        self.canv.translate(self.width, descent)
        self.canv.doForm(f"pageno-{self.key}")


class _SkipVerso(ActionFlowable):
    """After a page break: if the new page is a verso, leave it blank and go on to the recto."""

    def apply(self, doc: Any) -> None:
        if doc.page % 2 == 0:
            doc.blank_pages.add(doc.page)
            doc.handle_pageBreak()


class _FrontMatter(ActionFlowable):
    """Switches front-matter mode: pages ended in it get no running head or number."""

    def __init__(self, on: bool) -> None:
        super().__init__()
        self.on = on

    def apply(self, doc: Any) -> None:
        doc.front_matter = self.on


class _BookDoc(BaseDocTemplate):
    def __init__(self, target: str, book: BookContent, g: PageGeometry, **kw: Any) -> None:
        super().__init__(target, pagesize=(g.width, g.height), **kw)
        self.book = book
        self.geometry = g
        self.blank_pages: set[int] = set()
        self.plain_pages: set[int] = set()  # no running head (front matter, chapter openers)
        self.front_matter = False
        self.entry_pages: dict[str, int] = {}
        frame_w = g.width - g.inside - g.outside
        frame_h = g.height - g.top - g.bottom
        recto = Frame(
            g.inside,
            g.bottom,
            frame_w,
            frame_h,
            id="recto",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        verso = Frame(
            g.outside,
            g.bottom,
            frame_w,
            frame_h,
            id="verso",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("recto", [recto], onPageEnd=self._decorate),
                PageTemplate("verso", [verso], onPageEnd=self._decorate),
            ]
        )
        self.frame_size = (frame_w, frame_h)

    def handle_pageBegin(self) -> None:
        # The page's parity alone decides its template: odd pages are rectos.
        self.pageTemplate = self.pageTemplates[0 if (self.page + 1) % 2 == 1 else 1]
        super().handle_pageBegin()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Anchor):
            self.entry_pages[flowable.key] = self.page
            if flowable.opener:
                self.plain_pages.add(self.page)
            self.canv.addOutlineEntry(flowable.title, flowable.key, level=0)
            self._define_page_number(flowable.key, self.page)

    def _define_page_number(self, key: str, page: int) -> None:
        c = self.canv
        c.beginForm(f"pageno-{key}", lowerx=-72, lowery=-4, upperx=0, uppery=24)
        c.setFont(BODY_FONT, self.geometry.font_size)
        c.drawRightString(0, 0, str(page))
        c.endForm()

    def _decorate(self, canv: Any, doc: Any) -> None:
        page = self.page
        if self.front_matter or page in self.blank_pages or self._curPageFlowableCount == 0:
            return
        g = self.geometry
        is_recto = page % 2 == 1
        left = g.inside if is_recto else g.outside
        centre = left + (g.width - g.inside - g.outside) / 2
        size = g.font_size * 0.8
        canv.saveState()
        if page not in self.plain_pages:
            head = self.book.title if is_recto or not self.book.author else self.book.author
            canv.setFont(BODY_FONT, size)
            canv.drawCentredString(
                centre, g.height - g.top + g.leading * 0.9, head.upper(), charSpace=size * 0.12
            )
        canv.setFont(BODY_FONT, size)
        canv.drawCentredString(centre, g.bottom - g.leading * 1.6, str(page))
        canv.restoreState()


def _prose(text: str, style: ParagraphStyle, first: ParagraphStyle) -> list[Flowable]:
    out: list[Flowable] = []
    for i, block in enumerate(parse_blocks(text)):
        raw = getattr(block, "text", "")
        if raw:
            out.append(Paragraph(markup_spans(parse_inline(raw)), first if i == 0 else style))
    return out


def _chapter_story(
    chapter: ChapterContent, options: ExportOptions, s: dict[str, ParagraphStyle], drop: float
) -> list[Flowable]:
    ornament = markup_text(options.scene_break or "* * *")
    story: list[Flowable] = [
        _Anchor(f"ch{chapter.number}", chapter.display_title),
        Spacer(1, drop),
        Paragraph(markup_text(chapter.display_title), s["chapter"]),
    ]
    for item in chapter_flow(chapter, options):
        if isinstance(item, TextParagraph):
            story.append(
                Paragraph(markup_spans(item.spans), s["first"] if item.first else s["body"])
            )
        elif isinstance(item, Break):
            story.append(Paragraph(ornament, s["break"]))
        elif isinstance(item, SceneTitle):
            story.append(Paragraph(markup_text(item.text), s["scene_title"]))
        elif isinstance(item, Subheading):
            story.append(Paragraph(markup_text(item.text), s["subheading"]))
        elif isinstance(item, Synopsis):
            story.append(Paragraph(markup_spans(parse_inline(item.text)), s["synopsis"]))
    return story


def write_book_pdf(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` as a print-ready PDF at ``options.trim`` to ``target``."""
    check_direction(book)
    register_fonts()
    g = geometry_for(options.trim)
    s = _styles(g)
    doc = _BookDoc(
        str(target),
        book,
        g,
        title=book.title,
        author=book.author,
        subject=book.description,
        creator="AuthorWorks",
        lang=book.language,
        initialFontName=BODY_FONT,
    )
    frame_w, frame_h = doc.frame_size
    story: list[Flowable] = []
    # Title, copyright and contents pages carry neither running head nor page number.
    story.append(_FrontMatter(True))

    def new_page(recto: bool = False) -> None:
        if len(story) > 1:
            story.append(PageBreak())
            if recto:
                story.append(_SkipVerso())

    if options.title_page:
        story.append(Spacer(1, frame_h * 0.22))
        story.append(Paragraph(markup_text(book.title), s["title"]))
        if book.subtitle:
            story.append(Paragraph(markup_text(book.subtitle), s["subtitle"]))
        story.append(Spacer(1, frame_h * 0.25))
        if book.author:
            story.append(Paragraph(markup_text(book.author), s["author"]))
    if options.copyright_page:
        new_page()
        story.append(Spacer(1, frame_h * 0.6))
        story.extend(
            Paragraph(
                "".join(
                    f'<link href="{escape(p.url)}">{markup_text(p.text)}</link>'
                    if p.url
                    else markup_text(p.text)
                    for p in notice_parts(line)
                ),
                s["small"],
            )
            for line in notice_lines(book)
        )
    show_about = options.about_author and bool(book.about_author.strip())
    if options.table_of_contents:
        new_page(recto=True)
        story.append(Paragraph("Contents", s["chapter"]))
        number_w = g.font_size * 3
        entries = [(f"ch{ch.number}", ch.display_title) for ch in book.chapters]
        if show_about:
            entries.append(("about", "About the Author"))
        rows = [
            [Paragraph(markup_text(title), s["toc"]), _PageNumberRef(key, number_w, s["toc"])]
            for key, title in entries
        ]
        table = Table(rows, colWidths=[frame_w - number_w, number_w])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("FONT", (0, 0), (-1, -1), BODY_FONT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)

    drop = frame_h * 0.18  # chapter openers start lower on the page ("sink")
    total = len(book.chapters)
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Laying out chapter {done + 1} of {total}")
        new_page(recto=True)
        if done == 0:
            story.append(_FrontMatter(False))
        story.extend(_chapter_story(chapter, options, s, drop))
    if show_about:
        new_page(recto=True)
        story.append(_Anchor("about", "About the Author"))
        story.append(Spacer(1, drop))
        story.append(Paragraph("About the Author", s["chapter"]))
        story.extend(_prose(book.about_author, s["body"], s["first"]))

    ctx.progress(total, total, "Writing the PDF")

    def check_cancel(kind: str, value: Any) -> None:
        if kind == "PAGE":
            ctx.check()

    doc.setProgressCallBack(check_cancel)
    doc.build(story)
