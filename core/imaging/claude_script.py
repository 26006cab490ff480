"""Panel scripts from Claude: structured output through a forced tool call.

Used when an Anthropic API key is set (``ANTHROPIC_API_KEY`` or the OS keyring, looked up
by :mod:`core.generation.credentials`); the model is the generation package's default.
Any failure — network, refusal, a reply that does
not match the schema — falls back to the heuristic script with a warning, so a comic job
never stops for it.
"""

from __future__ import annotations

import os
from typing import Any

from core.imaging.panel_script import (
    MAX_LINES_PER_PANEL,
    DialogueLine,
    Panel,
    PanelScript,
    heuristic_script,
    normalised,
)

DEFAULT_MODEL = "claude-sonnet-5-5"
TOOL_NAME = "panel_script"

PANEL_SCRIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "panels": {
            "type": "array",
            "minItems": 1,
            "maxItems": 24,
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string", "description": "what the artist draws"},
                    "caption": {"type": "string", "description": "narration box text, or empty"},
                    "dialogue": {
                        "type": "array",
                        "maxItems": MAX_LINES_PER_PANEL,
                        "items": {
                            "type": "object",
                            "properties": {
                                "speaker": {"type": "string"},
                                "text": {"type": "string"},
                            },
                            "required": ["speaker", "text"],
                        },
                    },
                },
                "required": ["description", "caption", "dialogue"],
            },
        }
    },
    "required": ["panels"],
}

SYSTEM_PROMPT = (
    "You adapt prose scenes into graphic-novel panel scripts. Keep the author's words for "
    "dialogue; keep captions short (one or two sentences); describe each panel for an artist "
    "(setting, who is in it, action, framing). Use only characters that are in the scene."
)


def api_key() -> str | None:
    """The Anthropic API key: the generation package's lookup (environment, then keyring)."""
    try:
        from core.generation.credentials import get_api_key
    except ImportError:  # pragma: no cover - the generation package ships with core
        return os.environ.get("ANTHROPIC_API_KEY", "").strip() or None
    return get_api_key()


def _default_model() -> str:
    try:
        from core.generation.client import DEFAULT_MODEL as generation_model
    except ImportError:  # pragma: no cover
        return DEFAULT_MODEL
    return generation_model


def parse_tool_input(data: Any, title: str) -> PanelScript:
    """A PanelScript from the tool call's input; ValueError if it does not match the schema."""
    if not isinstance(data, dict) or not isinstance(data.get("panels"), list):
        raise ValueError("the reply has no list of panels")
    panels = []
    for item in data["panels"]:
        if not isinstance(item, dict) or not isinstance(item.get("description"), str):
            raise ValueError("a panel has no description")
        lines = [
            DialogueLine(str(d.get("speaker") or "Voice"), str(d.get("text") or ""))
            for d in item.get("dialogue") or []
            if isinstance(d, dict)
        ]
        panels.append(Panel(item["description"], str(item.get("caption") or ""), lines))
    if not panels:
        raise ValueError("the reply has no panels")
    return normalised(PanelScript(title=title, panels=panels, source="claude"))


def claude_script(
    title: str,
    scene_text: str,
    *,
    client: Any,
    characters: list[str] | None = None,
    model: str | None = None,
) -> PanelScript:
    """Ask Claude (an ``anthropic.Anthropic`` client) for the panel script of one scene.

    Falls back to :func:`heuristic_script` with a warning if the call or its reply fails.
    """
    cast = ", ".join(characters or []) or "(not listed)"
    try:
        message = client.messages.create(
            model=model or _default_model(),
            max_tokens=4096,
            system=SYSTEM_PROMPT,
            tools=[
                {
                    "name": TOOL_NAME,
                    "description": "Record the panel script of the scene.",
                    "input_schema": PANEL_SCRIPT_SCHEMA,
                }
            ],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            messages=[
                {
                    "role": "user",
                    "content": f"Scene: {title}\nCharacters: {cast}\n\n{scene_text}",
                }
            ],
        )
        block = next((b for b in message.content if getattr(b, "type", "") == "tool_use"), None)
        if block is None:
            raise ValueError("the reply holds no panel script")
        return parse_tool_input(block.input, title)
    except Exception as exc:  # the SDK raises many types; every one means "use the heuristic"
        script = heuristic_script(title, scene_text, characters)
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        script.warnings.append(
            f"scene {title!r}: Claude's panel script failed ({reason}); split by paragraphs instead"
        )
        return script


def default_client() -> Any | None:
    """An Anthropic client when a key is set, else None (the heuristic is used)."""
    key = api_key()
    if not key:
        return None
    import anthropic

    return anthropic.Anthropic(api_key=key, max_retries=1, timeout=60.0)
