"""EPUB 3 export: structure, metadata, golden files, and epubcheck on every file made."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image

from core.export import ExportFormat, ExportOptions, export_book
from core.export.content import CoverImage
from core.export.epub import write_epub
from core.jobs import JobContext
from tests.core.export.conftest import assert_golden, sample_content

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _cover(fmt: str = "JPEG") -> CoverImage:
    out = io.BytesIO()
    Image.new("RGB", (160, 240), (30, 60, 90)).save(out, fmt)
    return CoverImage(out.getvalue(), f"image/{fmt.lower()}", 160, 240)


def _write(tmp_path: Path, book, **options) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "book.epub"
    write_epub(book, path, ExportOptions(format=ExportFormat.EPUB, **options), JobContext())
    return path


def _opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("EPUB/content.opf"))


def test_full_book_with_cover_and_embedded_font_passes_epubcheck(tmp_path, epubcheck):
    path = _write(
        tmp_path, sample_content(cover=_cover()), embed_font=True, synopses=True, scene_titles=True
    )
    epubcheck(path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert zf.read("mimetype") == b"application/epub+zip"
        assert zf.infolist()[0].filename == "mimetype"
        css = zf.read("EPUB/style/book.css").decode()
        chapter = zf.read("EPUB/chapter-001.xhtml").decode()
    assert {
        "EPUB/nav.xhtml",
        "EPUB/toc.ncx",
        "EPUB/images/cover.jpg",
        "EPUB/cover.xhtml",
        "EPUB/titlepage.xhtml",
        "EPUB/copyright.xhtml",
        "EPUB/contents.xhtml",
        "EPUB/about-author.xhtml",
        "EPUB/fonts/GentiumBookPlus-Regular.ttf",
    } <= names
    assert sorted(n for n in names if re.match(r"EPUB/chapter-\d+\.xhtml", n)) == [
        "EPUB/chapter-001.xhtml",
        "EPUB/chapter-002.xhtml",
        "EPUB/chapter-003.xhtml",
    ]
    assert "@font-face" in css and "GentiumBookPlus-Italic.ttf" in css
    assert '<h2 class="scene-title">Fog</h2>' in chapter
    assert '<p class="synopsis">Chapter one synopsis.</p>' in chapter
    assert chapter.count('class="scene-break"') == 1
    assert "<em>light</em>" in chapter and "<strong>thick</strong>" in chapter
    assert "as wool.<br/>She climbed" in chapter


def test_metadata_is_complete_and_files_match_the_golden_ones(tmp_path, epubcheck):
    path = _write(tmp_path, sample_content(cover=_cover("PNG")))
    epubcheck(path)
    with zipfile.ZipFile(path) as zf:
        for name in (
            "content.opf",
            "nav.xhtml",
            "toc.ncx",
            "chapter-001.xhtml",
            "chapter-002.xhtml",
            "titlepage.xhtml",
            "contents.xhtml",
            "cover.xhtml",
        ):
            assert_golden(f"epub-{name}", zf.read(f"EPUB/{name}").decode("utf-8"))
    opf = _opf(path)
    md = opf.find("opf:metadata", OPF_NS)
    assert md is not None
    titles = [t.text for t in md.findall("dc:title", OPF_NS)]
    assert titles == ["Gannet Rock", "A Lighthouse Tale"]
    assert md.findtext("dc:creator", namespaces=OPF_NS) == "Ada Quill"
    assert md.findtext("dc:language", namespaces=OPF_NS) == "en"
    assert md.findtext("dc:identifier", namespaces=OPF_NS) == (
        "urn:uuid:01900000-0000-7000-8000-000000000001"
    )
    assert md.findtext("dc:description", namespaces=OPF_NS) == "A keeper, a wreck, a letter."
    assert [s.text for s in md.findall("dc:subject", OPF_NS)] == ["Fiction", "Sea stories"]
    metas = {(m.get("property"), m.get("refines")): m.text for m in md.findall("opf:meta", OPF_NS)}
    assert metas[("belongs-to-collection", None)] == "The Northern Lights"
    assert metas[("group-position", "#series")] == "2"
    assert metas[("title-type", "#title-sub")] == "subtitle"
    cover = [
        i
        for i in opf.iterfind("opf:manifest/opf:item", OPF_NS)
        if "cover-image" in (i.get("properties") or "")
    ]
    assert [c.get("href") for c in cover] == ["images/cover.png"]
    spine = [i.get("idref") for i in opf.iterfind("opf:spine/opf:itemref", OPF_NS)]
    assert spine[:4] == ["cover-page", "titlepage", "copyright", "contents"]
    assert spine[4:] == ["chapter-001", "chapter-002", "chapter-003", "about-author"]


def test_inclusions_can_be_switched_off(tmp_path, epubcheck):
    path = _write(
        tmp_path,
        sample_content(),
        title_page=False,
        copyright_page=False,
        table_of_contents=False,
        about_author=False,
    )
    epubcheck(path)
    spine = [i.get("idref") for i in _opf(path).iterfind("opf:spine/opf:itemref", OPF_NS)]
    assert spine == ["chapter-001", "chapter-002", "chapter-003"]


def test_hostile_titles_emoji_and_rtl_text_pass_epubcheck(tmp_path, epubcheck):
    book = sample_content(title='Tom & Jerry\'s <"Quoted"> Tale 🐭', author="O'Brien & Sons")
    chapters = list(book.chapters)
    chapters[1] = type(chapters[1])(
        2,
        "שלום <عالم> & 🌊",
        (type(chapters[0].scenes[0])("", "مرحبا بالعالم — Hello 👋 & <b>not a tag</b>"),),
    )
    book.chapters = chapters
    path = _write(tmp_path, book)
    epubcheck(path)
    with zipfile.ZipFile(path) as zf:
        ch2 = zf.read("EPUB/chapter-002.xhtml").decode()
        opf = zf.read("EPUB/content.opf").decode()
    assert '<h1 class="chapter-title" dir="auto">שלום &lt;عالم&gt; &amp; 🌊</h1>' in ch2
    assert "&lt;b&gt;not a tag&lt;/b&gt;" in ch2 and "👋" in ch2
    assert 'Tom &amp; Jerry\'s &lt;"Quoted"&gt; Tale 🐭' in opf


def test_right_to_left_book_sets_page_progression(tmp_path, epubcheck):
    path = _write(tmp_path, sample_content(language="he", title="ספר"))
    epubcheck(path)
    opf = _opf(path)
    spine = opf.find("opf:spine", OPF_NS)
    assert spine is not None and spine.get("page-progression-direction") == "rtl"
    with zipfile.ZipFile(path) as zf:
        assert 'dir="rtl"' in zf.read("EPUB/chapter-001.xhtml").decode()


def test_sample_book_from_the_library_passes_epubcheck(
    aw_library, aw_sample_book, tmp_path, epubcheck
):
    result = export_book(
        aw_library,
        aw_sample_book,
        tmp_path / "gannet.epub",
        ExportOptions(format=ExportFormat.EPUB),
    )
    epubcheck(result.path)
    with zipfile.ZipFile(result.path) as zf:
        text = zf.read("EPUB/chapter-002.xhtml").decode()
    assert "<strong>There were others out there.</strong>" in text
