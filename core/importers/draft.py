"""What an importer produces: a book as plain data, before it touches the library.

Importers never write to the library themselves; :func:`core.importers.save.save_draft`
stores a whole draft in one transaction, so a failed import leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SceneDraft:
    title: str = ""
    text: str = ""  # the Markdown subset (Fountain for screenplay and play scenes)
    synopsis: str = ""


@dataclass
class ChapterDraft:
    title: str = ""
    scenes: list[SceneDraft] = field(default_factory=list)
    synopsis: str = ""


@dataclass
class CodexDraft:
    kind: str  # character | location | lore
    name: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # role, background, traits, category...


@dataclass
class BookDraft:
    title: str = ""
    author: str = ""
    subtitle: str = ""
    language: str = ""
    description: str = ""
    content_type: str = "novel"
    chapters: list[ChapterDraft] = field(default_factory=list)
    codex: list[CodexDraft] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)  # series, subjects, source, ...
    # Comments and tracked changes marked in the scenes' text (core.importers.review_marks):
    # {"comments": {id: {author, text, date}}, "changes": {id: {author, date}}}.
    review: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
