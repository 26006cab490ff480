"""EPUB 3 export with ebooklib: what a store accepts and epubcheck passes clean.

The package holds full metadata (title and subtitle, author, language, identifier,
description, subjects, series), the cover image and a cover page, a title page, a
copyright page, an in-book table of contents, one XHTML document per chapter, an optional
"about the author" page, the EPUB 3 navigation document and, for older readers, an NCX.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from core.export.content import BookContent, ChapterContent, has_rtl
from core.export.copyright_notice import notice_lines, notice_parts, plain_line
from core.export.flow import (
    Break,
    SceneTitle,
    Subheading,
    Synopsis,
    TextParagraph,
    chapter_flow,
)
from core.export.fonts import BOOK_FACES, font_file
from core.export.options import ExportOptions
from core.jobs import JobContext
from core.resources import resource_path
from core.text import Span, parse_blocks, parse_inline

DEFAULT_BREAK = "* * *"


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _dir(text: str, book: BookContent) -> str:
    # Mixed-direction text in a left-to-right book lets the reader find each block's direction.
    return ' dir="auto"' if not book.is_rtl and has_rtl(text) else ""


def render_spans(spans: tuple[Span, ...] | list[Span]) -> str:
    """Styled spans as XHTML inline markup; line breaks become <br/>."""
    out: list[str] = []
    for span in spans:
        body = escape(span.text, quote=False).replace("\n", "<br/>")
        if span.italic:
            body = f"<em>{body}</em>"
        if span.bold:
            body = f"<strong>{body}</strong>"
        out.append(body)
    return "".join(out)


def _prose(text: str, book: BookContent, css_class: str = "") -> str:
    """Markdown-subset text (about the author, a description) as XHTML paragraphs."""
    parts = []
    for i, block in enumerate(parse_blocks(text)):
        raw = getattr(block, "text", "")
        if not raw:
            continue
        cls = " ".join(c for c in (css_class, "first" if i == 0 else "") if c)
        cls_attr = f' class="{cls}"' if cls else ""
        parts.append(f"<p{cls_attr}{_dir(raw, book)}>{render_spans(parse_inline(raw))}</p>")
    return "\n".join(parts)


def chapter_xhtml(
    chapter: ChapterContent, book: BookContent, options: ExportOptions, *, epub: bool = True
) -> str:
    """The body of one chapter's XHTML document (``epub`` False: the same markup for a web
    page, without the EPUB namespace's attribute). Every word of it is escaped."""
    title = chapter.display_title
    ornament = escape(options.scene_break or DEFAULT_BREAK)
    kind = ' epub:type="chapter"' if epub else ""
    out = [
        f'<section{kind} role="doc-chapter" id="chapter-{chapter.number}">',
        f'<h1 class="chapter-title"{_dir(title, book)}>{escape(title)}</h1>',
    ]
    for item in chapter_flow(chapter, options):
        if isinstance(item, TextParagraph):
            cls = ' class="first"' if item.first else ""
            text = "".join(s.text for s in item.spans)
            out.append(f"<p{cls}{_dir(text, book)}>{render_spans(item.spans)}</p>")
        elif isinstance(item, Break):
            out.append(f'<p class="scene-break" role="separator">{ornament}</p>')
        elif isinstance(item, SceneTitle):
            out.append(f'<h2 class="scene-title"{_dir(item.text, book)}>{escape(item.text)}</h2>')
        elif isinstance(item, Subheading):
            out.append(f"<h{item.level}{_dir(item.text, book)}>{escape(item.text)}</h{item.level}>")
        elif isinstance(item, Synopsis):
            out.append(
                f'<p class="synopsis"{_dir(item.text, book)}>'
                f"{render_spans(parse_inline(item.text))}</p>"
            )
    out.append("</section>")
    return "\n".join(out)


