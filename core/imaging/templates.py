"""Cover templates: JSON layer specs shipped in resources/covers/.

A template has a background (colour, gradient, the writer's image or a procedural
pattern) and text layers for the title, subtitle, author and series. Boxes are fractions
of the front cover and font sizes fractions of its height, so one template serves every
size. A :class:`CoverDesign` is a template filled in for one book; the desktop edits it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.imaging.errors import TemplateError
from core.resources import resource_path

TEXT_ROLES = ("title", "subtitle", "author", "series")
BACKGROUND_TYPES = ("color", "gradient", "image", "pattern")
PATTERNS = ("dots", "stripes", "rings", "grid")


@dataclass
class Background:
    """What fills the cover behind the text."""

    type: str = "color"
    colors: list[str] = field(default_factory=lambda: ["#202830"])
    angle: float = 90.0  # gradients: 90 runs top to bottom, 0 left to right
    pattern: str = "dots"
    tint: str = ""  # "#rrggbbaa" laid over an image or pattern for legible text
    image_asset_id: str = ""
    image_path: str = ""


@dataclass
class TextLayer:
    """One line of type on the cover: where, in what face, and how it stands out."""

    id: str
    role: str
    text: str = ""
    box: list[float] = field(default_factory=lambda: [0.1, 0.1, 0.8, 0.2])  # x, y, w, h
    font: str = "display"
    max_size: float = 0.1  # of the cover's height
    min_size: float = 0.02
    color: str = "#ffffff"
    align: str = "center"
    valign: str = "middle"
    uppercase: bool = False
    shadow: str = ""  # "#rrggbbaa"; empty for none
    outline: str = ""
    outline_width: float = 0.0  # of the cover's height
    visible: bool = True

    @property
    def shown_text(self) -> str:
        return self.text.upper() if self.uppercase else self.text


@dataclass
class CoverDesign:
    """A template filled in for one book (what the desktop edits and the renderer draws)."""

    template: str
    background: Background
    layers: list[TextLayer]
    blurb: str = ""  # back cover of print wraps

    def layer(self, layer_id: str) -> TextLayer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    def copy(self) -> CoverDesign:
        return copy.deepcopy(self)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverDesign:
        return cls(
            template=str(data.get("template", "")),
            background=Background(**data.get("background", {})),
            layers=[TextLayer(**layer) for layer in data.get("layers", [])],
            blurb=str(data.get("blurb", "")),
        )


def templates_dir() -> Path:
    return resource_path("covers")


def template_names() -> list[str]:
    """The names of the shipped templates."""
    return sorted(p.stem for p in templates_dir().glob("*.json"))


def load_template(name: str) -> CoverDesign:
    """The template called ``name`` as an empty design; TemplateError if unknown or malformed."""
    path = templates_dir() / f"{name}.json"
    if not path.is_file():
        raise TemplateError(
            f"no cover template {name!r} (available: {', '.join(template_names()) or 'none'})"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        design = CoverDesign.from_dict({**data, "template": name})
    except (ValueError, TypeError) as exc:
        raise TemplateError(f"{path.name}: malformed cover template ({exc})") from None
    if design.background.type not in BACKGROUND_TYPES:
        raise TemplateError(f"{path.name}: unknown background type {design.background.type!r}")
    for layer in design.layers:
        if layer.role not in TEXT_ROLES or len(layer.box) != 4:
            raise TemplateError(f"{path.name}: layer {layer.id!r} is malformed")
    return design


def design_for(
    template: str,
    *,
    title: str,
    subtitle: str = "",
    author: str = "",
    series: str = "",
    blurb: str = "",
    image_path: str = "",
) -> CoverDesign:
    """``template`` filled with a book's texts; an image turns the background into that image."""
    design = load_template(template)
    values = {"title": title, "subtitle": subtitle, "author": author, "series": series}
    for layer in design.layers:
        layer.text = values.get(layer.role, "")
    design.blurb = blurb
    if image_path:
        design.background.type = "image"
        design.background.image_path = image_path
        design.background.tint = design.background.tint or "#00000050"
    return design
