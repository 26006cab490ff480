"""Where the shipped resources (templates, fonts, the sample library) live."""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a file under resources/ (it may not exist)."""
    return RESOURCES_DIR.joinpath(*parts)
