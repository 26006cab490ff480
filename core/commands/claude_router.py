"""Routing through Claude's tool use, when the offline router is not confident enough.

The registry's commands are the tools (their input schemas are the CLI's arguments, strict),
the book's chapter titles and codex names are the context. Claude answers with one
``tool_use`` block, or with a question in words when the request is unclear. A call that
names no such tool, or whose input breaks the schema, is answered with a ``tool_result``
marked ``is_error`` saying what was wrong, and Claude gets one more turn to mend it; after
that the router gives up and asks the writer instead. Nothing runs here: the caller shows
the preview and waits for a yes, as for an offline resolution.

The same Anthropic SDK client as generation (``core.generation.client.make_sdk_client``),
so a local transport in the tests and the writer's key or the sync server's hosted AI in
use go through one code path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from core.commands.context import RequestContext
from core.commands.registry import Command, Registry
from core.commands.router import NOT_ROUTED, Resolution, changes, fill_arguments, preview
from core.generation.errors import GenerationError

# Claude chose the tool, and the writer still confirms; a sure-enough resolution.
CLAUDE_CONFIDENCE = 0.9
MAX_TURNS = 2

SYSTEM = """You route a writer's request in AuthorWorks, a writing studio, to exactly one of
the tools, each of which is a command of the studio. Call one tool with the arguments the
request states or clearly implies; leave out what it does not say (the studio fills in the
open book and default file names). If the request is unclear, could mean several commands,
or asks to delete or destroy things in bulk, call no tool: answer with one short question
or the reason you will not, in the writer's language."""


class ClaudeRoutingError(GenerationError):
    """Claude could not be asked, or gave no usable answer (the message says why)."""


def tool_name(command: Command) -> str:
    # Tool names allow letters, digits, "_" and "-": a studio entry's ":" becomes "__".
    return command.name.replace(":", "__").replace(" ", "_")[:64]


def tools_of(registry: Registry) -> list[dict[str, Any]]:
    return [
        {
            "name": tool_name(c),
            "description": (c.description or c.name)[:1000],
            "input_schema": c.input_schema(),
            "strict": True,
        }
        for c in registry
        if c.name not in NOT_ROUTED and c.source == "cli"
    ]


def context_text(ctx: RequestContext) -> str:
    lines = [f"The open book: {ctx.title()}."]
    if ctx.chapters:
        lines.append("Its chapters, in order:")
        lines += [f"{n}. {t or f'Chapter {n}'}" for n, t in enumerate(ctx.chapters[:200], 1)]
    if ctx.codex:
        lines.append("Names in its codex: " + ", ".join(ctx.codex[:200]) + ".")
    others = [b.title for b in ctx.books if ctx.book is None or b.id != ctx.book.id]
    if others:
        lines.append("Other books in the library: " + "; ".join(others[:50]) + ".")
    return "\n".join(lines)


def check_input(command: Command, data: Any) -> tuple[dict[str, Any], list[str]]:
    """The tool input as the command's arguments, and what was wrong with it (if anything)."""
    if not isinstance(data, Mapping):
        return {}, [f"the input must be an object, not {type(data).__name__}"]
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key, value in data.items():
        argument = command.argument(str(key))
        if argument is None:
            problems.append(f"{command.name} has no argument {key!r}")
            continue
        try:
            value = _coerce(argument.kind, value)
        except (TypeError, ValueError):
            problems.append(f"{key} must be {argument.kind}, not {value!r}")
            continue
        if argument.choices and str(value) not in argument.choices:
            problems.append(f"{key} must be one of {', '.join(argument.choices)}, not {value!r}")
            continue
        out[argument.name] = value
    return out, problems


def _coerce(kind: str, value: Any) -> Any:
    if kind == "integer":
        if isinstance(value, bool):
            raise TypeError
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise ValueError
    if kind == "array":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if isinstance(value, dict | list):
        raise TypeError
    return str(value)


def resolve_with_claude(
    text: str,
    ctx: RequestContext,
    registry: Registry,
    sdk: Any,
    *,
    model: str,
) -> Resolution:
    """Ask Claude which command ``text`` means; a Resolution with ``source="claude"``.

    ``sdk`` is an ``anthropic.Anthropic`` client. Raises ClaudeRoutingError when the API
    cannot be reached or refuses (the caller keeps the offline answer and says why).
    """
    from core.generation.client import classify_error

    by_tool = {tool_name(c): c for c in registry if c.name not in NOT_ROUTED}
    tools = tools_of(registry)
    system = [{"type": "text", "text": SYSTEM}, {"type": "text", "text": context_text(ctx)}]
    messages: list[dict[str, Any]] = [{"role": "user", "content": text[:4000]}]
    for _turn in range(MAX_TURNS):
        try:
            reply = sdk.messages.create(
                model=model, max_tokens=512, system=system, tools=tools, messages=messages
            )
        except Exception as exc:
            error, _retry, _wait = classify_error(exc, model=model)
            raise ClaudeRoutingError(str(error)) from None
        calls = [b for b in reply.content if getattr(b, "type", "") == "tool_use"]
        words = " ".join(
            getattr(b, "text", "") for b in reply.content if getattr(b, "type", "") == "text"
        ).strip()
        if not calls:
            return Resolution(None, question=words or "What would you like to do?",
                              source="claude")  # fmt: skip
        call = calls[0]
        command = by_tool.get(str(call.name))
        if command is None:
            problem = f"there is no tool {call.name!r}; use one of the tools given"
            arguments: dict[str, Any] = {}
        else:
            arguments, problems = check_input(command, call.input)
            problem = "; ".join(problems)
        if not problem and command is not None:
            return _resolution(command, arguments, ctx, text)
        messages += [
            {"role": "assistant", "content": [_block(b) for b in reply.content]},
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": call.id,
                        "is_error": True,
                        "content": f"Not run: {problem}.",
                    }
                ],
            },
        ]
    return Resolution(
        None,
        question="I could not work out which command that is. Could you say it another way?",
        source="claude",
    )


def _resolution(
    command: Command, arguments: dict[str, Any], ctx: RequestContext, text: str
) -> Resolution:
    from core.commands.reading import read_request

    # What the request itself names fills what Claude left out (book, default file names).
    filled = fill_arguments(command, read_request(text, ctx), ctx)
    merged = {**filled, **arguments}
    ordered = {a.name: merged[a.name] for a in command.arguments if a.name in merged}
    return Resolution(
        command.name,
        ordered,
        CLAUDE_CONFIDENCE,
        preview=preview(command, ordered, ctx),
        source="claude",
        changes=changes(command, ordered),
        destructive=command.destructive,
    )


def _block(block: Any) -> dict[str, Any]:
    kind = getattr(block, "type", "")
    if kind == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    if kind == "text":
        return {"type": "text", "text": block.text}
    dump: Callable[..., Any] | None = getattr(block, "model_dump", None)
    return dump(exclude_none=True) if dump else json.loads(json.dumps(block, default=str))
