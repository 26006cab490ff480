"""EPUB import: metadata, front and back matter, and every way an EPUB can be bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ImportFailedError
from core.importers import read_manuscript
from core.importers.epub_reader import read_epub
from tests.core.importers.story_expectations import DATA, NON_LATIN
from tests.core.importers.zip_edits import member, rewrite_zip

EPUB3 = DATA / "salt-map-pandoc-epub3.epub"
EPUB2 = DATA / "salt-map-pandoc-epub2.epub"
EBOOKLIB = DATA / "salt-map-ebooklib.epub"


@pytest.mark.parametrize("name", [EPUB3.name, EPUB2.name])
def test_pandoc_metadata_language_subjects_and_series(name: str) -> None:
    draft = read_epub(DATA / name)
    assert (draft.title, draft.author, draft.language) == ("The Salt Map", "Ione Marlowe", "en-GB")
    assert draft.description == "A cartographer’s apprentice follows a map drawn in salt."
    assert draft.metadata["subjects"] == ["Fantasy", "Maps"]
    assert draft.metadata["series"] == "Tidewater Tales"
    assert draft.metadata["series_index"] == 2


def test_calibre_series_and_html_description() -> None:
    draft = read_epub(EBOOKLIB)
    assert draft.metadata["series"] == "Tidewater Tales"
    assert draft.metadata["series_index"] == 2
    assert draft.metadata["publisher"] == "Tidewater Press"
    assert draft.description == "A cartographer’s apprentice follows a map drawn in salt."


def test_title_page_copyright_and_colophon_are_skipped() -> None:
    text = "\n".join(s.text for c in read_epub(EBOOKLIB).chapters for s in c.scenes)
    assert "All rights reserved" not in text
    assert "Garamond" not in text
    assert not text.startswith("The Salt Map")


def test_a_file_split_mid_scene_continues_the_chapter_before() -> None:
    chapter = read_epub(EBOOKLIB).chapters[3]
    first = chapter.scenes[0].text
    # Paragraphs 1-2 are in chapter4.xhtml, the rest in chapter4_split.xhtml (not in the NCX).
    assert "walked this far and no farther.”\n\n“Or walked this far and then drew the rest" in first
    assert chapter.scenes[1].text.startswith("They camped on the headland that night.")


def test_title_page_is_skipped_by_its_file_name_whatever_it_holds(tmp_path: Path) -> None:
    epub = rewrite_zip(
        EBOOKLIB, tmp_path / "b.epub",
        replace={"EPUB/titlepage.xhtml": member(EBOOKLIB, "EPUB/titlepage.xhtml").replace(
            b"<p>The Salt Map</p><p>Ione Marlowe</p>", b"<p>An epigraph, unlisted.</p>")},
    )  # fmt: skip
    assert read_epub(epub).chapters[0].title == "Chapter One: The Workshop"


def test_epub_type_copyright_page_and_landmarks_are_skipped(tmp_path: Path) -> None:
    chapter = member(EPUB3, "EPUB/text/ch001.xhtml")
    marked = chapter.replace(
        b'<body epub:type="bodymatter">', b'<body epub:type="backmatter copyright-page">'
    )
    draft = read_epub(
        rewrite_zip(EPUB3, tmp_path / "c.epub", replace={"EPUB/text/ch001.xhtml": marked})
    )
    assert draft.chapters[0].title == "Chapter Two: The Copy"
    # Pandoc lists its title page in the landmarks: that alone is enough to skip it.
    page = member(EPUB3, "EPUB/text/title_page.xhtml").replace(b'epub:type="titlepage"', b"")
    page = page.replace(b'epub:type="frontmatter"', b"")
    draft = read_epub(
        rewrite_zip(EPUB3, tmp_path / "d.epub", replace={"EPUB/text/title_page.xhtml": page})
    )
    assert len(draft.chapters) == 4


def test_html_entities_and_unclosed_tags_still_import(tmp_path: Path) -> None:
    html = (
        b"<html><head><title>x</title></head><body><h1>Chapter One: The Workshop</h1>"
        b"<p>Caf&eacute; &amp; <i>bar&nbsp;baz</i><p>Second <b>bold</body></html>"
    )
    epub = rewrite_zip(EPUB3, tmp_path / "e.epub", replace={"EPUB/text/ch001.xhtml": html})
    scene = read_epub(epub).chapters[0].scenes[0].text
    assert scene == "Café & *bar\u00a0baz*\n\nSecond **bold**"


def test_non_latin_text_survives_byte_for_byte() -> None:
    for path in (EPUB3, EPUB2, EBOOKLIB):
        text = read_epub(path).chapters[2].scenes[1].text
        assert NON_LATIN.encode("utf-8") in text.encode("utf-8")


# ---------------------------------------------------------------------------- bad EPUBs


def _error(path: Path) -> str:
    with pytest.raises(ImportFailedError) as info:
        read_manuscript(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.epub"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 20)
    assert "not a valid EPUB" in _error(bad)


def test_truncated_zip(tmp_path: Path) -> None:
    bad = tmp_path / "truncated.epub"
    bad.write_bytes(EPUB3.read_bytes()[: EPUB3.stat().st_size // 2])
    assert "not a valid EPUB" in _error(bad)


def test_zip_without_container(tmp_path: Path) -> None:
    bad = rewrite_zip(EPUB3, tmp_path / "nocontainer.epub", drop={"META-INF/container.xml"})
    assert "META-INF/container.xml is missing" in _error(bad)


def test_broken_opf(tmp_path: Path) -> None:
    bad = rewrite_zip(EPUB3, tmp_path / "opf.epub", replace={"EPUB/content.opf": b"<package><oops"})
    assert "package file (OPF)" in _error(bad)


def test_file_listed_in_the_manifest_is_missing(tmp_path: Path) -> None:
    bad = rewrite_zip(EPUB3, tmp_path / "missing.epub", drop={"EPUB/text/ch002.xhtml"})
    assert "missing" in _error(bad)


def test_drm_encrypted_content(tmp_path: Path) -> None:
    encryption = b"""<?xml version="1.0"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
    <enc:CipherData><enc:CipherReference URI="EPUB/text/ch001.xhtml"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"""
    bad = rewrite_zip(
        EPUB3, tmp_path / "drm.epub",
        replace={"EPUB/text/ch001.xhtml": bytes(range(256)) * 8},
        add={"META-INF/encryption.xml": encryption},
    )  # fmt: skip
    assert "DRM-protected" in _error(bad)


def test_font_obfuscation_is_not_drm(tmp_path: Path) -> None:
    encryption = b"""<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
 xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>
 <enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
 <enc:CipherData><enc:CipherReference URI="EPUB/fonts/a.otf"/></enc:CipherData>
 </enc:EncryptedData></encryption>"""
    ok = rewrite_zip(EPUB3, tmp_path / "fonts.epub", add={"META-INF/encryption.xml": encryption})
    assert len(read_manuscript(ok).chapters) == 4


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # 64 MB of one byte deflates to ~64 KB: far past the ratio of any real document.
    huge = b"<html><body><p>" + b" " * (64 * 1024 * 1024) + b"</p></body></html>"
    bad = rewrite_zip(EPUB3, tmp_path / "bomb.epub", replace={"EPUB/text/ch001.xhtml": huge})
    assert bad.stat().st_size < 1024 * 1024
    assert "zip bomb" in _error(bad)


def test_markup_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.importers import zip_package

    monkeypatch.setattr(zip_package, "MAX_MARKUP_BYTES", 10_000)
    assert "the import limit is" in _error(EPUB3)


def test_guide_reference_marks_front_matter(tmp_path: Path) -> None:
    opf = member(EBOOKLIB, "EPUB/content.opf").replace(
        b"</package>",
        b'<guide><reference type="copyright-page" title="x" href="chapter1.xhtml"/></guide>'
        b"</package>",
    )
    draft = read_epub(rewrite_zip(EBOOKLIB, tmp_path / "g.epub", replace={"EPUB/content.opf": opf}))
    assert draft.chapters[0].title == "Chapter Two: The Copy"


def test_headingless_document_is_named_by_the_epub3_nav(tmp_path: Path) -> None:
    chapter = member(EPUB3, "EPUB/text/ch002.xhtml")
    start = chapter.index(b"<h1")
    headless = chapter[:start] + chapter[chapter.index(b"</h1>") + 5 :]
    epub = rewrite_zip(EPUB3, tmp_path / "n.epub", replace={"EPUB/text/ch002.xhtml": headless})
    draft = read_epub(epub)
    assert [c.title for c in draft.chapters][1] == "Chapter Two: The Copy"
    assert draft.chapters[1].scenes[0].text.startswith("She worked through the afternoon")
