"""EPUB 2 and 3 books: the spine in reading order, less front and back matter.

The package is checked before it is parsed: it must be a zip with META-INF/container.xml,
must not unpack to more than the limits in :mod:`core.importers.zip_package`, and must not be
encrypted (DRM). ebooklib then reads the container, package document (OPF), manifest and
spine; the table of contents (EPUB 3 nav or EPUB 2 NCX), landmarks and guide are read here.

Each spine document adds chapters: its top heading level starts chapters and the next one
scenes (see :mod:`core.importers.structure`). A document with no heading takes its title from
the table of contents, or, when the table of contents does not list it either, continues the
chapter before it (as when a converter split one long chapter over several files).

Cover, title page, copyright, colophon, imprint, licence and navigation documents are left
out, recognised by epub:type, landmarks, guide, file name or title, or (for copyright
pages) by being short and carrying "©", "All rights reserved" or an ISBN.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from core.importers.draft import BookDraft, ChapterDraft
from core.importers.epub_metadata import read_opf_metadata
from core.importers.source import fail
from core.importers.structure import build_chapters
from core.importers.xhtml_blocks import (
    ClassStyles,
    body_blocks,
    css_class_styles,
    document_types,
    epub_types,
    heading_text,
    local_name,
    parse_xhtml,
)
from core.importers.zip_package import open_package, read_member
from core.text import Block, Heading, Paragraph, SceneBreak, count_words

_CONTAINER = "META-INF/container.xml"
# Font obfuscation "encrypts" embedded fonts only and is no DRM.
_FONT_OBFUSCATION = {
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
}
_DRM_MARKERS = ("META-INF/rights.xml", "META-INF/sinf.xml")
_XMLENC = "{http://www.w3.org/2001/04/xmlenc#}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"

# epub:type / landmark / guide types that are not part of the story.
SKIP_TYPES = {
    "cover", "titlepage", "title-page", "halftitlepage", "halftitle", "seriespage",
    "copyright-page", "copyright", "colophon", "imprint", "imprimatur", "errata", "toc",
    "toc-brief", "landmarks", "loi", "lot", "lov", "page-list", "index", "license", "licence",
    "doc-colophon", "doc-toc", "doc-cover", "doc-errata", "doc-index", "doc-pagelist",
}  # fmt: skip
_SKIP_NAME_RE = re.compile(
    r"(?:^|[^a-z])(?:cover|title[-_ ]?page|titlepg|half[-_]?title|copyright|colophon|imprint|"
    r"imprimatur|licen[cs]e|toc|nav)(?:$|[^a-z])|^title$",
    re.IGNORECASE,
)
_SKIP_TITLE_RE = re.compile(
    r"^(?:cover|title(?: page)?|half[- ]title|copyright(?: page| notice)?|colophon|imprint|"
    r"licen[cs]e|table of contents|contents|landmarks)$",
    re.IGNORECASE,
)
_COPYRIGHT_RE = re.compile(r"©|\ball rights reserved\b|\bISBN\b", re.IGNORECASE)
_COPYRIGHT_PAGE_MAX_WORDS = 250


def read_epub(path: Path) -> BookDraft:
    """An EPUB (2 or 3) as a book draft; errors name the file and the problem."""
    with open_package(path, "EPUB") as archive:
        names = set(archive.namelist())
        if _CONTAINER not in names:
            raise fail(path, f"not a valid EPUB: {_CONTAINER} is missing")
        _refuse_drm(archive, names, path)
        reader = _load(path)
        package = _Package(archive, reader, path)
        chapters = package.chapters()
    draft = read_opf_metadata(reader.container.getroot())
    draft.chapters = chapters
    return draft


def _refuse_drm(archive: zipfile.ZipFile, names: set[str], path: Path) -> None:
    drm = "the book is DRM-protected (encrypted); only DRM-free EPUBs can be imported"
    if any(marker in names for marker in _DRM_MARKERS):
        raise fail(path, drm)
    if "META-INF/encryption.xml" not in names:
        return
    data = read_member(archive, "META-INF/encryption.xml", path)
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        raise fail(path, drm) from None
    for method in root.iter(f"{_XMLENC}EncryptionMethod"):
        if method.get("Algorithm") not in _FONT_OBFUSCATION:
            raise fail(path, drm)


def _load(path: Path) -> Any:
    """ebooklib's reader after loading container, OPF, manifest and spine."""
    from ebooklib import epub

    reader = epub.EpubReader(str(path), {"ignore_ncx": True})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader.load()
    except epub.EpubException as exc:
        raise fail(path, f"the EPUB is damaged ({exc.msg})") from None
    except KeyError as exc:
        raise fail(
            path, f"the EPUB is damaged: a file it lists is missing ({exc.args[0]})"
        ) from None
    except etree.XMLSyntaxError as exc:
        raise fail(path, f"the EPUB's package file (OPF) is not valid XML ({exc})") from None
    except (AttributeError, TypeError, IndexError, ValueError):
        raise fail(
            path, "the EPUB's package file (OPF) is broken (no metadata, manifest or spine)"
        ) from None
    if reader.container is None or reader.container.getroot() is None or not reader.book.spine:
        raise fail(path, "the EPUB's package file (OPF) is broken (no spine)")
    return reader


