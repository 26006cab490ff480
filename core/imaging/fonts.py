"""The fonts covers and comics are lettered with: shipped open-licence files under resources/fonts.

Layers name a font by a short key (``display``, ``serif``, ``comic``...) so templates do not
depend on file names; an unknown key falls back to the sans face rather than failing a render.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from core.resources import resource_path

FONT_FILES: dict[str, str] = {
    "display": "LeagueSpartan-Bold.otf",
    "sans": "Lato-Regular.ttf",
    "sans-bold": "Lato-Bold.ttf",
    "serif": "GentiumBookPlus-Regular.ttf",
    "serif-bold": "GentiumBookPlus-Bold.ttf",
    "serif-italic": "GentiumBookPlus-Italic.ttf",
    "comic": "ComicNeue-Bold.otf",
    "comic-regular": "ComicNeue-Regular.otf",
    "mono": "CourierPrime-Regular.ttf",
}
FALLBACK_FONT = "sans"


def font_names() -> list[str]:
    """The font keys a template or layer may name."""
    return sorted(FONT_FILES)


@lru_cache(maxsize=512)
def load_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """The font ``name`` at ``size`` pixels (cached: fitting text asks for many sizes)."""
    filename = FONT_FILES.get(name, FONT_FILES[FALLBACK_FONT])
    path = resource_path("fonts", filename)
    if not path.exists():
        path = resource_path("fonts", FONT_FILES[FALLBACK_FONT])
    return ImageFont.truetype(str(path), max(1, int(size)))
