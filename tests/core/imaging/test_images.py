"""Loading the writer's pictures: bad input gives one clear error, odd modes become RGB."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from core.imaging import images
from core.imaging.errors import ImageInputError
from core.imaging.images import load_image


def _encoded(img: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def test_corrupt_bytes_name_the_file() -> None:
    with pytest.raises(ImageInputError, match=r"^photo\.jpg: not a picture"):
        load_image(b"this is not an image at all", name="photo.jpg")


def test_truncated_picture_is_damaged() -> None:
    data = _encoded(Image.new("RGB", (64, 64), "red"), "PNG")
    with pytest.raises(ImageInputError, match="damaged"):
        load_image(data[: len(data) // 2], name="half.png")


def test_empty_and_missing_files(tmp_path) -> None:
    with pytest.raises(ImageInputError, match="empty"):
        load_image(b"", name="nothing.png")
    with pytest.raises(ImageInputError, match="cannot read"):
        load_image(tmp_path / "absent.png")


def test_huge_picture_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 50 * 50)
    data = _encoded(Image.new("RGB", (60, 60)), "PNG")
    with pytest.raises(ImageInputError, match=r"too large \(60x60 pixels"):
        load_image(data, name="big.png")


def test_cmyk_jpeg_becomes_rgb_with_its_colour() -> None:
    cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # pure red in CMYK
    out = load_image(_encoded(cmyk, "JPEG"), name="print.jpg")
    assert out.mode == "RGB"
    r, g, b = out.getpixel((16, 16))
    assert r > 200 and g < 60 and b < 60


def test_transparency_is_flattened_onto_the_background() -> None:
    rgba = Image.new("RGBA", (20, 20), (0, 0, 255, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 10, 20))
    out = load_image(_encoded(rgba, "PNG"), background=(10, 200, 10))
    assert out.mode == "RGB"
    assert out.getpixel((2, 2)) == (0, 0, 255)
    assert out.getpixel((15, 2)) == (10, 200, 10)


def test_palette_with_transparency_and_grey_load_as_rgb() -> None:
    pal = Image.new("P", (8, 8), 0)
    pal.info["transparency"] = 0
    assert load_image(_encoded(pal, "PNG")).mode == "RGB"
    assert load_image(_encoded(Image.new("L", (8, 8), 128), "PNG")).getpixel((0, 0)) == (
        128,
        128,
        128,
    )


def test_pictures_in_lists_pictures_in_name_order(tmp_path: Path) -> None:
    from core.imaging.errors import ImagingError
    from core.imaging.images import pictures_in

    for name in ("b.PNG", "a.jpg", "notes.txt", "c.webp"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in pictures_in(tmp_path)] == ["a.jpg", "b.PNG", "c.webp"]
    with pytest.raises(ImagingError, match="nowhere: not a folder"):
        pictures_in(tmp_path / "nowhere")
