"""Comic pages and archives: layouts, lettering inside balloons, CBZ and PDF output."""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from PIL import Image

from core.errors import JobCancelledError
from core.imaging.art import HttpArtProvider
from core.imaging.comic import make_comic, paginate
from core.imaging.comic_page import PAGE_SIZE, PageSpec, panel_rects, render_page
from core.imaging.panel_script import DialogueLine, Panel
from core.jobs import JobContext
from core.store.manuscript import add_chapter, add_scene, find_book

LONG = (
    "I have told you before and I will tell you again that the sea does not care about "
    "our feasts or our letters or our roofs, and the lamp must burn every night until spring."
)


@pytest.mark.parametrize("count", range(1, 7))
def test_layouts_hold_one_to_six_panels_without_overlap(count: int) -> None:
    size = (1000, 1500)
    rects = panel_rects(count, size, gutter=12, margin=40)
    assert len(rects) == count
    for left, top, right, bottom in rects:
        assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]
    for i, a in enumerate(rects):
        for c in rects[i + 1 :]:
            assert a[2] <= c[0] or c[2] <= a[0] or a[3] <= c[1] or c[3] <= a[1]
    if count > 1:
        assert min(rect[0] for rect in rects) == 40  # inside the margin; only a splash bleeds


def _inside_ellipse(point: tuple[float, float], shape) -> bool:
    cx, cy = (shape[0] + shape[2]) / 2, (shape[1] + shape[3]) / 2
    rx, ry = (shape[2] - shape[0]) / 2, (shape[3] - shape[1]) / 2
    return ((point[0] - cx) / rx) ** 2 + ((point[1] - cy) / ry) ** 2 <= 1.0 + 1e-6


@pytest.mark.parametrize("scale", [0.25, 0.5])
@pytest.mark.parametrize("texts", [["Hi."], ["What's your name?", LONG], [LONG, LONG, LONG]])
def test_lettering_stays_inside_balloons_and_captions(texts: list[str], scale: float) -> None:
    panel = Panel(
        "a lighthouse stair",
        "That night the fog came in.",
        [DialogueLine(s, t) for s, t in zip(["Mara", "Tobias", "Mara"], texts, strict=False)],
    )
    page = render_page(PageSpec(1, [panel, Panel("the sea")], [None, None], scale))
    balloons = [item for item in page.lettering if item.kind == "balloon"]
    captions = [item for item in page.lettering if item.kind == "caption"]
    assert len(balloons) == len(texts) and len(captions) == 1
    for item in balloons:
        for x0, y0, x1, y1 in item.lines:
            corners = ((x0, y0), (x1, y0), (x0, y1), (x1, y1))
            assert all(_inside_ellipse(p, item.shape) for p in corners)
        assert item.fit.lines
    for x0, y0, x1, y1 in captions[0].lines:
        s = captions[0].shape
        assert s[0] <= x0 and x1 <= s[2] + 0.5 and s[1] <= y0 and y1 <= s[3] + 0.5
    panel_box = panel_rects(
        2,
        page.image.size,
        gutter=round(page.image.height / 100 * 1.2),
        margin=round(38 * scale + page.image.height / 100 * 2.2),
    )[0]
    for item in balloons:  # balloons stay inside their panel
        assert panel_box[0] - 1 <= item.shape[0] and item.shape[2] <= panel_box[2] + 1
        assert panel_box[1] - 1 <= item.shape[1] and item.shape[3] <= panel_box[3] + 1
    for item in balloons:  # tails point down into the speaker's panel
        tip = item.tail_tip
        assert (
            tip is not None
            and panel_box[0] <= tip[0] <= panel_box[2]
            and item.shape[3] - 1 < tip[1] <= panel_box[3]
        )


def test_long_dialogue_is_shown_whole_or_reported() -> None:
    page = render_page(PageSpec(1, [Panel("x", "", [DialogueLine("A", LONG * 4)])], [None], 0.25))
    balloon = next(i for i in page.lettering if i.kind == "balloon")
    assert balloon.fit.fits or any("too long" in w for w in page.warnings)


def test_paginate_balances_pages() -> None:
    panels = [Panel(str(i)) for i in range(13)]
    pages = paginate(panels)
    assert [len(p) for p in pages] == [5, 4, 4]
    assert [p.description for page in pages for p in page] == [str(i) for i in range(13)]


def _add_chapter(library, book_id: str, paragraphs: int) -> int:
    text = "\n\n".join(f"Paragraph {i}: “Line {i},” said Mara." for i in range(paragraphs))
    with library.session() as s:
        book = find_book(session=s, ref=book_id)
        chapter = add_chapter(session=s, book=book, title="Long Night")
        add_scene(session=s, chapter=chapter, title="Stairs", text=text)
        return chapter.ordinal  # chapter numbers are 1-based


def _colours(tmp_path: Path, n: int) -> list[Path]:
    palette = [
        (200, 30, 30),
        (30, 200, 30),
        (30, 30, 200),
        (200, 200, 30),
        (30, 200, 200),
        (200, 30, 200),
        (90, 90, 90),
    ]
    paths = []
    for i in range(n):
        p = tmp_path / f"art-{i}.png"
        Image.new("RGB", (60, 40), palette[i]).save(p)
        paths.append(p)
    return paths


