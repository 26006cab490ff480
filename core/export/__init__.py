"""Export: EPUB 3, print PDF, DOCX (formatted and manuscript), Markdown, text, Fountain.

``export_book(library, book_id, path, options, ctx)`` runs one export as a job; the
options say the format, the trim size and what to include (see :mod:`core.export.options`).
"""

from core.export.job import ExportResult, default_file_name, export_book, exporter_for
from core.export.options import (
    TRIM_SIZES,
    ExportFormat,
    ExportOptions,
    delete_preset,
    list_presets,
    options_from_preset,
    parse_format,
    parse_trim,
    save_preset,
)

__all__ = [
    "TRIM_SIZES",
    "ExportFormat",
    "ExportOptions",
    "ExportResult",
    "default_file_name",
    "delete_preset",
    "export_book",
    "exporter_for",
    "list_presets",
    "options_from_preset",
    "parse_format",
    "parse_trim",
    "save_preset",
]
