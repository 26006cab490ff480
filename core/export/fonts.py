"""The open-licence fonts shipped in resources/fonts and embedded in exports.

Gentium Book Plus (SIL Open Font License, regular, italic, bold) sets the prose of print
PDFs and, when asked, of EPUBs; Courier Prime (OFL) sets screenplays and plays. Their
licences are beside them in resources/fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import ExportFailedError
from core.resources import resource_path


@dataclass(frozen=True)
class FontFace:
    family: str
    style: str  # regular | italic | bold
    file: str

    @property
    def path(self) -> Path:
        return resource_path("fonts", self.file)


BOOK_FACES = (
    FontFace("Gentium Book Plus", "regular", "GentiumBookPlus-Regular.ttf"),
    FontFace("Gentium Book Plus", "italic", "GentiumBookPlus-Italic.ttf"),
    FontFace("Gentium Book Plus", "bold", "GentiumBookPlus-Bold.ttf"),
)
SCRIPT_FACE = FontFace("Courier Prime", "regular", "CourierPrime-Regular.ttf")


def font_file(face: FontFace) -> Path:
    """The font's file, or a clear error if the installation lacks it."""
    path = face.path
    if not path.is_file():
        raise ExportFailedError(f"{path}: the font {face.family} is missing from the installation")
    return path
