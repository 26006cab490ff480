"""One graphic-novel page: panel grid, art, caption boxes and speech balloons.

Page layouts hold 1 to 6 panels separated by gutters inside a margin; a one-panel splash
runs into the bleed. Balloons are ellipses sized to their lettering: the text block is fitted
first, then the ellipse is made large enough that every line's box lies inside it, with its
tail pointing at the speaker's place in the panel. :func:`render_page` is a pure function
of picklable inputs, so pages render in parallel worker processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from core.imaging.art import placeholder_art
from core.imaging.images import cover_fit, load_image
from core.imaging.lettering import TextFit, draw_fit, fit_text, line_boxes
from core.imaging.panel_script import Panel

# 6.625 x 10.25 in comic trim + 0.125 in bleed, at 300 dpi.
PAGE_SIZE = (2063, 3150)
BLEED = 38
SQRT2 = math.sqrt(2)
BALLOON_ASPECT = 2.2  # width : height of a balloon's text block
Box = tuple[float, float, float, float]  # left, top, right, bottom

# Rows of panels per count: each number is how many panels share that row.
LAYOUT_ROWS = {1: [1], 2: [1, 1], 3: [1, 2], 4: [2, 2], 5: [2, 1, 2], 6: [2, 2, 2]}


def panel_rects(count: int, size: tuple[int, int], *, gutter: int, margin: int) -> list[Box]:
    """The panels' boxes for a page of ``count`` (1..6) panels, reading order."""
    if not 1 <= count <= 6:
        raise ValueError(f"a page holds 1 to 6 panels, not {count}")
    w, h = size
    if count == 1:  # a splash page bleeds to the trimmed edge
        return [(0.0, 0.0, float(w), float(h))]
    rows = LAYOUT_ROWS[count]
    inner_w, inner_h = w - 2 * margin, h - 2 * margin
    row_h = (inner_h - gutter * (len(rows) - 1)) / len(rows)
    rects: list[Box] = []
    for r, n in enumerate(rows):
        top = margin + r * (row_h + gutter)
        cell_w = (inner_w - gutter * (n - 1)) / n
        for c in range(n):
            left = margin + c * (cell_w + gutter)
            rects.append((left, top, left + cell_w, top + row_h))
    return rects


@dataclass
class Lettering:
    """Where a caption or balloon went and where each of its lines went (tests check these)."""

    kind: str  # "caption" or "balloon"
    shape: Box
    lines: list[Box]
    fit: TextFit
    tail_tip: tuple[float, float] | None = None


@dataclass
class PageSpec:
    """Everything a worker needs to render one page (picklable)."""

    number: int
    panels: list[Panel]
    art: list[bytes | str | None]  # encoded image bytes, a file path, or None for a placeholder
    scale: float = 1.0


@dataclass
class PageRender:
    image: Image.Image
    lettering: list[Lettering] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _panel_art(
    source: bytes | str | None, size: tuple[int, int], panel: Panel
) -> tuple[Image.Image, str]:
    if source is None:
        return placeholder_art(size, panel.description), ""
    try:
        from pathlib import Path

        data = Path(source) if isinstance(source, str) else source
        return cover_fit(load_image(data, target_size=size), size), ""
    except Exception as exc:  # a bad picture must not stop the page
        return placeholder_art(size, panel.description), f"panel art: {exc}; a placeholder was used"


def _caption(draw: ImageDraw.ImageDraw, panel_box: Box, text: str, unit: float) -> Lettering:
    left, top, right, bottom = panel_box
    pad = unit * 0.6
    max_box = (round((right - left) * 0.86 - 2 * pad), round((bottom - top) * 0.3 - 2 * pad))
    fit = fit_text(
        text, max_box, font="comic-regular", max_size=round(unit * 1.6), min_size=round(unit * 0.7),
        wrap_below=1.0, spacing=1.05, what="caption",
    )  # fmt: skip
    x0, y0 = left + unit * 0.8, top + unit * 0.8
    shape = (x0, y0, x0 + fit.text_width + 2 * pad, y0 + fit.text_height + 2 * pad)
    draw.rectangle(
        shape, fill=(255, 244, 196), outline=(20, 20, 20), width=max(1, round(unit * 0.12))
    )
    origin = (x0 + pad, y0 + pad)
    fit_box = (fit.text_width, fit.text_height)
    shown = TextFit(
        fit.lines,
        fit.size,
        fit.line_height,
        fit.widths,
        (round(fit_box[0] + 0.5), fit.text_height),
        fit.fits,
        fit.wrapped,
        fit.shrunk,
        fit.warnings,
    )
    draw_fit(
        draw, shown, origin, font="comic-regular", fill=(20, 20, 20), align="left", valign="top"
    )
    return Lettering("caption", shape, line_boxes(shown, origin, align="left", valign="top"), fit)


