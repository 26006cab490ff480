"""What an export makes: the format, the trim size and what the writer chose to include.

Named presets are kept per book in ``Book.metadata_["export_presets"]`` as plain dicts, so
they sync and back up with the book. A preset holds the inclusions and the trim; the
format is chosen at export time, so one preset serves the EPUB and the print PDF alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from core.domain import Book
from core.errors import ExportFailedError, NotFoundError

PRESETS_KEY = "export_presets"
DEFAULT_PRESET = "Default"


class ExportFormat(StrEnum):
    EPUB = "epub"
    PDF = "pdf"
    DOCX = "docx"  # formatted, with real Heading styles
    MANUSCRIPT = "manuscript"  # DOCX in standard manuscript format
    MARKDOWN = "md"
    TEXT = "txt"
    FOUNTAIN = "fountain"

    @property
    def suffix(self) -> str:
        return {"manuscript": ".docx", "md": ".md", "txt": ".txt"}.get(self.value, f".{self.value}")

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    ExportFormat.EPUB: "EPUB 3 e-book",
    ExportFormat.PDF: "Print PDF",
    ExportFormat.DOCX: "Word document (formatted)",
    ExportFormat.MANUSCRIPT: "Word document (standard manuscript format)",
    ExportFormat.MARKDOWN: "Markdown",
    ExportFormat.TEXT: "Plain text",
    ExportFormat.FOUNTAIN: "Fountain screenplay",
}

# Trim sizes of print books, in inches (width, height).
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "5x8": (5.0, 8.0),
    "5.25x8": (5.25, 8.0),
    "5.5x8.5": (5.5, 8.5),
    "6x9": (6.0, 9.0),
    "a5": (148 / 25.4, 210 / 25.4),
}
DEFAULT_TRIM = "6x9"


def parse_format(value: str) -> ExportFormat:
    """The format named by ``value`` (``epub``, ``pdf``, ...), or a clear error."""
    aliases = {"markdown": "md", "text": "txt", "plain": "txt"}
    key = aliases.get(value.strip().lower(), value.strip().lower())
    try:
        return ExportFormat(key)
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise ExportFailedError(f"unknown export format {value!r} (one of {known})") from None


def parse_trim(value: str) -> str:
    """The trim-size key for ``value`` (``6x9``, ``6 x 9``, ``A5``), or a clear error."""
    key = value.strip().lower().replace(" ", "").replace("in", "")
    if key not in TRIM_SIZES:
        raise ExportFailedError(f"unknown trim size {value!r} (one of {', '.join(TRIM_SIZES)})")
    return key


@dataclass
class ExportOptions:
    """The writer's choices for one export. Everything has a sensible default."""

    format: ExportFormat = ExportFormat.EPUB
    trim: str = DEFAULT_TRIM
    preset: str = ""
    title_page: bool = True
    copyright_page: bool = True
    table_of_contents: bool = True
    about_author: bool = True
    synopses: bool = False
    scene_titles: bool = False
    # 1-based chapter numbers to include; None means every chapter.
    chapters: list[int] | None = None
    embed_font: bool = False  # EPUB: embed the book font (open licence) in the file
    scene_break: str = ""  # ornament between scenes; "" = the format's convention

    def preset_dict(self) -> dict[str, Any]:
        """The choices a preset keeps (not the format or the preset's own name)."""
        data = asdict(self)
        data.pop("format")
        data.pop("preset")
        return data

    @classmethod
    def from_preset(
        cls, data: dict[str, Any], *, format: ExportFormat, preset: str = ""
    ) -> ExportOptions:
        """Options from a stored preset; unknown keys (from newer versions) are ignored."""
        known = {f.name for f in fields(cls)} - {"format", "preset"}
        kept = {k: v for k, v in data.items() if k in known}
        options = cls(format=format, preset=preset, **kept)
        options.trim = parse_trim(options.trim) if options.trim else DEFAULT_TRIM
        return options

    def with_changes(self, **changes: Any) -> ExportOptions:
        return replace(self, **changes)


def list_presets(*, book: Book) -> dict[str, dict[str, Any]]:
    """The book's presets by name; there is always a ``Default``."""
    stored = (book.metadata_ or {}).get(PRESETS_KEY) or {}
    presets = {DEFAULT_PRESET: ExportOptions().preset_dict()}
    presets.update({str(k): dict(v) for k, v in stored.items() if isinstance(v, dict)})
    return presets


def save_preset(*, session: Session, book: Book, name: str, options: ExportOptions) -> None:
    """Store ``options`` as the book's preset ``name`` (replacing one of that name)."""
    name = name.strip()
    if not name:
        raise ExportFailedError("a preset needs a name")
    metadata = dict(book.metadata_ or {})
    presets = dict(metadata.get(PRESETS_KEY) or {})
    presets[name] = options.preset_dict()
    metadata[PRESETS_KEY] = presets
    # A new dict, so that SQLAlchemy sees the JSON column change.
    book.metadata_ = metadata
    session.flush()


def delete_preset(*, session: Session, book: Book, name: str) -> None:
    """Remove the book's preset ``name``."""
    metadata = dict(book.metadata_ or {})
    presets = dict(metadata.get(PRESETS_KEY) or {})
    if name not in presets:
        raise NotFoundError(f"{book.title!r} has no export preset named {name!r}")
    del presets[name]
    metadata[PRESETS_KEY] = presets
    book.metadata_ = metadata
    session.flush()


def options_from_preset(*, book: Book, name: str, format: ExportFormat) -> ExportOptions:
    """The options of the book's preset ``name`` for an export to ``format``."""
    presets = list_presets(book=book)
    if name not in presets:
        matches = [p for p in presets if p.casefold() == name.casefold()]
        if len(matches) != 1:
            raise NotFoundError(
                f"{book.title!r} has no export preset named {name!r} "
                f"(presets: {', '.join(sorted(presets))})"
            )
        name = matches[0]
    return ExportOptions.from_preset(presets[name], format=format, preset=name)