def _resolve(base_file: str, href: str) -> str:
    """A link's target as a path inside the zip, without its fragment."""
    target = unquote(href.split("#", 1)[0])
    if not target:
        return posixpath.normpath(base_file)
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), target))


def _norm_label(text: str) -> str:
    return " ".join(text.split())


class _Package:
    """The spine documents of a loaded EPUB, with its table of contents and landmarks."""

    def __init__(self, archive: zipfile.ZipFile, reader: Any, path: Path) -> None:
        self.archive = archive
        self.reader = reader
        self.book = reader.book
        self.path = path
        self.opf_dir = reader.opf_dir
        self.labels: dict[str, str] = {}
        self.skip_files: set[str] = set()
        self.class_styles: ClassStyles = {}
        self._read_navigation()

    def _zip_path(self, file_name: str) -> str:
        return posixpath.normpath(posixpath.join(self.opf_dir, file_name))

    def _read_navigation(self) -> None:
        nav_labels: dict[str, str] = {}
        ncx_labels: dict[str, str] = {}
        for item in self.book.get_items():
            media_type = getattr(item, "media_type", "")
            location = self._zip_path(item.file_name)
            if media_type == "text/css" and isinstance(item.content, bytes):
                css = item.content.decode("utf-8", errors="replace")
                self.class_styles.update(css_class_styles(css))
            elif media_type == "application/x-dtbncx+xml":
                self._read_ncx(item.content, location, ncx_labels)
            elif type(item).__name__ == "EpubNav":
                self.skip_files.add(location)
                self._read_nav(item.content, location, nav_labels)
        # The EPUB 3 nav wins; the NCX fills in files it does not list.
        self.labels = {**ncx_labels, **nav_labels}
        for ref in getattr(self.book, "guide", None) or []:
            if (ref.get("type") or "").lower() in SKIP_TYPES | {"title-page"} and ref.get("href"):
                self.skip_files.add(self._zip_path(_resolve("x", ref["href"])))

    def _read_nav(self, data: bytes, location: str, labels: dict[str, str]) -> None:
        try:
            root = parse_xhtml(data)
        except (etree.XMLSyntaxError, etree.ParserError, ValueError):
            return
        for nav in root.iter():
            if local_name(nav) != "nav":
                continue
            types = epub_types(nav)
            for link in nav.iter():
                if local_name(link) != "a" or not link.get("href"):
                    continue
                target = _resolve(location, link.get("href"))
                if "landmarks" in types:
                    if epub_types(link) & SKIP_TYPES:
                        self.skip_files.add(target)
                elif "toc" in types or "doc-toc" in types:
                    labels.setdefault(target, heading_text(link))

    def _read_ncx(self, data: bytes, location: str, labels: dict[str, str]) -> None:
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except (etree.XMLSyntaxError, ValueError):
            return
        for point in root.iter(f"{_NCX}navPoint"):
            content = point.find(f"{_NCX}content")
            text = point.find(f"{_NCX}navLabel/{_NCX}text")
            if content is None or text is None or not content.get("src"):
                continue
            labels.setdefault(_resolve(location, content.get("src")), _norm_label(text.text or ""))

    def spine_documents(self) -> list[tuple[str, bytes]]:
        """(zip path, bytes) of each linear XHTML document of the spine, in reading order."""
        docs: list[tuple[str, bytes]] = []
        for idref, linear in self.book.spine:
            if (linear or "yes").lower() == "no":
                continue
            item = self.book.get_item_with_id(idref)
            if item is None or type(item).__name__ in {"EpubNav", "EpubCoverHtml"}:
                continue
            if getattr(item, "media_type", "") not in {"application/xhtml+xml", "text/html"}:
                continue
            location = self._zip_path(item.file_name)
            docs.append((location, item.content or read_member(self.archive, location, self.path)))
        return docs

    def _is_boilerplate(self, location: str, root: etree._Element, blocks: list[Block]) -> bool:
        if location in self.skip_files or document_types(root) & SKIP_TYPES:
            return True
        stem = posixpath.splitext(posixpath.basename(location))[0]
        if _SKIP_NAME_RE.search(stem):
            return True
        first_heading = next((b.text for b in blocks if isinstance(b, Heading)), "")
        for title in (self.labels.get(location, ""), first_heading):
            if title and _SKIP_TITLE_RE.match(title.strip()):
                return True
        text = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
        return bool(_COPYRIGHT_RE.search(text)) and count_words(text) <= _COPYRIGHT_PAGE_MAX_WORDS

    def _styles_for(self, root: etree._Element) -> ClassStyles:
        """The book's stylesheet classes, with the document's own <style> rules over them."""
        inline = "".join("".join(e.itertext()) for e in root.iter() if local_name(e) == "style")
        return {**self.class_styles, **css_class_styles(inline)} if inline else self.class_styles

    def chapters(self) -> list[ChapterDraft]:
        """The book's chapters from every story document of the spine."""
        chapters: list[ChapterDraft] = []
        ended_with_break = False
        for location, data in self.spine_documents():
            if not data.strip():
                continue
            try:
                root = parse_xhtml(data)
            except (etree.XMLSyntaxError, etree.ParserError, ValueError) as exc:
                raise fail(self.path, f"{location} inside it is not valid XHTML ({exc})") from None
            blocks = body_blocks(root, self._styles_for(root))
            if self._is_boilerplate(location, root, blocks):
                continue
            if not blocks:
                continue
            after_break, ended_with_break = ended_with_break, isinstance(blocks[-1], SceneBreak)
            levels = sorted({b.level for b in blocks if isinstance(b, Heading)})
            if levels:
                _, doc_chapters = build_chapters(
                    blocks,
                    chapter_level=levels[0],
                    scene_level=levels[1] if len(levels) > 1 else None,
                )
                if doc_chapters and not doc_chapters[0].title and location in self.labels:
                    doc_chapters[0].title = self.labels[location]
                chapters.extend(doc_chapters)
                continue
            _, doc_chapters = build_chapters(blocks, chapter_level=None, scene_level=None)
            scenes = [scene for chapter in doc_chapters for scene in chapter.scenes]
            label = self.labels.get(location)
            if label is None and chapters:
                # A continuation of the chapter before: a file boundary is no scene break.
                previous = chapters[-1].scenes
                if scenes and previous and not (after_break or isinstance(blocks[0], SceneBreak)):
                    first = scenes.pop(0)
                    previous[-1].text = f"{previous[-1].text}\n\n{first.text}".strip()
                previous.extend(scenes)
            elif scenes or label:
                chapters.append(ChapterDraft(title=label or "", scenes=scenes))
        return chapters