def _title_page(book: BookContent) -> str:
    lines = [
        '<section epub:type="titlepage" class="titlepage">',
        f'<p class="book-title"{_dir(book.title, book)}>{escape(book.title)}</p>',
    ]
    if book.subtitle:
        lines.append(
            f'<p class="book-subtitle"{_dir(book.subtitle, book)}>{escape(book.subtitle)}</p>'
        )
    if book.author:
        lines.append(f'<p class="book-author"{_dir(book.author, book)}>{escape(book.author)}</p>')
    if book.series:
        number = f", book {escape(book.series_index)}" if book.series_index else ""
        lines.append(f'<p class="book-series">{escape(book.series)}{number}</p>')
    lines.append("</section>")
    return "\n".join(lines)


def _copyright_page(book: BookContent) -> str:
    lines = ['<section epub:type="copyright-page" class="copyright-page">']
    for line in notice_lines(book):
        html = "".join(
            f'<a href="{escape(p.url)}">{escape(p.text)}</a>' if p.url else escape(p.text)
            for p in notice_parts(line)
        )
        lines.append(f"<p>{html}</p>")
    lines.append("</section>")
    return "\n".join(lines)


def _contents_page(book: BookContent, entries: list[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{_attr(href)}"{_dir(title, book)}>{escape(title)}</a></li>'
        for href, title in entries
    )
    return (
        '<section epub:type="toc" class="contents">\n<h1>Contents</h1>\n'
        f"<ol>\n{items}\n</ol>\n</section>"
    )


def _about_page(book: BookContent) -> str:
    return (
        '<section epub:type="appendix" class="about-author">\n<h1>About the Author</h1>\n'
        f"{_prose(book.about_author, book)}\n</section>"
    )


def _font_css() -> tuple[str, list[tuple[str, bytes]]]:
    rules, files = [], []
    for face in BOOK_FACES:
        path = font_file(face)
        style = "italic" if face.style == "italic" else "normal"
        weight = "bold" if face.style == "bold" else "normal"
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: {style}; '
            f'font-weight: {weight}; src: url("../fonts/{face.file}"); }}'
        )
        files.append((face.file, path.read_bytes()))
    rules.append(f'body {{ font-family: "{BOOK_FACES[0].family}", serif; }}')
    return "\n".join(rules) + "\n", files


