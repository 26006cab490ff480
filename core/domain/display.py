"""How an untitled chapter or scene is named wherever it is shown (binder, inspector, dialogs)."""

from __future__ import annotations


def display_title(title: str | None, kind: str, position: int) -> str:
    """``title``, or "Scene 3" for the third untitled scene of its chapter (``kind`` "Scene")."""
    return title.strip() if title and title.strip() else f"{kind} {position}"
