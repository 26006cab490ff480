"""Cover backgrounds: a flat colour, a gradient, the writer's picture or a procedural pattern."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw

from core.imaging.errors import ImageInputError
from core.imaging.images import cover_fit, load_image
from core.imaging.templates import Background

RGB = tuple[int, int, int]


def rgb(color: str) -> RGB:
    """A colour string as RGB (alpha dropped)."""
    c = ImageColor.getrgb(color)
    return (c[0], c[1], c[2])


def rgba(color: str) -> tuple[int, int, int, int]:
    c = ImageColor.getrgb(color)
    return (c[0], c[1], c[2], c[3] if len(c) > 3 else 255)


def _colors(bg: Background) -> tuple[RGB, RGB]:
    colors = bg.colors or ["#202830"]
    first = rgb(colors[0])
    return first, rgb(colors[1]) if len(colors) > 1 else first


def gradient(size: tuple[int, int], start: RGB, end: RGB, angle: float) -> Image.Image:
    """A two-colour linear gradient; ``angle`` 90 runs top to bottom, 0 left to right."""
    mask = Image.linear_gradient("L").resize((364, 364), Image.Resampling.BILINEAR)
    # Rotating a larger square and keeping its middle avoids empty corners at any angle.
    mask = mask.rotate(90 - angle, resample=Image.Resampling.BILINEAR).crop((54, 54, 310, 310))
    # Blend at 256x256 and scale up: the same 256 steps, a fraction of the work at full size.
    small = Image.composite(
        Image.new("RGB", mask.size, end), Image.new("RGB", mask.size, start), mask
    )
    return small.resize(size, Image.Resampling.BILINEAR)


def pattern(size: tuple[int, int], name: str, ground: RGB, ink: RGB) -> Image.Image:
    """A procedural pattern (dots, stripes, rings, grid) drawn in ``ink`` on ``ground``."""
    w, h = size
    img = Image.new("RGB", size, ground)
    draw = ImageDraw.Draw(img)
    step = max(4, round(h / 24))
    if name == "stripes":
        for x in range(-h, w + h, step * 2):
            draw.polygon([(x, 0), (x + step, 0), (x + step + h, h), (x + h, h)], fill=ink)
    elif name == "rings":
        cx, cy = w * 0.5, h * 0.38
        radius = math.hypot(max(cx, w - cx), max(cy, h - cy))
        ring = 0
        r = radius
        while r > 0:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ink if ring % 2 == 0 else ground)
            r -= step
            ring += 1
    elif name == "grid":
        line = max(1, step // 8)
        for x in range(0, w, step):
            draw.rectangle((x, 0, x + line - 1, h), fill=ink)
        for y in range(0, h, step):
            draw.rectangle((0, y, w, y + line - 1), fill=ink)
    else:  # dots
        r = step * 0.22
        for row, y in enumerate(range(step // 2, h + step, step)):
            shift = step / 2 if row % 2 else 0
            for x in range(0, w + step, step):
                draw.ellipse((x + shift - r, y - r, x + shift + r, y + r), fill=ink)
    return img


def apply_tint(img: Image.Image, tint: str) -> Image.Image:
    """``img`` with a translucent colour laid over it (keeps light text legible on busy art)."""
    if not tint:
        return img
    r, g, b, a = rgba(tint)
    if a == 0:
        return img
    return Image.composite(Image.new("RGB", img.size, (r, g, b)), img, Image.new("L", img.size, a))


def render_background(
    bg: Background, size: tuple[int, int], *, image_path: Path | None = None
) -> tuple[Image.Image, list[str]]:
    """The background at ``size`` and any warnings (a bad picture falls back to the colours)."""
    start, end = _colors(bg)
    warnings: list[str] = []
    if bg.type == "image" and image_path is not None:
        try:
            picture = load_image(image_path, target_size=size)
            return apply_tint(cover_fit(picture, size), bg.tint), warnings
        except ImageInputError as exc:
            warnings.append(f"background picture: {exc}; the template colours were used instead")
    elif bg.type == "image":
        warnings.append("background picture: none was given; the template colours were used")
    if bg.type == "pattern":
        return apply_tint(pattern(size, bg.pattern, end, start), bg.tint), warnings
    if bg.type == "color" or start == end:
        return Image.new("RGB", size, start), warnings
    return gradient(size, start, end, bg.angle), warnings
