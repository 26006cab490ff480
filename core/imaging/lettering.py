"""Fitting text into a box: shrink first, then wrap, then say that it does not fit.

Covers and balloons share this. :func:`fit_text` measures with the font's advance widths
(cheap) and binary-searches the size, so fitting a title costs a few milliseconds.
The result knows every line's position, which is what tests check against balloons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import ImageDraw, ImageFont

from core.imaging.fonts import load_font

ELLIPSIS = "…"


@dataclass(frozen=True)
class TextFit:
    """How a text was laid out in a ``width`` x ``height`` box."""

    lines: list[str]
    size: int
    line_height: int
    widths: list[float]
    box: tuple[int, int]
    fits: bool = True
    wrapped: bool = False
    shrunk: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def text_width(self) -> float:
        return max(self.widths, default=0.0)

    @property
    def text_height(self) -> int:
        return self.line_height * len(self.lines)


def _line_height(font: ImageFont.FreeTypeFont, spacing: float) -> int:
    ascent, descent = font.getmetrics()
    return max(1, round((ascent + descent) * spacing))


def wrap_words(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap of ``text`` (keeping its own line breaks) to ``width`` pixels.

    A word wider than the line is broken between characters: a long URL or name must not
    overflow its box.
    """
    lines: list[str] = []
    space = font.getlength(" ")
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            # Words are measured once; a line's width is their sum plus spaces (kerning
            # across a space is negligible, and the caller re-measures the final lines).
            w = font.getlength(word)
            if current and used + space + w <= width:
                current.append(word)
                used += space + w
                continue
            if not current and w <= width:
                current, used = [word], w
                continue
            if current:
                lines.append(" ".join(current))
            while w > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and font.getlength(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = font.getlength(word)
            current, used = [word], w
        lines.append(" ".join(current))
    return lines


def _layout(
    text: str, font: ImageFont.FreeTypeFont, width: int, wrap: bool, spacing: float
) -> tuple[list[str], list[float], int]:
    lines = wrap_words(text, font, width) if wrap else text.split("\n")
    return lines, [font.getlength(line) for line in lines], _line_height(font, spacing)


def _fits(widths: list[float], line_height: int, n: int, box: tuple[int, int]) -> bool:
    return max(widths, default=0) <= box[0] and line_height * n <= box[1]


def fit_text(
    text: str,
    box: tuple[int, int],
    *,
    font: str,
    max_size: int,
    min_size: int,
    wrap_below: float = 0.7,
    spacing: float = 1.1,
    what: str = "text",
) -> TextFit:
    """Lay ``text`` out in ``box`` (width, height) with the ``font`` key.

    First the text is kept on its own lines and shrunk down to ``wrap_below`` x ``max_size``;
    if it still does not fit it is wrapped, from ``max_size`` down to ``min_size``; if even
    that fails the last line is cut with an ellipsis and a warning names ``what``.
    """
    text = " ".join(text.split(" ")).strip()
    width, height = max(1, box[0]), max(1, box[1])
    box = (width, height)
    min_size = max(1, min(min_size, max_size))
    if not text:
        return TextFit([], max_size, 0, [], box)
    floor = max(min_size, int(max_size * wrap_below))
    for wrap, top, bottom in ((False, max_size, floor), (True, max_size, min_size)):
        best = _largest_fitting(text, box, font, top, bottom, wrap, spacing)
        if best is not None:
            size, (lines, widths, lh) = best
            return TextFit(
                lines, size, lh, widths, box,
                wrapped=wrap and len(lines) > len(text.split("\n")),
                shrunk=size < max_size,
            )  # fmt: skip
    return _ellipsized(text, box, font, min_size, spacing, what)


def _largest_fitting(
    text: str, box: tuple[int, int], font: str, top: int, bottom: int, wrap: bool, spacing: float
) -> tuple[int, tuple[list[str], list[float], int]] | None:
    """Binary search for the largest size in [bottom, top] at which the text fits."""
    best = None
    lo, hi = bottom, top
    while lo <= hi:
        mid = (lo + hi) // 2
        layout = _layout(text, load_font(font, mid), box[0], wrap, spacing)
        if _fits(layout[1], layout[2], len(layout[0]), box):
            best = (mid, layout)
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _ellipsized(
    text: str, box: tuple[int, int], font_name: str, size: int, spacing: float, what: str
) -> TextFit:
    font = load_font(font_name, size)
    lines, _, lh = _layout(text, font, box[0], True, spacing)
    keep = max(1, box[1] // lh)
    shown = lines[:keep]
    last = shown[-1]
    while last and font.getlength(last + ELLIPSIS) > box[0]:
        last = last[:-1].rstrip()
    shown[-1] = last + ELLIPSIS
    # One line taller than the box (a tiny box) is clipped by the caller's box, never spilled.
    warning = f"the {what} is too long to fit even at {size} px; it was cut short"
    return TextFit(
        shown, size, lh, [font.getlength(s) for s in shown], box,
        fits=False, wrapped=True, shrunk=True, warnings=[warning],
    )  # fmt: skip


def line_boxes(
    fit: TextFit, origin: tuple[float, float], *, align: str = "center", valign: str = "middle"
) -> list[tuple[float, float, float, float]]:
    """Each line's (left, top, right, bottom) when ``fit`` is drawn in its box at ``origin``."""
    ox, oy = origin
    bw, bh = fit.box
    top = oy + {"top": 0.0, "bottom": bh - fit.text_height}.get(valign, (bh - fit.text_height) / 2)
    out = []
    for i, w in enumerate(fit.widths):
        left = ox + {"left": 0.0, "right": bw - w}.get(align, (bw - w) / 2)
        y = top + i * fit.line_height
        out.append((left, y, left + w, y + fit.line_height))
    return out


def draw_fit(
    draw: ImageDraw.ImageDraw,
    fit: TextFit,
    origin: tuple[float, float],
    *,
    font: str,
    fill: str | int | tuple[int, ...],
    align: str = "center",
    valign: str = "middle",
    stroke_width: int = 0,
    stroke_fill: str | int | tuple[int, ...] | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Draw the lines of ``fit`` into its box at ``origin`` (``offset`` shifts, for shadows)."""
    if not fit.lines:
        return
    face = load_font(font, fit.size)
    ascent, descent = face.getmetrics()
    # Centre the glyphs' ascent+descent inside each (spaced) line slot.
    pad = (fit.line_height - (ascent + descent)) / 2
    for line, (left, top, _r, _b) in zip(
        fit.lines, line_boxes(fit, origin, align=align, valign=valign), strict=True
    ):
        draw.text(
            (left + offset[0], top + pad + offset[1]),
            line,
            font=face,
            fill=fill,
            stroke_width=stroke_width,
            stroke_fill=stroke_fill,
        )
