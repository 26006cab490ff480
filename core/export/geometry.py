"""Page geometry of print books per trim size: margins with gutter, type size and leading.

Shared by the print PDF and the formatted DOCX so both come out the same shape.
Lengths are in points (1/72 inch).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.export.options import TRIM_SIZES

INCH = 72.0


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    inside: float  # gutter margin (spine side)
    outside: float
    top: float
    bottom: float
    font_size: float
    leading: float


def geometry_for(trim: str) -> PageGeometry:
    """Margins and type size suited to the trim size."""
    w, h = TRIM_SIZES[trim]
    if w >= 6:
        margins, font_size, leading = (0.85, 0.6, 0.75, 0.8), 11.0, 14.5
    elif w >= 5.5:
        margins, font_size, leading = (0.8, 0.55, 0.7, 0.75), 10.5, 14.0
    else:
        margins, font_size, leading = (0.75, 0.5, 0.65, 0.7), 10.5, 13.5
    inside, outside, top, bottom = (m * INCH for m in margins)
    return PageGeometry(w * INCH, h * INCH, inside, outside, top, bottom, font_size, leading)
