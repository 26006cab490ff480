"""One request, start to end: offline first, Claude when that is not sure, never a guess.

``resolve_request`` is what the studio's bar and ``authorworks do`` call. Offline routing
answers on every keystroke; only a request it is not confident of (below the threshold),
and not one it refused, goes to Claude — with the writer's own key, or the sync server's
hosted AI on a plan that has it — and if Claude cannot be reached the offline answer stands
(its question and choices), with a note saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.commands.claude_router import ClaudeRoutingError, resolve_with_claude
from core.commands.context import RequestContext
from core.commands.registry import Registry
from core.commands.router import THRESHOLD, Resolution, resolve

if TYPE_CHECKING:
    from core.store.library import Library


def ai_client(library: Library | None, path: Path | None = None) -> Any | None:
    """An Anthropic SDK client for routing: the writer's key, else hosted AI, else None."""
    from core.generation.client import make_sdk_client
    from core.generation.credentials import get_api_key

    key = get_api_key()
    if key:
        return make_sdk_client(key, timeout=20.0)
    from core.generation.hosted import hosted_route
    from core.store.library import open_library

    if library is None:
        with open_library(path, create=False) as opened:
            route = hosted_route(opened)
    else:
        route = hosted_route(library)
    if route is None:
        return None
    return make_sdk_client(route.token, base_url=route.base_url, bearer=True, timeout=20.0)


def routing_model() -> str:
    from core.generation.preferences import load_preferences

    return load_preferences().model


def resolve_request(
    text: str,
    ctx: RequestContext,
    registry: Registry,
    *,
    library: Library | None = None,
    library_path: Path | None = None,
    use_ai: bool = True,
    client: Any | None = None,
    model: str | None = None,
) -> Resolution:
    offline = resolve(text, ctx, registry)
    if offline.refused or offline.confidence >= THRESHOLD or not use_ai or not text.strip():
        return offline
    sdk = client
    if sdk is None:
        try:
            sdk = ai_client(library, library_path)
        except Exception as exc:  # a broken keyring or server: the offline answer stands
            offline.note = f"Claude was not asked: {exc}"
            return offline
    if sdk is None:
        return offline
    try:
        answer = resolve_with_claude(text, ctx, registry, sdk, model=model or routing_model())
    except ClaudeRoutingError as exc:
        offline.note = f"Claude was not asked: {exc}"
        return offline
    finally:
        if client is None:
            sdk.close()
    if answer.command is None and not answer.choices:
        answer.choices = offline.choices
    return answer
