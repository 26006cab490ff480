"""DOCX export with python-docx: standard manuscript format, and a formatted book.

Manuscript format is what agents and editors ask for: Times New Roman 12 pt, double-spaced,
1 inch margins, a header "Surname / SHORT TITLE / page" from page 2 on, the contact block
and a rounded word count on the first page, each chapter on a new page a third of the way
down, and ``#`` between scenes. The formatted style is set at the trim size with mirrored
margins. Both use real Title and Heading 1 styles, so the document map, Word's navigation
pane and importers all see the chapters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from core.export.content import BookContent
from core.export.copyright_notice import notice_lines, notice_parts
from core.export.docx_review import ReviewRuns, has_review_marks
from core.export.docx_runs import append_run
from core.export.flow import Break, SceneTitle, Subheading, Synopsis, TextParagraph, chapter_flow
from core.export.geometry import geometry_for
from core.export.options import ExportOptions
from core.jobs import JobContext
from core.text import Span, parse_blocks, parse_inline

MANUSCRIPT_FONT = "Times New Roman"
BOOK_FONT = "Georgia"


def rounded_word_count(words: int) -> str:
    """The word count as manuscript title pages give it: "about 81,000 words"."""
    if words < 100:
        return f"{words:,} words"
    step = 100 if words < 10_000 else 1000
    rounded = max(step, round(words / step) * step)
    return f"about {rounded:,} words"


_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with"}


def short_title(title: str, words: int = 3) -> str:
    """The few key words of a title for a manuscript header ("The Keeper of Gannet Rock"
    -> "Keeper of Gannet"): no leading article, no dangling small word at the end."""
    parts = title.split()
    while len(parts) > 1 and parts[0].lower() in {"a", "an", "the"}:
        parts = parts[1:]
    parts = parts[:words]
    while len(parts) > 1 and parts[-1].lower() in _SMALL_WORDS:
        parts = parts[:-1]
    return " ".join(parts) or title


def _set_font(style_or_run: Any, name: str, size: float | None = None) -> None:
    """Set a font on every script slot, dropping theme fonts that would override it."""
    font = style_or_run.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _plain_heading(style: Any, name: str, size: float) -> None:
    _set_font(style, name, size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Inches(0)
    fmt.keep_with_next = True


def _add_runs(paragraph: Any, spans: tuple[Span, ...] | list[Span]) -> None:
    """Append styled runs; built straight in XML because python-docx sets text char by char."""
    p = paragraph._p
    for span in spans:
        append_run(p, span.text, bold=span.bold, italic=span.italic)


def _page_field(paragraph: Any) -> None:
    """A PAGE field: Word and LibreOffice show the page number there."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    num = OxmlElement("w:t")
    num.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, num, end):
        run._r.append(el)


