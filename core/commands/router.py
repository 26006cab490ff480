"""Routing a request to a command, offline: words, synonyms, typos, and what the request names.

Each command is scored by the keywords of its catalog entry (and its own name and help text)
found among the request's canonical tokens, plus the evidence its arguments give (an email
points to ``share``, a trim size to ``export``). The confidence grows with the best score
and with its lead over the next command; below :data:`THRESHOLD` the router does not guess
but asks, offering the likely commands. Requests to destroy wholesale are refused with why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process

from core.commands import vocabulary as v
from core.commands.catalog import CATALOG, PREVIEWS, default_output
from core.commands.context import BookRef, RequestContext
from core.commands.reading import Reading, fold, read_request
from core.commands.registry import Command, Registry

THRESHOLD = 0.7
# Commands that never come out of a request: the bar itself.
NOT_ROUTED = {"do"}
# Commands allowed to follow a word like "remove" or "delete": they take something away
# that can be given back (a member's access, a key, the trash's contents after a confirm).
_MAY_REMOVE = {"unshare", "trash", "ai-key", "logout", "two-factor", "review"}

_TITLE_AFTER = re.compile(
    r"\b(?:called|named|titled|title|entitled|appel[ée]e?|intitul[ée]e?|namens|llamad[oa]|"
    r"titulad[oa])\s+(.+)$",
    re.IGNORECASE,
)

_QUERY_AFTER = re.compile(
    r"\b(?:with|for|mentioning|mentions?|containing|contains|of|about|where|word|words|"
    r"phrase|avec|mit|con)\s+(.+)$",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:in|from|across|throughout|dans|im|en)\s+(?:the|my|this|our|le|mon|ce|das|"
    r"meinem|el|mi)?\s*(?:book|books|novel|manuscript|story|draft|project|library|livre|buch|"
    r"libro)\b.*$|[.?!]+$",
    re.IGNORECASE,
)
_BY = re.compile(r"\b(?:by|from|von|de|par)\s+([A-Z][\w.-]*|[\w.+-]+@[\w.-]+)")
_POSSESSIVE = re.compile(r"\b([A-Z][\w-]+)['’]s\b")


@dataclass
class Candidate:
    command: Command
    score: float


@dataclass
class Resolution:
    """What a request resolves to; ``command`` None with a ``question`` or ``refused``."""

    command: str | None
    arguments: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0
    question: str | None = None
    preview: str = ""
    choices: list[str] = field(default_factory=list)
    refused: str | None = None
    source: str = "offline"
    changes: bool = False
    destructive: bool = False
    note: str | None = None  # e.g. why Claude was not asked

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "arguments": self.arguments,
            "confidence": round(self.confidence, 3),
            "question": self.question,
            "preview": self.preview,
            "choices": self.choices,
            "refused": self.refused,
            "source": self.source,
            "changes": self.changes,
            "note": self.note,
        }


# ---------------------------------------------------------------------------- scoring


def label_of(command: Command) -> str:
    """The words a command is called by: its menu text for a studio entry ("Find in
    Project"), else its name ("studio:view.focus-mode" -> "focus mode")."""
    if command.source == "studio" and command.aliases:
        return " ".join(re.findall(r"[a-z0-9]+", fold(command.aliases[0])))
    name = command.name.split(":", 1)[-1].rsplit(".", 1)[-1]
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


# Each command's keyword table and primary words, worked out once (the command is kept with
# its table, so its id cannot be reused by another while the table is cached).
_TABLES: dict[int, tuple[Command, dict[str, float], set[str]]] = {}


def _tables(command: Command) -> tuple[dict[str, float], set[str]]:
    cached = _TABLES.get(id(command))
    if cached is None or cached[0] is not command:
        words = _keyword_table(command)
        meta = CATALOG.get(command.name, {})
        primary = set(meta["primary"]) if "primary" in meta else {
            k for k, w in words.items() if w >= 3
        }  # fmt: skip
        cached = _TABLES[id(command)] = (command, words, primary)
    return cached[1], cached[2]


def _keywords(command: Command) -> dict[str, float]:
    return _tables(command)[0]


def _keyword_table(command: Command) -> dict[str, float]:
    words = dict(command.keywords)
    name = label_of(command)
    words.setdefault(" ".join(_canonical_words(name)) or name, 3.0)
    for alias in command.aliases:
        words.setdefault(" ".join(_canonical_words(alias)), 2.5)
    if not command.keywords:
        # A command the catalog does not describe (a studio menu item, a new CLI command)
        # is found by the words of its name and help text.
        for w in _canonical_words(name):
            if w not in v.STOPWORDS and len(w) > 2:
                words.setdefault(w, 2.0)
        for w in _canonical_words(command.description):
            if w not in v.STOPWORDS and len(w) > 3:
                words.setdefault(w, 0.6)
    return words


def registry_words(registry: Registry) -> frozenset[str]:
    """The words of the registry's own names and aliases: a request's word that is one of
    them is meant as it is, never "mended" to a vocabulary word."""
    key = tuple(c.name for c in registry)
    cached = _WORDS_CACHE.get(key)
    if cached is None:
        words: set[str] = set()
        for command in registry:
            words.update(re.findall(r"[a-z0-9]+", fold(label_of(command))))
            for alias in command.aliases:
                words.update(re.findall(r"[a-z0-9]+", fold(alias)))
        cached = _WORDS_CACHE[key] = frozenset(words)
    return cached


_WORDS_CACHE: dict[tuple[str, ...], frozenset[str]] = {}


def _canonical_words(text: str) -> list[str]:
    from core.commands.reading import _canonical

    return _canonical(re.findall(r"[a-z0-9]+", fold(text)))


def _evidence(reading: Reading) -> dict[str, bool]:
    return {
        "email": bool(reading.emails),
        "role": reading.role in ("editor", "commenter", "viewer"),
        "owner": reading.role == "owner",
        "format": bool(reading.formats),
        "trim": reading.trim is not None,
        "chapter": reading.chapter is not None,
        "voice": bool(reading.voice),
        "template": reading.template is not None,
        "codex": bool(reading.codex),
        "quote": bool(reading.quotes),
        "plan": reading.plan is not None,
        "path": bool(reading.paths),
        "archive": any(p.lower().endswith(".zip") for p in reading.paths),
        "titled": reading.titled or bool(reading.quotes),
    }


# What naming a command outright adds over sharing a word with it.
NAMED_BONUS = 1.5


def score(command: Command, reading: Reading, prefix: str = "") -> float:
    tokens = reading.tokens
    present = set(tokens) | set(reading.words)
    total = 0.0
    named = False
    primary = _primary(command)
    for keyword, weight in _keywords(command).items():
        parts = keyword.split()
        if len(parts) == 1:
            if parts[0] in present:
                total += weight
                named = named or keyword in primary
            elif prefix and len(prefix) >= 2 and parts[0].startswith(prefix):
                total += weight * 0.6  # the word being typed
        elif _adjacent(tokens, parts) or _adjacent(reading.words, parts):
            total += weight
            named = named or keyword in primary
        elif all(p in present for p in parts):
            total += weight * 0.3  # both words, apart: a weak sign
    if named:
        total += NAMED_BONUS
    evidence = CATALOG.get(command.name, {}).get("evidence", {})
    found = _evidence(reading)
    total += sum(w for k, w in evidence.items() if found.get(k))
    return total


def _primary(command: Command) -> set[str]:
    return _tables(command)[1]


def _adjacent(tokens: list[str], parts: list[str]) -> bool:
    n = len(parts)
    return any(tokens[i : i + n] == parts for i in range(len(tokens) - n + 1))


# A command other than a generic verb's own that scores this much is "clearly meant".
CLEARLY_MEANT = 2.5


def rank(
    reading: Reading, registry: Registry, *, prefix: str = "", limit: int = 12
) -> list[Candidate]:
    out = [
        Candidate(c, s)
        for c in registry
        if c.name not in NOT_ROUTED and (s := score(c, reading, prefix)) > 0
    ]
    for candidate in out:
        generic = CATALOG.get(candidate.command.name, {}).get("generic", ())
        others = (c.score for c in out if c is not candidate)
        if generic and any(s >= CLEARLY_MEANT for s in others):
            weights = _keywords(candidate.command)
            candidate.score -= sum(weights.get(w, 0) for w in generic if w in reading.tokens)
    out = [c for c in out if c.score > 0]
    # Ties go to the CLI's command (it takes arguments) over a menu item of the same name.
    out.sort(key=lambda c: (-c.score, c.command.source != "cli", c.command.name))
    return out[:limit]


def confidence(scores: list[float]) -> float:
    """How sure the best of ``scores`` (best first) is: its strength (one clear keyword, 3,
    gives 0.86; a lone weak word asks) times its share of a softmax over every command that
    scored (two commands scoring alike each get half)."""
    if not scores or scores[0] <= 0:
        return 0.0
    best = scores[0]
    strength = 1 - math.exp(-best / 1.5)
    share = 1 / sum(math.exp(s - best) for s in scores)
    return strength * share


# ---------------------------------------------------------------------------- resolving


def resolve(
    text: str, ctx: RequestContext, registry: Registry, *, reading: Reading | None = None
) -> Resolution:
    """The command ``text`` asks for, with its arguments, or a question, or a refusal.

    ``reading`` is ``text`` already read (the bar reads once per keystroke for this and for
    its list of suggestions)."""
    if not text.strip():
        return Resolution(None, question="What would you like to do?")
    if reading is None:
        reading = read_request(text, ctx, known=registry_words(registry))
    candidates = rank(reading, registry)
    best = candidates[0] if candidates else None
    if reading.destroy:
        refusal = _refusal(reading, best)
        if refusal:
            return Resolution(None, refused=refusal, question=None)
    if best is None:
        return Resolution(
            None,
            question="I did not understand that. Try a verb and a thing, such as "
            "“export as EPUB” or “narrate chapter 2”.",
            choices=_nearest_names(text, registry),
        )
    conf = confidence([c.score for c in candidates])
    ctx = _book_named(reading, ctx)
    command = best.command
    arguments = fill_arguments(command, reading, ctx)
    missing = [
        a.name
        for a in command.arguments
        if a.required and a.name not in arguments and _applies(a, arguments)
    ]
    resolution = Resolution(
        command.name,
        arguments,
        conf,
        preview=preview(command, arguments, ctx),
        changes=changes(command, arguments),
        destructive=command.destructive or _destroys(command, arguments),
    )
    if missing:
        resolution.confidence = conf * 0.6
        resolution.question = _ask_for(command, missing[0])
    if resolution.confidence < THRESHOLD:
        names = [c.command.name for c in candidates[:3]]
        resolution.choices = names
        if not resolution.question:
            resolution.question = "Did you mean " + _or(names) + "?"
    return resolution


def _applies(argument: Any, arguments: Mapping[str, Any]) -> bool:
    return argument.action_of is None or argument.action_of == arguments.get("action")


def _or(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _ask_for(command: Command, name: str) -> str:
    what = {
        "format": "Which format: EPUB, PDF, DOCX, manuscript, Markdown, text or Fountain?",
        "chapter": "Which chapter?",
        "email": "Whose email address?",
        "query": "What should I look for?",
        "title": "What title?",
        "scene": "Which scene?",
        "file": "Which file?",
        "archive": "Which backup file?",
        "plan": "Which plan: basic, pro or enterprise?",
    }
    return f"{command.name}: {what.get(name, f'what {name}?')}"


def _refusal(reading: Reading, best: Candidate | None) -> str | None:
    if reading.has("trash"):
        return None  # "delete everything in the trash": the trash command, which asks first
    if reading.total and not reading.emails:
        return (
            "Nothing deletes everything from a request: that cannot be taken back. Move what you"
            " no longer want to the trash from the binder (Delete), one item at a time; it stays"
            " there until you empty the trash."
        )
    if best is None or best.command.name not in _MAY_REMOVE:
        return (
            "The command bar does not delete: select it in the binder and press Delete. It goes"
            " to the trash, where it can be restored."
        )
    return None


# Where to start when a request says nothing we know: what writers ask for most.
STARTERS = ["export", "narrate", "search"]


def _nearest_names(text: str, registry: Registry) -> list[str]:
    names = [c.name for c in registry if c.name not in NOT_ROUTED]
    found = process.extract(fold(text), names, scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    return [str(n) for n, _s, _i in found] or [n for n in STARTERS if n in registry]


def _book_named(reading: Reading, ctx: RequestContext) -> RequestContext:
    """Another book of the library named in the request becomes the one it is about."""
    others = [b for b in ctx.books if ctx.book is None or b.id != ctx.book.id]
    if not others:
        return ctx
    folded = " ".join(reading.raw)
    for book in others:
        title = fold(book.title)
        if len(title) >= 4 and fuzz.partial_ratio(title, folded) >= 92:
            return replace(ctx, book=BookRef(book.id, book.title), chapters=(), scenes=())
    return ctx


def preview(command: Command, arguments: Mapping[str, Any], ctx: RequestContext) -> str:
    make = PREVIEWS.get(command.name)
    if make is not None:
        return make(arguments, ctx)
    shown = ", ".join(
        f"{k} {val}" for k, val in arguments.items() if k != "book" and val not in (None, "")
    )
    what = command.description or command.name
    return f"{what[:1].upper()}{what[1:]}" + (f" ({shown})" if shown else "")


_READ_ONLY_ACTIONS = {"review": {None, "list"}, "trash": {None, "list"}, "ai-key": {None, "status"}}


def changes(command: Command, arguments: Mapping[str, Any]) -> bool:
    """Whether running it changes anything (then it waits for a yes)."""
    if command.source == "studio":
        return command.changes
    quiet = _READ_ONLY_ACTIONS.get(command.name)
    if quiet is not None and arguments.get("action") in quiet:
        return False
    if command.name == "sync" and arguments.get("status"):
        return False
    return bool(CATALOG.get(command.name, {}).get("changes", command.changes))


def _destroys(command: Command, arguments: Mapping[str, Any]) -> bool:
    return command.name == "trash" and arguments.get("action") == "empty"


# ---------------------------------------------------------------------------- arguments


def fill_arguments(command: Command, r: Reading, ctx: RequestContext) -> dict[str, Any]:
    """The command's arguments from what the request names, the rest from the context."""
    names = {a.name for a in command.arguments}
    out: dict[str, Any] = {}
    if "book" in names and ctx.book is not None:
        out["book"] = ctx.book.id
    special = _FILLERS.get(command.name)
    if special is not None:
        special(out, r, ctx)
    # What any command with such an argument takes (so new commands get them too).
    generic: dict[str, Any] = {
        "chapter": r.chapter,
        "scene": r.scene,
        "email": r.emails[0] if r.emails else None,
        "role": r.role if r.role in ("editor", "commenter", "viewer") else None,
        "format": r.formats[0] if r.formats else None,
        "trim": r.trim,
        "template": r.template,
        "query": r.quotes[0] if r.quotes else None,
        "title": r.quotes[0] if r.quotes else None,
    }
    for name, value in generic.items():
        if name in names and name not in out and value is not None:
            out[name] = value
    for argument in command.arguments:
        choices = argument.choices if argument.kind == "string" else None
        if argument.name in out and choices and str(out[argument.name]) not in choices:
            del out[argument.name]  # a value the command does not take: ask instead
    if "output" in names and "output" not in out:
        default = default_output(command.name, out, ctx)
        if default:
            out["output"] = default
    if "chapter" in out and command.name not in ("comic",):
        out["chapter"] = int(out["chapter"])
    return {k: out[k] for k in [a.name for a in command.arguments] if k in out}


def _after(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    if not m:
        return None
    value = _TRAILING.sub("", m.group(1)).strip(" \t'\"“”.,;:!?")
    return value or None


def _fill_export(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.formats:
        out["format"] = r.formats[0]
    elif r.trim:
        out["format"] = "pdf"  # a trim size is a print book
    if r.chapter is not None:
        out["chapters"] = str(r.chapter)
    if r.trim and out.get("format") not in ("pdf", "docx", "manuscript"):
        out["format"] = out.get("format") or "pdf"


def _fill_narrate(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    out.update(r.voice)
    if r.has("separate", "each", "per") and r.has("chapter", "file", "files"):
        out["split"] = "mp3"
    suffix = ".mp3" if r.has("mp3") else ".wav" if r.has("wav") else None
    if suffix and "split" not in out:
        base = default_output("narrate", {"chapter": r.chapter}, ctx) or "narration.m4b"
        out["output"] = base.rsplit(".", 1)[0] + suffix


def _fill_cover(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("wrap", "paperback", "printed", "pdf") or "print" in r.raw:
        out["size"] = "print"
        if r.trim:
            out["trim"] = r.trim


def _fill_search(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.quotes:
        out["query"] = r.quotes[0]
    elif r.codex:
        out["query"] = r.codex[0]
    else:
        query = _after(_QUERY_AFTER, _without(r.text, r.emails))
        if query is None:
            words = [w for w in r.text.split() if fold(w).strip("?.!,") not in _SEARCH_WORDS]
            query = " ".join(words).strip(" ?.!,") or None
        if query:
            query = re.sub(r"^(?:the|a|an)\s+(?:words?|phrase|name)\s+", "", query, flags=re.I)
            query = re.sub(r"^(?:the|a|an)\s+", "", query, flags=re.I)
            out["query"] = query


_SEARCH_WORDS = {"find", "search", "look", "for", "every", "all", "scene", "scenes", "where",
                 "the", "in", "my", "book", "please", "which", "show", "me", "locate", "grep",
                 "chercher", "suchen", "buscar", "trouver"}  # fmt: skip


def _without(text: str, parts: Iterable[str]) -> str:
    for p in parts:
        text = text.replace(p, " ")
    return text


def _title(r: Reading, *, rename: bool = False) -> str | None:
    if r.quotes:
        return r.quotes[-1]
    if rename:
        # "rename chapter 2 to The Return", "change the title of … to Gale": after the last "to".
        parts = re.split(r"\s(?:to|as|into|zu|en)\s", r.text)
        if len(parts) > 1:
            return parts[-1].strip(" .!?\"'“”") or None
    return _after(_TITLE_AFTER, r.text)


def _fill_new_book(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    title = _title(r)
    if title:
        out["title"] = title
    if r.has("screenplay", "script", "film", "movie", "drehbuch", "scenario", "guion"):
        out["content_type"] = "screenplay"
    elif r.has("comic", "graphic"):
        out["content_type"] = "graphic_novel"
    elif r.has("play", "stage", "theatre", "theater", "piece", "obra"):
        out["content_type"] = "play"


def _fill_titled(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    title = _title(r)
    if title:
        out["title"] = title


def _fill_add_scene(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    _fill_titled(out, r, ctx)
    if r.chapter is None and ctx.chapters:
        out["chapter"] = len(ctx.chapters)  # a new scene goes at the end of the book


def _fill_rename(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    title = _title(r, rename=True)
    if title:
        out["title"] = title


def _fill_move(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.to_chapter is not None:
        out["to_chapter"] = r.to_chapter
    if r.position is not None:
        out["position"] = r.position


def _fill_share(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.role in ("editor", "commenter", "viewer"):
        out["role"] = r.role


def _fill_review(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    action = None
    if r.has("accept", "approve", "apply", "keep", "akzeptieren", "accepter", "aceptar"):
        action = "accept"
    elif r.has("reject", "decline", "discard", "drop", "refuse", "ablehnen", "rejeter",
               "rechazar", "undo"):  # fmt: skip
        action = "reject"
    elif r.has("resolve"):
        action = "resolve"
    if action:
        out["action"] = action
    if action in ("accept", "reject"):
        out["all"] = True
        who = _BY.search(r.text) or _POSSESSIVE.search(r.text)
        if who and fold(who.group(1)) not in ("claude", "the"):
            out["by"] = who.group(1)
        elif who or r.has("ai"):
            out["by"] = "Claude"


def _fill_generate(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    order = ["rewrite", "expand", "describe", "brainstorm", "summarize", "dialogue", "continue"]
    action = next((a for a in order if r.has(a)), None)
    if action is None and r.has("scene") and r.has("write", "draft"):
        action = "write_scene"
    out["action"] = action or "continue"
    if ctx.scene_id:
        out["scene"] = ctx.scene_id
    if r.quotes:
        out["instructions"] = r.quotes[0]


def _fill_trash(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("empty", "clear", "purge", "delete", "erase", "vider", "leeren", "vaciar"):
        out["action"] = "empty"
    elif r.has("restore", "recover", "undelete", "back"):
        out["action"] = "restore"
    else:
        out["action"] = "list"


def _fill_upgrade(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    plan = next((p for p in ("enterprise", "pro", "basic") if p in r.raw), None)
    if plan:
        out["plan"] = plan


def _fill_account(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("invoices", "invoice", "receipts", "bills"):
        out["invoices"] = True
    if r.has("portal", "card", "payment", "cancel"):
        out["portal"] = True


def _fill_ai_key(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.raw[:1] and r.raw[0] in ("is", "are", "do", "does", "have", "has", "check"):
        out["action"] = "status"  # a question: "is my key set?"
    elif r.has("remove", "delete", "clear", "forget", "erase"):
        out["action"] = "clear"
    elif r.has("set", "add", "store", "save", "enter", "new", "change"):
        out["action"] = "set"
    else:
        out["action"] = "status"


def _fill_inbox(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("unread", "new"):
        out["unread"] = True
    if r.has("mark") and r.has("read"):
        out["read_all"] = True


def _fill_sync(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("status", "state", "synced", "pending") and not r.has("now"):
        out["status"] = True


def _fill_login(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    url = re.search(r"https?://\S+", r.text)
    if url:
        out["server"] = url.group(0).rstrip(".,;")
    elif ctx.server:
        out["server"] = ctx.server
    if r.emails:
        out["email"] = r.emails[0]
    elif ctx.email:
        out["email"] = ctx.email
    if r.has("register", "signup", "create"):
        out["register"] = True


def _fill_import(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.paths:
        out["file"] = r.paths[0]
    elif r.quotes:
        out["file"] = r.quotes[0]


def _fill_restore(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.paths:
        out["archive"] = r.paths[0]


def _fill_invitations(out: dict[str, Any], r: Reading, ctx: RequestContext) -> None:
    if r.has("accept", "join"):
        out["action"] = "accept"
    elif r.has("decline", "reject", "refuse"):
        out["action"] = "decline"


_FILLERS = {
    "export": _fill_export,
    "narrate": _fill_narrate,
    "cover": _fill_cover,
    "search": _fill_search,
    "new-book": _fill_new_book,
    "add-chapter": _fill_titled,
    "add-scene": _fill_add_scene,
    "rename": _fill_rename,
    "move": _fill_move,
    "share": _fill_share,
    "review": _fill_review,
    "generate": _fill_generate,
    "trash": _fill_trash,
    "upgrade": _fill_upgrade,
    "account": _fill_account,
    "ai-key": _fill_ai_key,
    "inbox": _fill_inbox,
    "sync": _fill_sync,
    "import": _fill_import,
    "login": _fill_login,
    "restore": _fill_restore,
    "invitations": _fill_invitations,
}
