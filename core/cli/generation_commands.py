"""Generation commands: generate, generations (history), models, ai-key."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from core.cli.common import library_from_args, print_json

# The tests replace this to serve the API from a mock transport; None means the real API.
client_factory: Any = None


def _action(value: str) -> str:
    return value.strip().lower().replace("-", "_")


def register(subparsers: Any) -> None:
    from core.generation.templates import ACTIONS

    p = subparsers.add_parser(
        "generate",
        help="generate text for a scene with Claude and stream it to stdout",
        description="Generate for a scene with Claude (needs ANTHROPIC_API_KEY or a key stored"
        " with `authorworks ai-key set`). The result streams to stdout and is kept in the"
        " generation history; the scene itself is not changed.",
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--scene", required=True, metavar="ID", help="the scene id (or its start)")
    p.add_argument(
        "--action", required=True, type=_action, choices=ACTIONS, help="what to generate"
    )
    p.add_argument("--instructions", default="", metavar="TEXT", help="what you want, in words")
    p.add_argument(
        "--selection",
        metavar="TEXT",
        help="the passage to work on (rewrite, expand, dialogue; default: the whole scene)",
    )
    p.add_argument("--model", help="the model id (default: from preferences)")
    p.add_argument("--budget", type=int, metavar="TOKENS", help="the context budget in tokens")
    p.add_argument("--max-tokens", type=int, metavar="N", help="the longest answer, in tokens")
    p.add_argument(
        "--show-context",
        action="store_true",
        help="print what the AI would see (and what was left out) and send nothing",
    )
    p.add_argument(
        "--suggest",
        action="store_true",
        help="also put the result into the scene as suggested changes from Claude, to accept "
        "or reject hunk by hunk (`review BOOK`)",
    )
    p.set_defaults(handler=cmd_generate)

    p = subparsers.add_parser("generations", help="the generation history of a book")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--scene", metavar="ID", help="only this scene's generations")
    p.add_argument("--show", metavar="ID", help="print one generation's output (id or its start)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_generations)

    p = subparsers.add_parser("models", help="the Claude models your API key may use")
    p.add_argument("--use", metavar="MODEL", help="make MODEL the default for generation")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_models)

    p = subparsers.add_parser(
        "prompts", help="the prompt templates of the AI actions, and where to edit them"
    )
    p.add_argument(
        "--edit",
        metavar="ACTION",
        type=_action,
        help="copy ACTION's template to edit; print its path",
    )
    p.set_defaults(handler=cmd_prompts)

    p = subparsers.add_parser(
        "ai-key", help="store, remove or check the Anthropic API key (kept in the system keyring)"
    )
    p.add_argument("action", choices=["set", "clear", "status"], nargs="?", default="status")
    p.set_defaults(handler=cmd_ai_key)


def _find_scene(session: Any, book: Any, ref: str) -> Any:
    from sqlalchemy import select

    from core.domain import Chapter, Scene
    from core.errors import AmbiguousError, NotFoundError

    ref = ref.strip().lower()
    stmt = (
        select(Scene)
        .join(Chapter, Scene.chapter_id == Chapter.id)
        .where(
            Chapter.book_id == book.id,
            Chapter.deleted_at.is_(None),
            Scene.deleted_at.is_(None),
            Scene.id.startswith(ref),
        )
    )
    scenes = list(session.scalars(stmt)) if ref else []
    exact = [s for s in scenes if s.id == ref]
    if exact:
        return exact[0]
    if len(scenes) == 1:
        return scenes[0]
    if not scenes:
        raise NotFoundError(
            f"{book.title!r} has no scene {ref!r};"
            " list scene ids with `authorworks show BOOK --json`"
        )
    raise AmbiguousError(
        f"{ref!r} matches {len(scenes)} scenes of {book.title!r}; give more of the id"
    )


def _client_factory() -> Any:
    return client_factory


def cmd_generate(args: argparse.Namespace) -> int:
    from core.generation.context import EditorState
    from core.generation.errors import GenerationCancelledError
    from core.generation.service import GenerationRequest, prepare_context, run_generation
    from core.jobs import JobContext
    from core.store.manuscript import find_book

    with library_from_args(args) as lib:
        with lib.session() as session:
            book = find_book(session=session, ref=args.book)
            scene = _find_scene(session, book, args.scene)
            scene_id, text = scene.id, scene.text
        editor = EditorState(text, len(text))
        if args.selection:
            start = text.find(args.selection)
            if start >= 0:
                editor = EditorState(text, start, start + len(args.selection))
            else:
                # A passage that is not in the scene is worked on as if it followed the scene.
                joined = f"{text}\n\n{args.selection}"
                editor = EditorState(joined, len(text) + 2, len(joined))
        elif args.action in ("rewrite", "expand", "dialogue"):
            editor = EditorState(text, 0, len(text))
        request = GenerationRequest(
            scene_id=scene_id,
            action=args.action,
            instructions=args.instructions,
            editor=editor,
            model=args.model,
            budget_tokens=args.budget,
            max_tokens=args.max_tokens,
        )
        context = prepare_context(lib, request)
        if args.show_context:
            print(context.describe())
            return 0
        for item in context.left_out:
            print(f"authorworks: left out to fit the budget: {item}", file=sys.stderr)

        ctx = JobContext(on_progress=_progress_to_stderr)
        outcome: dict[str, Any] = {}

        def write(piece: str) -> None:
            sys.stdout.write(piece)
            sys.stdout.flush()

        def job() -> None:
            try:
                outcome["result"] = run_generation(
                    lib,
                    request,
                    ctx=ctx,
                    on_text=write,
                    client_factory=_client_factory(),
                    context=context,
                )
            except BaseException as exc:  # handed to the main thread, which reports it
                outcome["error"] = exc

        # The stream runs in a thread so that Ctrl-C cancels it cleanly and the text so far
        # is still recorded in the history.
        worker = threading.Thread(target=job, name="generate", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.1)
        except KeyboardInterrupt:
            ctx.token.cancel()
            worker.join()
        sys.stdout.write("\n")
        error = outcome.get("error")
        if isinstance(error, GenerationCancelledError):
            kept = " (the text so far is kept in the history)" if error.record_id else ""
            print(f"authorworks: cancelled{kept}", file=sys.stderr)
            return 130
        if error is not None:
            if getattr(error, "record_id", None):
                print(
                    f"authorworks: the text so far is kept in the history as {error.record_id}",
                    file=sys.stderr,
                )
            raise error
        result = outcome["result"]
        if args.suggest:
            hunks = _suggest(lib, scene_id, editor, context.template.output, result.text, len(text))
            print(
                f"authorworks: {hunks} suggested change{'s' if hunks != 1 else ''} from Claude "
                f"in the scene (see `authorworks review {args.book}`)",
                file=sys.stderr,
            )
        o = result.outcome
        print(
            f"authorworks: {o.model}, {o.input_tokens:,} in / {o.output_tokens:,} out tokens"
            f" ({o.cache_read_tokens:,} from cache), {o.latency_ms:,} ms, {o.stop_reason};"
            f" recorded as {result.record_id}",
            file=sys.stderr,
        )
    return 0


def _suggest(
    lib: Any, scene_id: str, editor: Any, output: str, text: str, scene_length: int
) -> int:
    """The generated ``text`` as suggestions from Claude in the scene: a rewrite of the
    selection hunk by hunk, or an insertion at the cursor; how many suggestions."""
    from datetime import UTC, datetime

    from core.errors import ValidationError
    from core.review.store import change_scene_document
    from core.review.suggestions import suggest_insert, suggest_rewrite

    state = editor.clamped()
    now = datetime.now(UTC)
    if state.cursor > scene_length:
        raise ValidationError("--suggest works on a --selection that is in the scene")
    if output == "replace" and state.selection_end is not None:
        start, end = state.cursor, state.selection_end

        def change(doc: Any) -> int:
            return len(
                suggest_rewrite(doc, start=start, end=end, text=text, author="Claude", now=now)
            )
    elif output == "insert":
        at = state.cursor if state.selection_end is None else state.selection_end
        before = state.text[:at]
        lead = "" if not before or before.endswith("\n") else "\n\n"

        def change(doc: Any) -> int:
            suggest_insert(doc, at=at, text=lead + text.strip(), author="Claude", now=now)
            return 1
    else:
        raise ValidationError(f"this action's result ({output}) does not go into the text")
    with lib.write_session() as session:
        return int(change_scene_document(session, scene_id, change))


def _progress_to_stderr(done: int, total: int, message: str) -> None:
    if message and "retrying" in message:
        print(f"authorworks: {message}", file=sys.stderr)


def _record_json(r: Any, *, full: bool) -> dict[str, Any]:
    data = {
        "id": r.id,
        "created_at": r.created_at.isoformat() if r.created_at else None,
        "scene_id": r.scene_id,
        "action": r.action,
        "model": r.model,
        "input_tokens": r.input_tokens,
        "output_tokens": r.output_tokens,
        "cache_read_tokens": r.cache_read_tokens,
        "cache_write_tokens": r.cache_write_tokens,
        "latency_ms": r.latency_ms,
        "stop_reason": r.stop_reason,
        "output": r.output,
    }
    if full:
        data["prompt"] = r.prompt
    return data


def cmd_generations(args: argparse.Namespace) -> int:
    from core.errors import AmbiguousError, NotFoundError
    from core.generation.history import list_generations
    from core.store.manuscript import find_book

    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        scene_id = _find_scene(session, book, args.scene).id if args.scene else None
        records = list_generations(session=session, book_id=book.id, scene_id=scene_id)
        if args.show:
            matches = [r for r in records if r.id.startswith(args.show.strip().lower())]
            if not matches:
                raise NotFoundError(f"{book.title!r} has no generation {args.show!r}")
            if len(matches) > 1:
                raise AmbiguousError(f"{args.show!r} matches {len(matches)} generations")
            if args.json:
                print_json(_record_json(matches[0], full=True))
            else:
                print(matches[0].output)
            return 0
        rows = [_record_json(r, full=False) for r in records]
    if args.json:
        print_json({"generations": rows})
    elif not rows:
        print("No generations yet.")
    else:
        for r in rows:
            preview = " ".join(r["output"].split())[:60]
            print(
                f"{r['id']}  {r['created_at'][:16]}  {r['action']:<11} {r['stop_reason']:<11}"
                f" {r['output_tokens']:>5} tok  {preview}"
            )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from core.generation.client import ClaudeClient
    from core.generation.credentials import get_api_key
    from core.generation.preferences import load_preferences

    factory = _client_factory() or ClaudeClient
    client = factory(get_api_key())
    try:
        models = client.list_models()
    finally:
        client.close()
    prefs = load_preferences()
    if args.use:
        from core.errors import NotFoundError
        from core.generation.preferences import save_preferences

        if args.use not in {m.id for m in models}:
            raise NotFoundError(f"model {args.use!r} is not in the list this API key may use")
        prefs.model = args.use
        save_preferences(prefs)
    preferred = prefs.model
    if args.json:
        print_json({"preferred": preferred, "models": [m.__dict__ for m in models]})
        return 0
    for m in models:
        mark = "*" if m.id == preferred else " "
        note = "  (deprecated)" if m.deprecated else ""
        print(f"{mark} {m.id:<32} {m.display_name}{note}")
    return 0


def cmd_ai_key(args: argparse.Namespace) -> int:
    from core.generation.credentials import clear_api_key, key_source, set_api_key

    if args.action == "set":
        if sys.stdin.isatty():
            import getpass

            key = getpass.getpass("Anthropic API key: ")
        else:
            key = sys.stdin.readline()
        set_api_key(key)
        print("The API key is stored in the system keyring.")
    elif args.action == "clear":
        clear_api_key()
        print("The API key is removed from the system keyring.")
    else:
        source = key_source()
        print(
            {
                "environment": "An API key is set in ANTHROPIC_API_KEY.",
                "keyring": "An API key is stored in the system keyring.",
                "none": "No API key is set: generation is off; everything else works.",
            }[source]
        )
    return 0


def cmd_prompts(args: argparse.Namespace) -> int:
    from core.generation.templates import (
        ACTIONS,
        copy_template_for_editing,
        load_template,
        user_template_dir,
    )

    if args.edit:
        print(copy_template_for_editing(args.edit))
        return 0
    for action in ACTIONS:
        template = load_template(action)
        print(f"{action:<12} {template.label:<36} {template.path}")
    print(f"Templates copied to {user_template_dir()} override the shipped ones.")
    return 0