def test_cbz_has_comicinfo_and_pages_in_order(aw_library, aw_sample_book, tmp_path: Path) -> None:
    number = _add_chapter(aw_library, aw_sample_book, 8)  # 8 panels: pages of 4 and 4
    art = _colours(tmp_path, 7)
    out = tmp_path / "chapter.cbz"
    result = make_comic(aw_library, aw_sample_book, number, out, images=art, scale=0.2, workers=2)
    assert result.pages == 2
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        pages = [n for n in names if n.endswith(".jpg")]
        assert pages == ["page-001.jpg", "page-002.jpg"]
        info = ElementTree.fromstring(archive.read("ComicInfo.xml"))
        assert info.tag == "ComicInfo"
        assert info.findtext("Series") == "Gannet Rock" and info.findtext("Number") == str(number)
        assert info.findtext("PageCount") == "2" and info.findtext("Writer") == "A. Writer"
        assert [p.get("Image") for p in info.iter("Page")] == ["0", "1"]
        entries = list(info.iter("Page"))
        assert entries[0].get("Type") == "FrontCover"
        assert [int(p.get("ImageSize")) for p in entries] == [
            archive.getinfo(n).file_size for n in pages
        ]
        order = [child.tag for child in info]
        assert order == [
            "Title",
            "Series",
            "Number",
            "Writer",
            "PageCount",
            "LanguageISO",
            "Manga",
            "Pages",
        ]
        # Panel i shows picture i % 7: page 2's first panel is picture 4 (cyan).
        for name, expected in zip(pages, [(200, 30, 30), (30, 200, 200)], strict=False):
            img = Image.open(io.BytesIO(archive.read(name))).convert("RGB")
            x0, y0, x1, y1 = panel_rects(
                4,
                img.size,
                gutter=round(img.height / 100 * 1.2),
                margin=round(38 * 0.2 + img.height / 100 * 2.2),
            )[0]
            px = img.getpixel((round(x0 + (x1 - x0) * 0.9), round(y1 - (y1 - y0) * 0.05)))
            assert all(abs(a - e) < 40 for a, e in zip(px, expected, strict=False)), (name, px)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".cbz") == ["chapter.cbz"]


def test_pdf_has_one_page_per_comic_page(aw_library, aw_sample_book, tmp_path: Path) -> None:
    out = tmp_path / "chapter.pdf"
    result = make_comic(aw_library, aw_sample_book, 1, out, scale=0.15, workers=1)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == result.pages >= 1


def test_a_failing_provider_gives_placeholders_and_the_job_goes_on(
    aw_library, aw_sample_book, tmp_path: Path
) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(500 if len(calls) == 2 else 200, content=b"not an image")

    provider = HttpArtProvider(url="http://127.0.0.1:9/x", transport=httpx.MockTransport(handler))
    out = tmp_path / "c.cbz"
    result = make_comic(
        aw_library, aw_sample_book, 1, out, provider=provider, scale=0.15, workers=1
    )
    assert zipfile.ZipFile(out).namelist()[-1] == "ComicInfo.xml"
    text = " | ".join(result.warnings)
    assert "timed out" in text and "HTTP 500" in text and "not a picture" in text
    assert "placeholders for the rest" in text
    assert len(calls) == 3  # after three failures the provider is not asked again


def test_bad_output_and_cancel_leave_nothing(aw_library, aw_sample_book, tmp_path: Path) -> None:
    from core.imaging.errors import ImagingError

    with pytest.raises(ImagingError, match=r"\.cbz or \.pdf"):
        make_comic(aw_library, aw_sample_book, 1, tmp_path / "c.zip")
    ctx = JobContext()
    ctx.token.cancel()
    with pytest.raises(JobCancelledError):
        make_comic(aw_library, aw_sample_book, 1, tmp_path / "c.cbz", scale=0.1, ctx=ctx)
    assert [p.name for p in tmp_path.iterdir()] == ["library"]


def test_page_size_is_print_resolution() -> None:
    assert math.isclose(PAGE_SIZE[0] / 300, 6.625 + 0.25, abs_tol=0.01)


@pytest.mark.parametrize("workers", [1, 2])
def test_corrupt_and_cmyk_writer_pictures(
    aw_library, aw_sample_book, tmp_path: Path, workers
) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 broken jpeg")
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (50, 40), (0, 255, 255, 0)).save(cmyk)
    number = _add_chapter(aw_library, aw_sample_book, 8)
    out = tmp_path / "c.cbz"
    result = make_comic(
        aw_library, aw_sample_book, number, out, images=[bad, cmyk], scale=0.1, workers=workers
    )
    assert result.pages == 2
    bad_warnings = [w for w in result.warnings if "bad.jpg" in w]
    assert len(bad_warnings) == 4 and all("placeholder" in w for w in bad_warnings)
    assert not any("cmyk.jpg" in w for w in result.warnings)
