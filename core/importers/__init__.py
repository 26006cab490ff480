"""Importers: Markdown, plain text, DOCX, EPUB and Fountain into a book.

``read_manuscript`` picks the reader by extension (or by content when the extension says
nothing) and returns a :class:`BookDraft`; ``import_manuscript`` stores it in one transaction.
"""

from core.importers.dispatch import SUPPORTED_SUFFIXES, import_manuscript, read_manuscript
from core.importers.draft import BookDraft, ChapterDraft, CodexDraft, SceneDraft

__all__ = [
    "SUPPORTED_SUFFIXES",
    "BookDraft",
    "ChapterDraft",
    "CodexDraft",
    "SceneDraft",
    "import_manuscript",
    "read_manuscript",
]
