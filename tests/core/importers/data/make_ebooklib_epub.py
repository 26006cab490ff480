"""Writes salt-map-ebooklib.epub from salt-map.md with ebooklib (see README.md here).

The book has separate title page, copyright and colophon documents in its spine, chapters
with no headings that are named only in the NCX (no EPUB 3 nav document), the last chapter
split over two files (the second not in the NCX), and calibre series metadata. Run it from
this folder: ``python make_ebooklib_epub.py``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ebooklib import epub

HERE = Path(__file__).resolve().parent
BREAKS = [
    "<hr/>",
    '<p class="scene-break">⁂</p>',
    '<p class="centered">* * *</p>',
    '<div class="dinkus"></div>',
]


def inline(text: str) -> str:
    text = html.escape(text, quote=False).replace("\\*", "&#42;")
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def chapters() -> list[tuple[str, list[str]]]:
    body = (HERE / "salt-map.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    out: list[tuple[str, list[str]]] = []
    n_break = 0
    for part in body.split("\n# ")[1:]:
        title, _, text = part.partition("\n")
        paras = []
        for para in re.split(r"\n\s*\n", text.strip()):
            if para.strip() in ("* * *",) or para.startswith("## "):
                if paras:  # a sub-heading becomes a break here: these chapters have no headings
                    paras.append(BREAKS[n_break % len(BREAKS)])
                    n_break += 1
                continue
            paras.append(f"<p>{inline(para.strip())}</p>")
        out.append((title.strip(), paras))
    return out


def page(book: epub.EpubBook, uid: str, name: str, title: str, body: str) -> epub.EpubHtml:
    item = epub.EpubHtml(uid=uid, file_name=name, title=title, lang="en")
    item.content = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    book.add_item(item)
    return item


def main() -> None:
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:6f1c2a6e-54b1-4c3e-9a57-0d6f3b1e2a10")
    book.set_title("The Salt Map")
    book.set_language("en")
    book.add_author("Ione Marlowe")
    book.add_metadata(
        "DC",
        "description",
        "<p>A cartographer’s apprentice follows a <b>map</b> drawn in salt.</p>",
    )
    book.add_metadata("DC", "subject", "Fantasy")
    book.add_metadata("DC", "publisher", "Tidewater Press")
    book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": "Tidewater Tales"})
    book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": "2.0"})

    spine: list[epub.EpubHtml] = [
        page(
            book,
            "titlepage",
            "titlepage.xhtml",
            "The Salt Map",
            '<div class="title"><p>The Salt Map</p><p>Ione Marlowe</p></div>',
        ),
        page(
            book,
            "copyright",
            "copyright.xhtml",
            "Copyright",
            "<p>© 2026 Ione Marlowe. All rights reserved.</p><p>First edition.</p>",
        ),
    ]
    toc = []
    for number, (title, paras) in enumerate(chapters(), start=1):
        if number == 4:  # the last chapter is split over two files, as converters do
            half = 2  # mid-scene: the file boundary is no scene break
            first = page(
                book, f"ch{number}", f"chapter{number}.xhtml", title, "".join(paras[:half])
            )
            second = page(
                book, f"ch{number}b", f"chapter{number}_split.xhtml", title, "".join(paras[half:])
            )
            spine += [first, second]
            toc.append(epub.Link(first.file_name, title, f"ch{number}"))
        else:
            item = page(book, f"ch{number}", f"chapter{number}.xhtml", title, "".join(paras))
            spine.append(item)
            toc.append(epub.Link(item.file_name, title, f"ch{number}"))
    spine.append(
        page(
            book,
            "colophon",
            "colophon.xhtml",
            "Colophon",
            "<p>Set in Garamond. Made with ebooklib.</p>",
        )
    )
    book.toc = toc
    book.spine = spine
    book.add_item(epub.EpubNcx())
    epub.write_epub(str(HERE / "salt-map-ebooklib.epub"), book)


if __name__ == "__main__":
    main()
