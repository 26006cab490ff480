"""Value types of the domain: the closed sets of states a field can take."""

from __future__ import annotations

from enum import StrEnum


class ContentType(StrEnum):
    NOVEL = "novel"
    SCREENPLAY = "screenplay"
    PLAY = "play"
    GRAPHIC_NOVEL = "graphic_novel"


# Content types whose scenes hold Fountain (scripts), not the Markdown subset.
FOUNTAIN_TYPES = frozenset({ContentType.SCREENPLAY.value, ContentType.PLAY.value})


class BookStatus(StrEnum):
    DRAFTING = "drafting"
    REVISING = "revising"
    EDITING = "editing"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Visibility(StrEnum):
    PRIVATE = "private"
    SHARED = "shared"
    PUBLIC = "public"


class SceneStatus(StrEnum):
    TODO = "todo"
    DRAFT = "draft"
    REVISED = "revised"
    FINAL = "final"