def _balloon(
    draw: ImageDraw.ImageDraw, slot: Box, text: str, tip: tuple[float, float], unit: float
) -> Lettering:
    """A speech balloon inside ``slot`` whose tail ends at ``tip``."""
    sl, st, sr, sb = slot
    pad = unit * 0.5
    # The largest text block an ellipse inscribed in the slot can hold, less padding.
    max_box = (round((sr - sl) / SQRT2 - 2 * pad), round((sb - st) / SQRT2 - 2 * pad))
    fit = fit_text(
        text, max_box, font="comic", max_size=round(unit * 1.5), min_size=round(unit * 0.6),
        wrap_below=1.0, spacing=1.0, what="speech balloon",
    )  # fmt: skip
    if fit.fits and fit.lines:
        # Letterers break lines so the block is about twice as wide as tall: a rounder balloon.
        length = sum(fit.widths) + fit.size * 0.3 * (len(fit.lines) - 1)
        rows = max(1, round(math.sqrt(length / (BALLOON_ASPECT * fit.line_height))))
        target = min(max_box[0], round(length / rows * 1.12 + fit.size))
        if target < max_box[0]:
            narrow = fit_text(
                text, (target, max_box[1]), font="comic", max_size=fit.size, min_size=fit.size,
                wrap_below=1.0, spacing=1.0, what="speech balloon",
            )  # fmt: skip
            fit = narrow if narrow.fits else fit
    rx = (fit.text_width / 2 + pad) * SQRT2
    ry = (fit.text_height / 2 + pad) * SQRT2
    # A word or two still gets an oval, not a pill on its end (as the slot allows).
    rx = max(rx, min(ry * 1.2, (sr - sl) / 2))
    cx = min(max(tip[0], sl + rx), sr - rx)
    cy = st + ry
    shape = (cx - rx, cy - ry, cx + rx, cy + ry)
    # The tail leaves the balloon's underside towards the speaker.
    base = unit * 1.4
    bx = min(max(tip[0], cx - rx * 0.5), cx + rx * 0.5)
    by = cy + ry * math.sqrt(max(0.0, 1 - ((bx - cx) / rx) ** 2)) - unit * 0.3
    # A short tail aimed at the speaker reads better than one that runs all the way there.
    dx, dy = tip[0] - bx, tip[1] - by
    length = math.hypot(dx, dy) or 1.0
    reach = min(length, unit * 4.5)
    tip = (bx + dx / length * reach, by + dy / length * reach)
    tail = [(bx - base / 2, by), (bx + base / 2, by), tip]
    stroke = max(1, round(unit * 0.14))
    draw.ellipse(
        (shape[0] - stroke, shape[1] - stroke, shape[2] + stroke, shape[3] + stroke), fill=(0, 0, 0)
    )
    draw.polygon(tail, fill=(0, 0, 0), outline=(0, 0, 0), width=stroke * 2)
    draw.ellipse(shape, fill=(255, 255, 255))
    draw.polygon(tail, fill=(255, 255, 255))
    block = (round(fit.text_width + 0.5), fit.text_height)
    shown = TextFit(
        fit.lines,
        fit.size,
        fit.line_height,
        fit.widths,
        block,
        fit.fits,
        fit.wrapped,
        fit.shrunk,
        fit.warnings,
    )
    origin = (cx - block[0] / 2, cy - block[1] / 2)
    draw_fit(draw, shown, origin, font="comic", fill=(10, 10, 10))
    return Lettering("balloon", shape, line_boxes(shown, origin), fit, tip)


def _letter_panel(
    draw: ImageDraw.ImageDraw, box: Box, panel: Panel, unit: float
) -> list[Lettering]:
    out: list[Lettering] = []
    left, top, right, bottom = box
    inset = unit * 0.8
    y = top + inset
    if panel.caption:
        cap = _caption(draw, box, panel.caption, unit)
        out.append(cap)
        y = cap.shape[3] + unit * 0.6
    lines = panel.dialogue
    if not lines:
        return out
    speakers = panel.speakers
    usable = bottom - unit * 4 - y  # keep the lower part of the panel for the speakers
    slot_h = max(unit * 3, usable / len(lines))
    width = right - left - 2 * inset
    for i, line in enumerate(lines):
        who = speakers.index(line.speaker)
        tip = (left + (who + 1) / (len(speakers) + 1) * (right - left), bottom - unit * 2.2)
        # Alternate sides so consecutive balloons read left to right, top to bottom.
        slot_left = left + inset + (width * 0.25 if i % 2 else 0.0)
        slot = (slot_left, y, slot_left + width * 0.75, min(y + slot_h, bottom - unit * 3))
        balloon = _balloon(draw, slot, line.text, tip, unit)
        out.append(balloon)
        y = balloon.shape[3] + unit * 0.4
    return out


def render_page(spec: PageSpec) -> PageRender:
    """Render one page at ``spec.scale`` of full size."""
    w, h = (max(1, round(v * spec.scale)) for v in PAGE_SIZE)
    unit = h / 100  # lettering and gutters scale with the page
    page = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    result = PageRender(page)
    rects = panel_rects(
        len(spec.panels),
        (w, h),
        gutter=round(unit * 1.2),
        margin=round(BLEED * spec.scale + unit * 2.2),
    )
    for rect, panel, source in zip(rects, spec.panels, spec.art, strict=True):
        left, top, right, bottom = (round(v) for v in rect)
        art, warning = _panel_art(source, (max(1, right - left), max(1, bottom - top)), panel)
        if warning:
            result.warnings.append(f"page {spec.number}: {warning}")
        page.paste(art, (left, top))
        if len(spec.panels) > 1:
            draw.rectangle(
                (left, top, right - 1, bottom - 1),
                outline=(0, 0, 0),
                width=max(1, round(unit * 0.3)),
            )
        lettering = _letter_panel(draw, (left, top, right, bottom), panel, unit)
        result.lettering.extend(lettering)
        for item in lettering:
            result.warnings.extend(f"page {spec.number}: {w_}" for w_ in item.fit.warnings)
    return result