def write_epub(book: BookContent, target: Path, options: ExportOptions, ctx: JobContext) -> None:
    """Write ``book`` as an EPUB 3 file to ``target``."""
    from ebooklib import epub

    lang = book.language
    direction = "rtl" if book.is_rtl else None
    pub = epub.EpubBook()
    pub.set_identifier(book.identifier)
    pub.title = book.title  # the nav and NCX take their title from here
    pub.add_metadata("DC", "title", book.title, {"id": "title-main"})
    pub.add_metadata(None, "meta", "main", {"refines": "#title-main", "property": "title-type"})
    if book.subtitle:
        pub.add_metadata("DC", "title", book.subtitle, {"id": "title-sub"})
        pub.add_metadata(
            None, "meta", "subtitle", {"refines": "#title-sub", "property": "title-type"}
        )
    pub.set_language(lang)
    if direction:
        pub.set_direction(direction)
    if book.author:
        pub.add_author(book.author, role="aut", uid="author")
    if book.description:
        pub.add_metadata("DC", "description", book.description)
    for subject in book.subjects:
        pub.add_metadata("DC", "subject", subject)
    if book.publisher:
        pub.add_metadata("DC", "publisher", book.publisher)
    pub.add_metadata("DC", "rights", plain_line(notice_lines(book)[0]))
    pub.add_metadata("DC", "date", book.modified.strftime("%Y-%m-%d"))
    if book.series:
        pub.add_metadata(
            None, "meta", book.series, {"property": "belongs-to-collection", "id": "series"}
        )
        pub.add_metadata(
            None, "meta", "series", {"refines": "#series", "property": "collection-type"}
        )
        if book.series_index:
            pub.add_metadata(
                None,
                "meta",
                book.series_index,
                {"refines": "#series", "property": "group-position"},
            )

    css_text = resource_path("export", "epub.css").read_text(encoding="utf-8")
    if options.embed_font:
        font_css, font_files = _font_css()
        css_text = font_css + css_text
        for name, data in font_files:
            pub.add_item(
                epub.EpubItem(
                    uid=f"font-{Path(name).stem.lower()}",
                    file_name=f"fonts/{name}",
                    media_type="font/ttf",
                    content=data,
                )
            )
    css = epub.EpubItem(
        uid="style",
        file_name="style/book.css",
        media_type="text/css",
        content=css_text.encode("utf-8"),
    )
    pub.add_item(css)

    def page(uid: str, file_name: str, title: str, body: str) -> epub.EpubHtml:
        doc = epub.EpubHtml(
            uid=uid, file_name=file_name, title=title, lang=lang, direction=direction
        )
        doc.set_content(f"<html><body>{body}</body></html>")
        doc.add_item(css)
        pub.add_item(doc)
        return doc

    spine: list[epub.EpubHtml | str] = []
    toc: list[epub.Link] = []
    guide: list[dict[str, str]] = []
    if book.cover is not None:
        image_name = f"images/cover{book.cover.suffix}"
        pub.set_cover(image_name, book.cover.data, create_page=False)
        cover_page = page(
            "cover-page",
            "cover.xhtml",
            "Cover",
            '<section epub:type="cover" class="cover">'
            f'<img src="{image_name}" alt="{_attr(book.title)}"/></section>',
        )
        spine.append(cover_page)
        guide.append({"type": "cover", "href": "cover.xhtml", "title": "Cover"})
    if options.title_page:
        spine.append(page("titlepage", "titlepage.xhtml", book.title, _title_page(book)))
        toc.append(epub.Link("titlepage.xhtml", "Title Page", "toc-titlepage"))
    if options.copyright_page:
        spine.append(page("copyright", "copyright.xhtml", "Copyright", _copyright_page(book)))
        toc.append(epub.Link("copyright.xhtml", "Copyright", "toc-copyright"))

    chapter_files = [(f"chapter-{ch.number:03d}.xhtml", ch) for ch in book.chapters]
    if options.table_of_contents:
        entries = [(name, ch.display_title) for name, ch in chapter_files]
        if options.about_author and book.about_author.strip():
            entries.append(("about-author.xhtml", "About the Author"))
        spine.append(page("contents", "contents.xhtml", "Contents", _contents_page(book, entries)))
        toc.append(epub.Link("contents.xhtml", "Contents", "toc-contents"))
        guide.append({"type": "toc", "href": "contents.xhtml", "title": "Contents"})

    total = len(chapter_files)
    for done, (name, chapter) in enumerate(chapter_files):
        ctx.progress(done, total, f"Chapter {done + 1} of {total}")
        doc = page(
            f"chapter-{chapter.number:03d}",
            name,
            chapter.display_title,
            chapter_xhtml(chapter, book, options),
        )
        spine.append(doc)
        toc.append(epub.Link(name, chapter.display_title, f"toc-chapter-{chapter.number:03d}"))
        if done == 0:
            guide.append({"type": "text", "href": name, "title": "Begin Reading"})
    if options.about_author and book.about_author.strip():
        spine.append(
            page("about-author", "about-author.xhtml", "About the Author", _about_page(book))
        )
        toc.append(epub.Link("about-author.xhtml", "About the Author", "toc-about-author"))

    pub.toc = toc
    pub.guide = guide
    pub.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="Contents", direction=direction)
    nav.add_item(css)
    pub.add_item(nav)
    pub.spine = spine
    ctx.progress(total, total, "Writing the EPUB")
    epub.write_epub(str(target), pub, {"raise_exceptions": True, "epub3_pages": False})
