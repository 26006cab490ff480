"""Running a generation as a core job: assemble, stream, record.

:func:`run_generation` is the one path the desktop and the CLI share. It streams text to an
``on_text`` callback as it arrives and records every generation in the history, including
one that was cancelled or broke midway (with the text that had arrived), so no word is lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.generation.client import ClaudeClient, StreamOutcome
from core.generation.context import AssembledContext, EditorState, assemble_context
from core.generation.credentials import get_api_key
from core.generation.errors import (
    GenerationCancelledError,
    NoApiKeyError,
    StreamInterruptedError,
)
from core.generation.history import record_generation
from core.generation.preferences import GenerationPreferences, load_preferences
from core.jobs import JobContext
from core.store.library import Library
from core.store.manuscript import get_scene

ClientFactory = Callable[[str], ClaudeClient]
NO_KEY_MESSAGE = (
    "no Anthropic API key: enter one in the AI settings (it is kept in the system keyring)"
    " or set ANTHROPIC_API_KEY (or sign in to a sync server on a plan with hosted AI);"
    " everything else works without one"
)


@dataclass
class GenerationRequest:
    """One action on one scene, with the editor's live state if there is an editor."""

    scene_id: str
    action: str
    instructions: str = ""
    editor: EditorState | None = None
    model: str | None = None
    budget_tokens: int | None = None
    max_tokens: int | None = None


@dataclass
class GenerationResult:
    text: str
    record_id: str
    outcome: StreamOutcome
    context: AssembledContext


def prepare_context(
    library: Library, request: GenerationRequest, preferences: GenerationPreferences | None = None
) -> AssembledContext:
    """The context the request would send ('what the AI sees'); needs no key and no network."""
    prefs = preferences or load_preferences()
    with library.session() as session:
        return assemble_context(
            session,
            scene_id=request.scene_id,
            action=request.action,
            instructions=request.instructions,
            editor=request.editor,
            budget_tokens=request.budget_tokens or prefs.context_budget,
        )


def run_generation(
    library: Library,
    request: GenerationRequest,
    *,
    ctx: JobContext | None = None,
    on_text: Callable[[str], None] | None = None,
    client_factory: ClientFactory | None = None,
    api_key: str | None = None,
    context: AssembledContext | None = None,
    preferences: GenerationPreferences | None = None,
) -> GenerationResult:
    """Generate for ``request``, streaming text to ``on_text``, and record it in the history.

    Raises NoApiKeyError before anything else when there is no key; the GenerationError
    subclasses of :mod:`core.generation.client` on API failures; StreamInterruptedError or
    GenerationCancelledError (each with ``partial_text`` and ``record_id``) when text had
    arrived before the stream broke or the writer cancelled.
    """
    ctx = ctx or JobContext()
    key = api_key or get_api_key()
    factory: Callable[[str], Any] = client_factory or ClaudeClient
    if not key:
        # No key of one's own: the sync server's hosted AI, on a plan that includes it.
        from core.generation.hosted import hosted_route

        route = hosted_route(library)
        if route is None:
            raise NoApiKeyError(NO_KEY_MESSAGE)
        key = route.token
        if client_factory is None:
            factory = functools.partial(ClaudeClient, base_url=route.base_url, bearer=True)
    prefs = preferences or load_preferences()
    if context is None:
        context = prepare_context(library, request, prefs)
    model = request.model or prefs.model
    max_tokens = request.max_tokens or prefs.max_output_tokens or context.template.max_tokens
    client = factory(key)
    ctx.progress(0, 0, f"Asking {model}…")
    try:
        outcome = client.stream(
            model=model,
            system=context.api_system(),
            messages=context.api_messages(),
            max_tokens=max_tokens,
            on_text=on_text or (lambda _text: None),
            ctx=ctx,
        )
    except (StreamInterruptedError, GenerationCancelledError) as exc:
        if exc.partial_text:
            stop = "cancelled" if isinstance(exc, GenerationCancelledError) else "interrupted"
            partial = StreamOutcome(text=exc.partial_text, model=model, stop_reason=stop)
            exc.record_id = _record(library, context, partial)
        raise
    finally:
        client.close()
    record_id = _record(library, context, outcome)
    return GenerationResult(outcome.text, record_id, outcome, context)


def generation_job(
    library: Library, request: GenerationRequest, **options: Any
) -> Callable[[JobContext], GenerationResult]:
    """``run_generation`` as a job callable (``job(ctx)``) for the desktop's workers."""
    return functools.partial(_run_as_job, library, request, options)


def _run_as_job(
    library: Library, request: GenerationRequest, options: dict[str, Any], ctx: JobContext
) -> GenerationResult:
    return run_generation(library, request, ctx=ctx, **options)


def _record(library: Library, context: AssembledContext, outcome: StreamOutcome) -> str:
    with library.session() as session:
        record = record_generation(
            session=session,
            book_id=context.book_id,
            scene_id=context.scene_id,
            action=context.action,
            model=outcome.model,
            prompt=context.prompt_text(),
            output=outcome.text,
            input_tokens=outcome.input_tokens,
            output_tokens=outcome.output_tokens,
            cache_read_tokens=outcome.cache_read_tokens,
            cache_write_tokens=outcome.cache_write_tokens,
            latency_ms=outcome.latency_ms,
            stop_reason=outcome.stop_reason,
        )
        return record.id


def apply_synopsis(library: Library, scene_id: str, synopsis: str) -> None:
    """Make ``synopsis`` (e.g. a 'summarize' result) the scene's synopsis."""
    with library.session() as session:
        scene = get_scene(session=session, scene_id=scene_id)
        scene.synopsis = synopsis.strip()


def parse_ideas(text: str) -> list[str]:
    """The items of a brainstormed list ("1. ...", "- ...") as separate ideas."""
    import re

    ideas: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^\s*(?:\d+[.)]|[-*•])\s+(.*\S)", line)
        if match:
            ideas.append(match.group(1))
        elif line.strip() and ideas:
            ideas[-1] += " " + line.strip()  # an item wrapped onto the next line
    return ideas or [p.strip() for p in text.split("\n\n") if p.strip()]
