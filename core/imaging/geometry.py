"""Cover sizes: the ebook front, and print full-wrap covers from trim, page count and paper.

A print wrap is back + spine + front with bleed all round. The spine is as thick as the
pages (paper caliper x page count); the barcode box sits on the back, lower right, inside
the safe area. Figures follow the common print-on-demand specifications.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.imaging.errors import ImagingError

EBOOK_SIZE = (1600, 2560)
PRINT_DPI = 300
BLEED_IN = 0.125
SAFE_IN = 0.25  # keep text this far inside the trim
BARCODE_IN = (2.0, 1.2)
# Inches of spine per page (printed on both sides) for each paper stock.
PAPER_CALIPER = {"white": 0.002252, "cream": 0.0025, "color": 0.002347}
MIN_SPINE_TEXT_IN = 0.25  # narrower spines carry no type
TRIM_SIZES = {
    "5x8": (5.0, 8.0),
    "5.25x8": (5.25, 8.0),
    "5.5x8.5": (5.5, 8.5),
    "6x9": (6.0, 9.0),
    "7x10": (7.0, 10.0),
    "8.5x11": (8.5, 11.0),
}

Rect = tuple[int, int, int, int]  # left, top, width, height in pixels


@dataclass(frozen=True)
class CoverGeometry:
    """Where everything goes on a cover image, in pixels."""

    kind: str  # "ebook" or "print"
    width: int
    height: int
    front: Rect  # the front trim area (the whole image for an ebook)
    spine: Rect | None = None
    back: Rect | None = None
    barcode: Rect | None = None
    bleed: int = 0
    dpi: int = 0
    spine_inches: float = 0.0
    pages: int = 0
    paper: str = ""

    @property
    def spine_has_text(self) -> bool:
        return self.spine is not None and self.spine_inches >= MIN_SPINE_TEXT_IN

    def scaled(self, factor: float) -> CoverGeometry:
        """The same layout ``factor`` times as large (previews and tests render small)."""
        if factor == 1:
            return self

        def s(r: Rect | None) -> Rect | None:
            return None if r is None else tuple(max(1, round(v * factor)) for v in r)  # type: ignore[return-value]

        return replace(
            self,
            width=max(1, round(self.width * factor)),
            height=max(1, round(self.height * factor)),
            front=s(self.front),  # type: ignore[arg-type]
            spine=s(self.spine),
            back=s(self.back),
            barcode=s(self.barcode),
            bleed=round(self.bleed * factor),
            dpi=round(self.dpi * factor),
        )


def ebook_geometry() -> CoverGeometry:
    """The ebook cover: 1600x2560, the size the large stores recommend."""
    w, h = EBOOK_SIZE
    return CoverGeometry("ebook", w, h, (0, 0, w, h))


def parse_trim(trim: str | tuple[float, float]) -> tuple[float, float]:
    """A trim size from "6x9" (inches) or a (width, height) pair."""
    if isinstance(trim, tuple):
        w, h = trim
    else:
        key = trim.strip().lower().replace(" ", "").replace("in", "")
        if key in TRIM_SIZES:
            return TRIM_SIZES[key]
        try:
            ws, hs = key.split("x")
            w, h = float(ws), float(hs)
        except ValueError:
            raise ImagingError(
                f"trim size {trim!r}: expected WIDTHxHEIGHT in inches, such as 6x9"
            ) from None
    if not (3 <= w <= 12 and 4 <= h <= 15):
        raise ImagingError(f"trim size {w}x{h} in: outside the printable range")
    return (w, h)


def spine_width_in(pages: int, paper: str) -> float:
    """The spine's width in inches for ``pages`` pages on ``paper``."""
    if paper not in PAPER_CALIPER:
        raise ImagingError(f"paper {paper!r}: choose one of {', '.join(PAPER_CALIPER)}")
    if not 2 <= pages <= 2000:
        raise ImagingError(f"page count {pages}: a printed book has 2 to 2000 pages")
    return pages * PAPER_CALIPER[paper]


def print_geometry(
    trim: str | tuple[float, float] = "6x9",
    pages: int = 200,
    paper: str = "cream",
    dpi: int = PRINT_DPI,
) -> CoverGeometry:
    """The full-wrap cover of a printed book: back, spine and front with bleed."""
    tw, th = parse_trim(trim)
    spine_in = spine_width_in(pages, paper)
    bleed = round(BLEED_IN * dpi)
    trim_w, trim_h = round(tw * dpi), round(th * dpi)
    spine_px = max(1, round(spine_in * dpi))
    width = 2 * bleed + 2 * trim_w + spine_px
    height = 2 * bleed + trim_h
    back = (bleed, bleed, trim_w, trim_h)
    spine = (bleed + trim_w, bleed, spine_px, trim_h)
    front = (bleed + trim_w + spine_px, bleed, trim_w, trim_h)
    safe = round(SAFE_IN * dpi)
    bw, bh = round(BARCODE_IN[0] * dpi), round(BARCODE_IN[1] * dpi)
    barcode = (bleed + trim_w - safe - bw, bleed + trim_h - safe - bh, bw, bh)
    return CoverGeometry(
        "print", width, height, front, spine, back, barcode, bleed, dpi,
        spine_in, pages, paper,
    )  # fmt: skip


def estimate_pages(word_count: int, trim: str | tuple[float, float] = "6x9") -> int:
    """A printed page count for ``word_count`` words (about 300 words on a 6x9 page), even."""
    tw, th = parse_trim(trim)
    per_page = 300 * (tw * th) / 54
    pages = max(24, round(word_count / per_page) + 8)  # + front and back matter
    return pages + pages % 2
