"""The data model of a local library (SQLAlchemy 2.0 typed ORM)."""

from core.domain.models import (
    Asset,
    Base,
    Book,
    Chapter,
    Character,
    ExportRecord,
    GenerationRecord,
    Location,
    LoreEntry,
    Note,
    Scene,
    Snapshot,
)
from core.domain.values import BookStatus, ContentType, SceneStatus, Visibility

__all__ = [
    "Asset",
    "Base",
    "Book",
    "BookStatus",
    "Chapter",
    "Character",
    "ContentType",
    "ExportRecord",
    "GenerationRecord",
    "Location",
    "LoreEntry",
    "Note",
    "Scene",
    "SceneStatus",
    "Snapshot",
    "Visibility",
]
