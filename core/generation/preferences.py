"""Generation preferences: the model, the context budget. Never the API key.

Kept as JSON in the user's config folder, written to a temp file and moved into place.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core.generation.client import DEFAULT_MODEL, ModelChoice
from core.generation.context import DEFAULT_BUDGET_TOKENS

FILE_NAME = "generation.json"


@dataclass
class GenerationPreferences:
    model: str = DEFAULT_MODEL
    context_budget: int = DEFAULT_BUDGET_TOKENS
    # None: each action's template says how long its answer may be.
    max_output_tokens: int | None = None


def preferences_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("AuthorWorks", appauthor=False) / FILE_NAME


def load_preferences(path: Path | None = None) -> GenerationPreferences:
    """The saved preferences, or the defaults (an unreadable file counts as none)."""
    path = path or preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return GenerationPreferences()
    if not isinstance(data, dict):
        return GenerationPreferences()
    prefs = GenerationPreferences()
    known = {f.name for f in fields(GenerationPreferences)}
    for key, value in data.items():
        if key in known:
            setattr(prefs, key, value)
    if not isinstance(prefs.model, str) or not prefs.model.strip():
        prefs.model = DEFAULT_MODEL
    if not isinstance(prefs.context_budget, int) or prefs.context_budget < 1000:
        prefs.context_budget = DEFAULT_BUDGET_TOKENS
    return prefs


def save_preferences(prefs: GenerationPreferences, path: Path | None = None) -> Path:
    """Write the preferences atomically and return the file's path."""
    path = path or preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(prefs), indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def choose_model(preferred: str, available: list[ModelChoice]) -> str:
    """The preferred model if the key may use it, else the default, else the newest Sonnet."""
    if not available:
        return preferred or DEFAULT_MODEL
    ids = [m.id for m in available]
    for candidate in (preferred, DEFAULT_MODEL):
        if candidate in ids:
            return candidate
    active = [m for m in available if not m.deprecated] or available
    sonnets = [m.id for m in active if "sonnet" in m.id]
    return sonnets[0] if sonnets else active[0].id
