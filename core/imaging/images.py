"""Loading the writer's pictures safely: any mode, any orientation, never a bomb.

Everything we composite is RGB. CMYK and palette images are converted, transparency is
flattened onto a background colour, EXIF rotation is applied, and a picture larger than
:data:`MAX_PIXELS` is refused with a message before it is decoded (a 30000x30000 PNG
would otherwise take gigabytes of memory).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from core.imaging.errors import ImageInputError

# 100 megapixels: more than any print cover needs (a 13x10 inch wrap at 600 dpi is 47 MP).
MAX_PIXELS = 100_000_000
RGB = tuple[int, int, int]


def load_image(
    source: Path | bytes,
    *,
    name: str = "",
    background: RGB = (255, 255, 255),
    target_size: tuple[int, int] | None = None,
) -> Image.Image:
    """Open ``source`` as an RGB image; raises ImageInputError naming the file on bad input.

    ``target_size`` lets JPEG decoding downscale while it reads (much faster for camera
    photos that end up as a 400-pixel panel).
    """
    label = name or (source.name if isinstance(source, Path) else "image")
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as exc:
        raise ImageInputError(f"{label}: cannot read the file ({exc.strerror})") from None
    if not data:
        raise ImageInputError(f"{label}: the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ImageInputError(
                    f"{label}: the picture is too large ({width}x{height} pixels; "
                    f"at most {MAX_PIXELS // 1_000_000} megapixels)"
                )
            if target_size and img.format == "JPEG":
                img.draft("RGB", target_size)
            img.load()
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(f"{label}: the picture is too large to open safely") from None
    except UnidentifiedImageError:
        raise ImageInputError(f"{label}: not a picture AuthorWorks can read") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageInputError(f"{label}: the picture is damaged ({exc})") from None
    return to_rgb(ImageOps.exif_transpose(img) or img, background)


def to_rgb(img: Image.Image, background: RGB = (255, 255, 255)) -> Image.Image:
    """``img`` as RGB: transparency flattened onto ``background``, CMYK/palette/grey converted."""
    if img.mode == "RGB":
        return img
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode == "P" and "transparency" in img.info
    )
    if has_alpha:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", img.size, background)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits rather than clip everything to white.
        img = img.point(lambda v: v / 256).convert("L")
    return img.convert("RGB")


def cover_fit(
    img: Image.Image, size: tuple[int, int], focus: tuple[float, float] = (0.5, 0.5)
) -> Image.Image:
    """``img`` scaled to fill ``size`` and cropped around ``focus`` (fractions of the image)."""
    return ImageOps.fit(img, size, method=Image.Resampling.BICUBIC, centering=focus)


PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff", ".bmp"})


def pictures_in(folder: Path) -> list[Path]:
    """The pictures in ``folder`` (by suffix), in name order; ImagingError if no such folder."""
    from core.imaging.errors import ImagingError

    if not folder.is_dir():
        raise ImagingError(f"{folder}: not a folder")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES)
