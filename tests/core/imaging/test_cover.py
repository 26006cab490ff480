"""Cover rendering: golden images, print geometry, bad input, formats and the cover asset."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from core.imaging.book_covers import make_book_cover
from core.imaging.cover import render_cover, save_image
from core.imaging.errors import ImagingError, TemplateError
from core.imaging.geometry import ebook_geometry, estimate_pages, print_geometry
from core.imaging.templates import design_for, load_template, template_names
from core.store.assets import asset_path, book_cover

GOLDEN = Path(__file__).parent / "golden"
SCALE = 0.1  # 160x256: small golden files, same layout as full size


def _design(template: str, **extra):
    values = dict(
        title="The Glass Orchard", subtitle="A novel of winter light", author="Jane Writer",
        series="The Orchard Cycle, Book One",
    )  # fmt: skip
    values.update(extra)
    return design_for(template, **values)


def assert_matches_golden(image: Image.Image, name: str) -> None:
    """Within a tolerance: font rasterisers differ a little between FreeType versions."""
    path = GOLDEN / name
    if os.environ.get("AUTHORWORKS_UPDATE_GOLDEN") == "1":
        image.save(path, optimize=True)
    golden = Image.open(path).convert("RGB")
    assert golden.size == image.size
    diff = ImageChops.difference(golden, image.convert("RGB")).convert("L")
    mean = ImageStat.Stat(diff).mean[0]
    far = sum(diff.point(lambda v: 255 if v > 64 else 0).histogram()[255:]) / (
        image.width * image.height
    )
    assert mean < 4.0 and far < 0.03, f"{name}: mean diff {mean:.2f}, {far:.1%} pixels far off"


@pytest.mark.parametrize("template", ["classic", "bold", "minimal", "noir"])
def test_templates_render_like_their_golden_images(template: str) -> None:
    rendered = render_cover(_design(template), ebook_geometry().scaled(SCALE))
    assert rendered.image.size == (160, 256)
    assert rendered.warnings == []
    assert_matches_golden(rendered.image, f"cover-{template}.png")


def test_golden_comparison_detects_a_changed_title() -> None:
    rendered = render_cover(
        _design("classic", title="Another Book Entirely"), ebook_geometry().scaled(SCALE)
    )
    with pytest.raises(AssertionError):
        assert_matches_golden(rendered.image, "cover-classic.png")


def test_shipped_templates_load() -> None:
    assert {"classic", "bold", "minimal"} <= set(template_names())
    for name in template_names():
        assert any(layer.role == "title" for layer in load_template(name).layers)
    with pytest.raises(TemplateError, match="no cover template 'nope'"):
        load_template("nope")


def test_print_wrap_geometry_from_trim_pages_and_paper() -> None:
    g = print_geometry("6x9", 300, "cream")
    assert g.spine_inches == pytest.approx(0.75)
    assert g.spine is not None and g.spine[2] == 225
    assert (g.width, g.height) == (2 * 38 + 2 * 1800 + 225, 2 * 38 + 2700)
    assert g.back is not None and g.front[0] == g.spine[0] + g.spine[2]
    bx, by, bw, bh = g.barcode or (0, 0, 0, 0)
    back_x, back_y, back_w, back_h = g.back
    assert back_x < bx and bx + bw <= back_x + back_w - 75 and by + bh <= back_y + back_h - 75
    assert print_geometry("6x9", 300, "white").spine_inches < g.spine_inches
    assert not print_geometry("5x8", 40, "white").spine_has_text
    assert estimate_pages(90_000) > estimate_pages(30_000) >= 24


@pytest.mark.parametrize(
    "args, message",
    [
        (("6x9", 0, "cream"), "page count"),
        (("6x9", 200, "gold"), "paper"),
        (("tall", 200, "cream"), "trim size"),
    ],
)
def test_print_geometry_rejects_bad_input(args, message) -> None:
    with pytest.raises(ImagingError, match=message):
        print_geometry(*args)


def test_print_wrap_renders_spine_back_and_barcode() -> None:
    g = print_geometry("6x9", 300, "cream").scaled(0.2)
    design = _design("bold", blurb="A keeper, a wreck and a letter. " * 10)
    rendered = render_cover(design, g)
    assert rendered.image.size == (g.width, g.height)
    bx, by, bw, bh = g.barcode or (0, 0, 0, 0)
    assert rendered.image.getpixel((bx + bw // 2, by + bh // 2)) == (255, 255, 255)
    x, _y, w, _h = g.front
    assert all(
        x <= rect[0] and rect[0] + rect[2] <= x + w + 1 for rect in rendered.layer_boxes.values()
    )


def test_a_title_too_long_to_fit_is_cut_and_said() -> None:
    rendered = render_cover(
        _design("classic", title="Endless " * 80), ebook_geometry().scaled(0.25)
    )
    assert any("title is too long" in w for w in rendered.warnings)
    assert not rendered.fits["title"].fits


@pytest.mark.parametrize("mode", ["CMYK", "RGBA", "corrupt"])
def test_background_pictures_of_any_kind(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "art.png"
    if mode == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    else:
        img = Image.new(mode, (300, 400), (0, 255, 255, 0) if mode == "CMYK" else (0, 0, 255, 0))
        img.save(path.with_suffix(".jpg" if mode == "CMYK" else ".png"))
        path = path.with_suffix(".jpg" if mode == "CMYK" else ".png")
    rendered = render_cover(
        _design("minimal", image_path=str(path)), ebook_geometry().scaled(SCALE)
    )
    assert rendered.image.mode == "RGB"
    if mode == "corrupt":
        assert any("art.png" in w and "template colours" in w for w in rendered.warnings)
    else:
        assert rendered.warnings == []
        corner = rendered.image.getpixel((2, 250))
        assert (corner[0] > corner[2]) if mode == "CMYK" else corner[2] <= corner[0] + 40


@pytest.mark.parametrize(
    "suffix, magic", [(".png", b"\x89PNG"), (".jpg", b"\xff\xd8"), (".webp", b"RIFF")]
)
def test_save_in_each_format(tmp_path: Path, suffix: str, magic: bytes) -> None:
    img = render_cover(_design("classic"), ebook_geometry().scaled(SCALE)).image
    target = tmp_path / f"cover{suffix}"
    save_image(img, target)
    assert target.read_bytes().startswith(magic)
    assert Image.open(io.BytesIO(target.read_bytes())).size == img.size
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImagingError, match=r"png, \.jpg or \.webp"):
        save_image(Image.new("RGB", (4, 4)), tmp_path / "cover.gif")


def test_book_cover_is_stored_as_the_cover_asset(
    aw_library, aw_sample_book, tmp_path: Path
) -> None:
    out = tmp_path / "cover.png"
    result = make_book_cover(aw_library, aw_sample_book, output=out, template="bold")
    assert Image.open(out).size == (1600, 2560)
    with aw_library.session() as s:
        cover = book_cover(session=s, book_id=aw_sample_book)
        assert cover is not None and cover.id == result.asset_id
        assert asset_path(aw_library, cover).read_bytes() == out.read_bytes()
    again = make_book_cover(aw_library, aw_sample_book, output=None, template="bold")
    with aw_library.session() as s:
        assert book_cover(session=s, book_id=aw_sample_book).id == again.asset_id
