"""Rendering a cover design at a size: background, text layers, and for print the wrap.

:func:`render_cover` is pure: a design and a geometry in, an RGB image and warnings out.
Layers are drawn in the front trim area; print wraps add the spine's title and author,
the back's blurb and a white barcode box. A title too long for its box is shrunk, then
wrapped, then cut with a warning — the cover is still made.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from core.imaging.backgrounds import apply_tint, render_background, rgba
from core.imaging.errors import ImagingError
from core.imaging.geometry import CoverGeometry, Rect
from core.imaging.lettering import TextFit, draw_fit, fit_text
from core.imaging.templates import CoverDesign, TextLayer

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


@dataclass
class CoverRender:
    """A rendered cover: the image, where each layer landed, and what could not be honoured."""

    image: Image.Image
    geometry: CoverGeometry
    layer_boxes: dict[str, Rect] = field(default_factory=dict)
    fits: dict[str, TextFit] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def layer_rect(layer: TextLayer, area: Rect) -> Rect:
    """The pixel box of ``layer`` within ``area`` (the front trim area)."""
    ax, ay, aw, ah = area
    x, y, w, h = layer.box
    return (round(ax + x * aw), round(ay + y * ah), max(1, round(w * aw)), max(1, round(h * ah)))


def render_cover(design: CoverDesign, geometry: CoverGeometry) -> CoverRender:
    """Draw ``design`` at ``geometry`` (use ``geometry.scaled`` for previews)."""
    size = (geometry.width, geometry.height)
    image_path = Path(design.background.image_path) if design.background.image_path else None
    canvas, warnings = render_background(design.background, size, image_path=image_path)
    result = CoverRender(canvas, geometry, warnings=warnings)
    draw = ImageDraw.Draw(canvas)
    for layer in design.layers:
        if not layer.visible or not layer.shown_text.strip():
            continue
        rect = layer_rect(layer, geometry.front)
        fit = _draw_layer(canvas, draw, layer, rect, geometry.front[3])
        result.layer_boxes[layer.id] = rect
        result.fits[layer.id] = fit
        result.warnings.extend(f"cover: {w}" for w in fit.warnings)
    if geometry.kind == "print":
        _draw_wrap(canvas, draw, design, geometry, result)
    return result


def _draw_layer(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, layer: TextLayer, rect: Rect, ref_h: int
) -> TextFit:
    x, y, w, h = rect
    stroke = round(layer.outline_width * ref_h) if layer.outline else 0
    # The outline grows glyphs on every side: fit into a box that leaves room for it.
    fit = fit_text(
        layer.shown_text,
        (w - 2 * stroke, h - 2 * stroke),
        font=layer.font,
        max_size=max(4, round(layer.max_size * ref_h)),
        min_size=max(4, round(layer.min_size * ref_h)),
        what=layer.role,
    )
    origin = (x + stroke, y + stroke)
    if layer.shadow:
        _draw_shadow(canvas, fit, origin, rect, layer, ref_h, stroke)
    draw_fit(
        draw, fit, origin, fill=rgba(layer.color), stroke_width=stroke,
        stroke_fill=rgba(layer.outline) if layer.outline else None, font=layer.font,
        align=layer.align, valign=layer.valign,
    )  # fmt: skip
    return fit


def _draw_shadow(
    canvas: Image.Image,
    fit: TextFit,
    origin: tuple[int, int],
    rect: Rect,
    layer: TextLayer,
    ref_h: int,
    stroke: int,
) -> None:
    """A soft drop shadow, blurred only over the layer's own box (blurring the page is slow)."""
    offset = max(1, round(ref_h * 0.004))
    blur = max(1, round(ref_h * 0.004))
    margin = offset + 3 * blur
    x, y, w, h = rect
    box = (x - margin, y - margin, x + w + margin, y + h + margin)
    mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    local = (origin[0] - box[0] + offset, origin[1] - box[1] + offset)
    draw_fit(
        ImageDraw.Draw(mask), fit, local, font=layer.font, fill=255, align=layer.align,
        valign=layer.valign, stroke_width=stroke, stroke_fill=255 if stroke else None,
    )  # fmt: skip
    # Blurring at half size and scaling back looks the same and costs a quarter.
    half = mask.resize(
        (max(1, mask.width // 2), max(1, mask.height // 2)), Image.Resampling.BILINEAR
    )
    half = half.filter(ImageFilter.GaussianBlur(max(1, blur / 2)))
    r, g, b, a = rgba(layer.shadow)
    mask = half.point(lambda v: v * a // 255).resize(mask.size, Image.Resampling.BILINEAR)
    canvas.paste((r, g, b), box, mask)


def _draw_wrap(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    design: CoverDesign,
    geometry: CoverGeometry,
    result: CoverRender,
) -> None:
    """Spine title and author, the back's blurb panel, and the barcode box."""
    title = next((layer for layer in design.layers if layer.role == "title"), None)
    author = next((layer for layer in design.layers if layer.role == "author"), None)
    ref_h = geometry.front[3]
    if geometry.spine is not None and geometry.spine_has_text and title is not None:
        sx, sy, sw, sh = geometry.spine
        # Spine text runs top to bottom: lay it out on its side, then turn it.
        strip = Image.new("RGBA", (round(sh * 0.9), max(1, round(sw * 0.7))), (0, 0, 0, 0))
        sdraw = ImageDraw.Draw(strip)
        label = title.shown_text + (f"   ·   {author.shown_text}" if author else "")
        fit = fit_text(
            label, strip.size, font=title.font, max_size=strip.size[1],
            min_size=max(4, strip.size[1] // 4), what="spine text",
        )  # fmt: skip
        draw_fit(sdraw, fit, (0, 0), font=title.font, fill=rgba(title.color))
        turned = strip.rotate(-90, expand=True)
        canvas.paste(
            turned, (sx + (sw - turned.width) // 2, sy + (sh - turned.height) // 2), turned
        )
        result.warnings.extend(f"cover: {w}" for w in fit.warnings)
    if geometry.back is not None and design.blurb.strip():
        bx, by, bw, bh = geometry.back
        pad = round(bw * 0.1)
        # Fit the blurb into the upper 70% of the back, then shade only what it covers.
        box = (bw - 2 * pad, round(bh * 0.7) - pad)
        fit = fit_text(
            design.blurb, box, font="serif", max_size=round(ref_h * 0.03),
            min_size=round(ref_h * 0.011), wrap_below=1.0, spacing=1.35, what="blurb",
        )  # fmt: skip
        inner = (bx + pad, by + pad)
        bottom = by + pad * 3 // 2 + fit.text_height
        panel = (bx + pad // 2, by + pad // 2, bx + bw - pad // 2, bottom)
        region = canvas.crop(panel)
        canvas.paste(apply_tint(region, "#00000066"), panel[:2])
        draw_fit(draw, fit, inner, font="serif", fill=(255, 255, 255), align="left", valign="top")
        result.warnings.extend(f"cover: {w}" for w in fit.warnings)
    if geometry.barcode is not None:
        x, y, w, h = geometry.barcode
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=(255, 255, 255))


def encode_image(image: Image.Image, fmt: str) -> bytes:
    """``image`` as PNG, JPEG or WEBP bytes."""
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buf, "JPEG", quality=92, optimize=True)
    elif fmt == "WEBP":
        image.save(buf, "WEBP", quality=90, method=4)
    else:
        image.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def format_for(path: Path) -> str:
    """The image format a file name asks for; ImagingError for one we do not write."""
    fmt = IMAGE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImagingError(f"{path.name}: choose a .png, .jpg or .webp file name")
    return fmt


def write_atomic(data: bytes, path: Path) -> None:
    """Write ``data`` to a temp file beside ``path`` and move it into place."""
    path = path.expanduser()
    if not path.parent.is_dir():
        raise ImagingError(f"{path}: the folder does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ImagingError(f"{path}: cannot write the file ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_image(image: Image.Image, path: Path) -> None:
    """Save ``image`` at ``path`` in the format its suffix names (PNG, JPEG or WebP)."""
    write_atomic(encode_image(image, format_for(path)), path)