def _set_rtl(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bidi = OxmlElement("w:bidi")
    ppr.append(bidi)


def _set_metadata(doc: Any, book: BookContent) -> None:
    props = doc.core_properties
    props.title = book.title
    props.author = book.author
    props.subject = book.subtitle or book.description[:255]
    props.comments = book.description
    props.keywords = ", ".join(book.subjects)
    props.language = book.language
    props.identifier = book.identifier
    props.created = book.modified
    props.modified = book.modified
    props.last_modified_by = book.author
    props.revision = 1


class _BodyWriter:
    """Appends paragraphs before the final section properties in constant time.

    python-docx's ``add_paragraph`` searches the body for ``w:sectPr`` on every call,
    which is quadratic on a long novel; this keeps a reference to it instead.
    """

    def __init__(self, doc: Any) -> None:
        self._parent = doc._body
        body = doc.element.body
        self._anchor = body.find(qn("w:sectPr"))
        self._body = body
        self._style_ids: dict[str, str] = {}
        self._styles = doc.styles

    def add(self, style: str | None = None, text: str = "") -> Any:
        p = OxmlElement("w:p")
        if style is not None:
            style_id = self._style_ids.get(style)
            if style_id is None:
                style_id = self._style_ids[style] = self._styles[style].style_id
            p.style = style_id
        if self._anchor is not None:
            self._anchor.addprevious(p)
        else:
            self._body.append(p)
        para = Paragraph(p, self._parent)
        if text:
            _add_runs(para, [Span(text)])
        return para


def _body(
    doc: Any,
    book: BookContent,
    options: ExportOptions,
    ctx: JobContext,
    *,
    scene_break: str,
) -> None:
    rtl = book.is_rtl
    total = len(book.chapters)
    out = _BodyWriter(doc)
    review = ReviewRuns(doc, book.review) if book.review else None
    for done, chapter in enumerate(book.chapters):
        ctx.progress(done, total, f"Chapter {done + 1} of {total}")
        heading = out.add("Heading 1", chapter.display_title)
        if rtl:
            _set_rtl(heading)
        for item in chapter_flow(chapter, options):
            if isinstance(item, TextParagraph):
                para = out.add("First Paragraph" if item.first else None)
                if review is not None and has_review_marks(item.spans):
                    review.add_runs(para, item.spans)
                else:
                    _add_runs(para, item.spans)
            elif isinstance(item, Break):
                para = out.add("Scene Break", scene_break)
            elif isinstance(item, SceneTitle):
                para = out.add("Heading 2", item.text)
            elif isinstance(item, Subheading):
                para = out.add("Heading 3", item.text)
            elif isinstance(item, Synopsis):
                para = out.add("Synopsis")
                _add_runs(para, parse_inline(item.text))
            if rtl:
                _set_rtl(para)
    ctx.progress(total, total, "Writing the document")


def _custom_styles(doc: Any, font: str, size: float, indent: float, line_spacing: Any) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, font, size)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Inches(indent)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = True
    if isinstance(line_spacing, WD_LINE_SPACING):
        fmt.line_spacing_rule = line_spacing
    else:
        fmt.line_spacing = line_spacing
    first = styles.add_style("First Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    first.base_style = normal
    first.paragraph_format.first_line_indent = Inches(0)
    brk = styles.add_style("Scene Break", WD_STYLE_TYPE.PARAGRAPH)
    brk.base_style = normal
    brk.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    brk.paragraph_format.first_line_indent = Inches(0)
    brk.paragraph_format.keep_with_next = True
    syn = styles.add_style("Synopsis", WD_STYLE_TYPE.PARAGRAPH)
    syn.base_style = normal
    syn.font.italic = True
    syn.paragraph_format.first_line_indent = Inches(0)
    syn.paragraph_format.left_indent = Inches(0.5)
    syn.paragraph_format.keep_with_next = True
    for name in ("Title", "Subtitle"):
        style = styles[name]
        _plain_heading(style, font, size)
        # The built-in Title has a bottom border in Word's default template; a book's has none.
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def write_manuscript_docx(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` in standard manuscript format (DOCX) to ``target``."""
    doc = Document()
    _set_metadata(doc, book)
    _custom_styles(doc, MANUSCRIPT_FONT, 12, 0.5, WD_LINE_SPACING.DOUBLE)
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)
    # Page 1 carries the contact block instead of the running header.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.paragraph_format.first_line_indent = Inches(0)
    header.add_run(f"{book.author_surname} / {short_title(book.title).upper()} / ")
    _page_field(header)

    first_header = section.first_page_header
    contact_lines = [book.author or "Author name"] + [
        line.strip() for line in book.contact.splitlines() if line.strip()
    ]
    words = rounded_word_count(book.word_count)
    for i, line in enumerate(contact_lines):
        para = first_header.paragraphs[0] if i == 0 else first_header.add_paragraph()
        para.paragraph_format.first_line_indent = Inches(0)
        para.paragraph_format.line_spacing = 1.0
        # The Header style's centre tab would catch the word count; clear it first.
        para.paragraph_format.tab_stops.add_tab_stop(Inches(3.25), WD_TAB_ALIGNMENT.CLEAR)
        para.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
        para.add_run(f"{line}\t{words}" if i == 0 else line)

    title = doc.add_paragraph(book.title, style="Title")
    title.paragraph_format.space_before = Inches(3)
    if book.subtitle:
        doc.add_paragraph(book.subtitle, style="Subtitle")
    if book.author:
        doc.add_paragraph(f"by {book.author}", style="Subtitle")

    heading = doc.styles["Heading 1"]
    _plain_heading(heading, MANUSCRIPT_FONT, 12)
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_before = Inches(2)
    heading.paragraph_format.space_after = Pt(24)
    for name in ("Heading 2", "Heading 3"):
        _plain_heading(doc.styles[name], MANUSCRIPT_FONT, 12)
    doc.styles["Heading 2"].font.italic = True
    _body(doc, book, options, ctx, scene_break="#")
    ctx.check()
    doc.save(str(target))


def write_formatted_docx(
    book: BookContent, target: Path, options: ExportOptions, ctx: JobContext
) -> None:
    """Write ``book`` as a formatted book (DOCX) at ``options.trim`` to ``target``."""
    g = geometry_for(options.trim)
    doc = Document()
    _set_metadata(doc, book)
    _custom_styles(doc, BOOK_FONT, g.font_size, 0.25, Pt(g.leading))
    doc.styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    section = doc.sections[0]
    section.page_width, section.page_height = Pt(g.width), Pt(g.height)
    section.left_margin, section.right_margin = Pt(g.inside), Pt(g.outside)
    section.top_margin, section.bottom_margin = Pt(g.top), Pt(g.bottom)
    settings = doc.settings.element
    if settings.find(qn("w:mirrorMargins")) is None:
        settings.insert(0, OxmlElement("w:mirrorMargins"))
    # The title page carries no page number.
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Inches(0)
    _page_field(footer)

    heading = doc.styles["Heading 1"]
    _plain_heading(heading, BOOK_FONT, g.font_size * 1.7)
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_before = Pt((g.height - g.top - g.bottom) * 0.18)
    heading.paragraph_format.space_after = Pt(g.leading * 2)
    _plain_heading(doc.styles["Heading 2"], BOOK_FONT, g.font_size)
    doc.styles["Heading 2"].font.italic = True
    _plain_heading(doc.styles["Heading 3"], BOOK_FONT, g.font_size)
    title_style = doc.styles["Title"]
    title_style.font.size = Pt(g.font_size * 2.4)
    doc.styles["Subtitle"].font.italic = True

    if options.title_page:
        title = doc.add_paragraph(book.title, style="Title")
        title.paragraph_format.space_before = Pt((g.height - g.top - g.bottom) * 0.22)
        if book.subtitle:
            doc.add_paragraph(book.subtitle, style="Subtitle")
        if book.author:
            author = doc.add_paragraph(book.author, style="Subtitle")
            author.paragraph_format.space_before = Pt(g.leading * 6)
            author.runs[0].italic = False
    if options.copyright_page:
        notice = doc.styles.add_style("Copyright", WD_STYLE_TYPE.PARAGRAPH)
        notice.base_style = doc.styles["First Paragraph"]
        notice.font.size = Pt(g.font_size * 0.8)
        notice.paragraph_format.space_after = Pt(g.font_size * 0.6)
        para = doc.add_paragraph(style="Copyright")
        if options.title_page:
            para.add_run().add_break(WD_BREAK.PAGE)
        for number, line in enumerate(notice_lines(book)):
            notice_para = para if number == 0 else doc.add_paragraph(style="Copyright")
            for part in notice_parts(line):
                # The address follows a link's text: a printed manuscript cannot be clicked.
                shown = part.text if not part.url or part.url == part.text else None
                notice_para.add_run(shown or f"{part.text} ({part.url})")
    _body(doc, book, options, ctx, scene_break=options.scene_break or "* * *")
    if options.about_author and book.about_author.strip():
        doc.add_paragraph("About the Author", style="Heading 1")
        for i, block in enumerate(parse_blocks(book.about_author)):
            raw = getattr(block, "text", "")
            if raw:
                para = doc.add_paragraph(style="First Paragraph" if i == 0 else None)
                _add_runs(para, parse_inline(raw))
    ctx.check()
    doc.save(str(target))
