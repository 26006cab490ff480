"""Export as a job: progress, cancel, the record, presets, covers and bad input."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from PIL import Image
from sqlalchemy import select

from core.domain import ExportRecord
from core.errors import ExportFailedError, JobCancelledError, NotFoundError
from core.export import (
    ExportFormat,
    ExportOptions,
    delete_preset,
    export_book,
    list_presets,
    options_from_preset,
    save_preset,
)
from core.jobs import CancelToken, JobContext
from core.store.assets import add_asset, asset_path, book_cover
from core.store.manuscript import add_chapter, add_scene, create_book, get_book

ALL_FORMATS = list(ExportFormat)


def _records(library) -> list[ExportRecord]:  # type: ignore[no-untyped-def]
    with library.session() as s:
        return list(s.scalars(select(ExportRecord)))


def test_progress_per_chapter_and_a_record(aw_library, aw_sample_book, tmp_path):
    seen: list[tuple[int, int, str]] = []
    ctx = JobContext(on_progress=lambda d, t, m: seen.append((d, t, m)))
    result = export_book(
        aw_library,
        aw_sample_book,
        tmp_path / "b.epub",
        ExportOptions(format=ExportFormat.EPUB, preset="Default"),
        ctx,
    )
    chapter_steps = [s for s in seen if s[1] == 3]
    assert [d for d, _, _ in chapter_steps] == [0, 1, 2, 3]
    (record,) = _records(aw_library)
    assert (record.book_id, record.format, record.preset) == (aw_sample_book, "epub", "Default")
    assert record.path == str(tmp_path / "b.epub") and record.size == result.size > 0
    assert record.options["trim"] == "6x9"


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_cancel_leaves_no_file_and_no_record(aw_library, aw_sample_book, tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"book{fmt.suffix}"
    target.write_bytes(b"previous export")
    token = CancelToken()

    def cancel_on_second_chapter(done: int, total: int, message: str) -> None:
        if done == 1 and total == 3:
            token.cancel()

    with pytest.raises(JobCancelledError):
        export_book(
            aw_library,
            aw_sample_book,
            target,
            ExportOptions(format=fmt),
            JobContext(on_progress=cancel_on_second_chapter, token=token),
        )
    assert target.read_bytes() == b"previous export"  # untouched, not half-replaced
    assert sorted(p.name for p in out.iterdir()) == [target.name]  # no temp file left
    assert _records(aw_library) == []


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        (lambda d: d / "missing-folder" / "b.epub", "does not exist"),
        (lambda d: d, "is a folder"),
    ],
)
def test_unwritable_targets_get_a_clear_message(
    aw_library, aw_sample_book, tmp_path, make_target, message
):
    with pytest.raises(ExportFailedError, match=message):
        export_book(
            aw_library,
            aw_sample_book,
            make_target(tmp_path),
            ExportOptions(format=ExportFormat.EPUB),
        )
    assert _records(aw_library) == []


def test_an_unknown_trim_size_is_named(aw_library, aw_sample_book, tmp_path):
    with pytest.raises(ExportFailedError, match="unknown trim size '7x10'"):
        export_book(
            aw_library,
            aw_sample_book,
            tmp_path / "b.pdf",
            ExportOptions(format=ExportFormat.PDF, trim="7x10"),
        )


def test_a_file_where_the_folder_should_be(aw_library, aw_sample_book, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportFailedError, match="does not exist"):
        export_book(
            aw_library,
            aw_sample_book,
            tmp_path / "file" / "b.pdf",
            ExportOptions(format=ExportFormat.PDF),
        )


def test_empty_book_is_refused_with_its_title(aw_library, tmp_path):
    with aw_library.session() as s:
        book_id = create_book(session=s, title="Nothing Yet").id
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportFailedError, match="'Nothing Yet' has no chapters"):
        export_book(aw_library, book_id, out / "b.epub", ExportOptions())
    assert list(out.iterdir()) == []


def _book_with(aw_library, chapters: list[tuple[str, list[str]]], **fields) -> str:  # type: ignore[no-untyped-def]
    with aw_library.session() as s:
        book = create_book(
            session=s, title=fields.pop("title", "Test Book"), author="Ada Quill", **fields
        )
        for title, scenes in chapters:
            chapter = add_chapter(session=s, book=book, title=title)
            for text in scenes:
                add_scene(session=s, chapter=chapter, text=text)
        return book.id


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_a_chapter_with_no_scenes_exports(aw_library, tmp_path, fmt, request):
    book_id = _book_with(aw_library, [("Only a Heading", [])])
    result = export_book(
        aw_library, book_id, tmp_path / f"b{fmt.suffix}", ExportOptions(format=fmt)
    )
    assert result.size > 0
    if fmt is ExportFormat.EPUB:
        request.getfixturevalue("epubcheck")(result.path)
    if fmt in (ExportFormat.MARKDOWN, ExportFormat.TEXT, ExportFormat.FOUNTAIN):
        assert "Only a Heading" in result.path.read_text(encoding="utf-8")


def test_a_500000_word_chapter(aw_library, tmp_path, epubcheck):
    para = " ".join(["word"] * 48)
    text = "\n\n".join(f"Paragraph {i} {para}" for i in range(10_000))
    book_id = _book_with(aw_library, [("Endless", [text])])
    for fmt in (ExportFormat.EPUB, ExportFormat.DOCX, ExportFormat.MARKDOWN):
        result = export_book(
            aw_library, book_id, tmp_path / f"b{fmt.suffix}", ExportOptions(format=fmt)
        )
        assert result.size > 10_000
    assert (tmp_path / "b.md").read_text(encoding="utf-8").count("Paragraph ") == 10_000
    epubcheck(tmp_path / "b.epub")
    with zipfile.ZipFile(tmp_path / "b.epub") as zf:
        assert zf.read("EPUB/chapter-001.xhtml").decode().count("<p") == 10_000
    assert len(docx.Document(str(tmp_path / "b.docx")).paragraphs) > 10_000


def _png(colour: tuple[int, int, int] = (10, 20, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 180), colour).save(out, "PNG")
    return out.getvalue()


def test_cover_asset_goes_into_the_epub(aw_library, aw_sample_book, tmp_path, epubcheck):
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        asset = add_asset(
            session=s,
            library=aw_library,
            book=book,
            source=_png(),
            kind="cover",
            filename="cover.png",
        )
        assert asset.media_type == "image/png"
        assert asset_path(aw_library, asset).read_bytes() == _png()
        assert book_cover(session=s, book_id=book.id).id == asset.id  # type: ignore[union-attr]
    result = export_book(aw_library, aw_sample_book, tmp_path / "b.epub", ExportOptions())
    assert result.warnings == []
    epubcheck(result.path)
    with zipfile.ZipFile(result.path) as zf:
        assert zf.read("EPUB/images/cover.png") == _png()


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_damaged_or_missing_cover_is_a_warning_not_a_failure(
    aw_library, aw_sample_book, tmp_path, damage
):
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        asset = add_asset(
            session=s,
            library=aw_library,
            book=book,
            source=_png((1, 2, 3)),
            kind="cover",
            filename="front.png",
        )
        path = asset_path(aw_library, asset)
    if damage == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a png")
    else:
        path.unlink()
    result = export_book(
        aw_library, aw_sample_book, tmp_path / "b.docx", ExportOptions(format=ExportFormat.DOCX)
    )
    assert len(result.warnings) == 1
    assert "front.png" in result.warnings[0] and "without a cover" in result.warnings[0]
    assert docx.Document(str(result.path)).paragraphs


def test_presets_are_saved_per_book(aw_library, aw_sample_book):
    options = ExportOptions(
        format=ExportFormat.PDF, trim="5x8", synopses=True, chapters=[1, 3], copyright_page=False
    )
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        save_preset(session=s, book=book, name="Print proof", options=options)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        assert set(list_presets(book=book)) == {"Default", "Print proof"}
        loaded = options_from_preset(book=book, name="print proof", format=ExportFormat.EPUB)
        assert loaded.format is ExportFormat.EPUB and loaded.preset == "Print proof"
        assert (loaded.trim, loaded.synopses, loaded.chapters, loaded.copyright_page) == (
            "5x8",
            True,
            [1, 3],
            False,
        )
        delete_preset(session=s, book=book, name="Print proof")
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        with pytest.raises(NotFoundError, match="no export preset named 'Print proof'"):
            options_from_preset(book=book, name="Print proof", format=ExportFormat.EPUB)


def test_chapter_selection(aw_library, aw_sample_book, tmp_path):
    result = export_book(
        aw_library,
        aw_sample_book,
        tmp_path / "b.md",
        ExportOptions(format=ExportFormat.MARKDOWN, chapters=[2]),
    )
    text = result.path.read_text(encoding="utf-8")
    assert "# Chapter Two: The Wreck" in text and "Chapter One" not in text
    with pytest.raises(ExportFailedError, match="there is no chapter 9"):
        export_book(
            aw_library,
            aw_sample_book,
            tmp_path / "c.md",
            ExportOptions(format=ExportFormat.MARKDOWN, chapters=[9]),
        )


def test_hostile_title_into_every_format(aw_library, tmp_path, request):
    title = 'Tom & "Jerry" <b>\'s</b> 🐭 שלום'
    book_id = _book_with(aw_library, [(title, ["مرحبا 👋 & <i>not markup</i>"])], title=title)
    for fmt in ALL_FORMATS:
        result = export_book(
            aw_library, book_id, tmp_path / f"b{fmt.suffix}", ExportOptions(format=fmt)
        )
        assert result.size > 0
    request.getfixturevalue("epubcheck")(tmp_path / "b.epub")
    assert title in (tmp_path / "b.md").read_text(encoding="utf-8")
    assert docx.Document(str(tmp_path / "b.docx")).paragraphs[0].text == title
    pdf_text = request.getfixturevalue("poppler")("pdftotext", str(tmp_path / "b.pdf"), "-")
    assert 'Tom & "Jerry" <b>\'s</b>' in pdf_text
