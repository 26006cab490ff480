"""What the registry knows of each command beyond its arguments: the words writers use for
it, what in a request points to it, whether it changes anything, and how to say what it
will do before it does it.

``keywords`` map canonical tokens (after :mod:`core.commands.vocabulary`) to how strongly
they name the command; a two-word keyword ("add chapter") counts in full when its words are
next to each other in the request and a third when they are both there apart. ``evidence`` maps
what the request contains (an email address, a format, a chapter, ...) to a weight for this
command. A command named by one of its ``primary`` words (by default the keywords of weight
3 or more) gets a bonus over one that only shares a modifier with the request ("a paperback
cover" is a cover, not a PDF). A command missing here is still in the registry, found by its
name and help text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from core.commands.context import RequestContext

Preview = Callable[[Mapping[str, Any], RequestContext], str]

FORMAT_LABELS = {
    "epub": "EPUB", "pdf": "print PDF", "docx": "DOCX", "manuscript": "standard manuscript (DOCX)",
    "md": "Markdown", "txt": "plain text", "fountain": "Fountain",
}  # fmt: skip
FORMAT_SUFFIX = {
    "epub": ".epub", "pdf": ".pdf", "docx": ".docx", "manuscript": ".docx", "md": ".md",
    "txt": ".txt", "fountain": ".fountain",
}  # fmt: skip


def _safe(name: str) -> str:
    cleaned = "".join(c for c in name if c.isalnum() or c in " -_.,'()").strip(" .")
    return cleaned or "book"


def default_output(command: str, arguments: Mapping[str, Any], ctx: RequestContext) -> str | None:
    """Where a command that writes a file writes it when the request did not say."""
    title = _safe(ctx.title())
    chapter = arguments.get("chapter")
    part = f" chapter {chapter}" if chapter else ""
    name: str | None = None
    if command == "export":
        fmt = str(arguments.get("format") or "epub")
        suffix = " manuscript" if fmt == "manuscript" else ""
        chapters = arguments.get("chapters")
        part = f" chapter {chapters}" if chapters else ""
        name = f"{title}{part}{suffix}{FORMAT_SUFFIX.get(fmt, '.' + fmt)}"
    elif command == "narrate":
        name = f"{title}{part}" if arguments.get("split") else f"{title}{part}.m4b"
    elif command == "cover":
        name = f"{title} cover.png"
    elif command == "comic":
        name = f"{title}{part}.cbz"
    elif command == "trailer":
        name = f"{title} trailer.mp4"
    elif command == "backup":
        from datetime import date

        name = f"AuthorWorks backup {date.today().isoformat()}.zip"
    return str(Path(ctx.output_dir) / name) if name else None


def _book(ctx: RequestContext) -> str:
    return f"*{ctx.title()}*"


def _where(a: Mapping[str, Any], ctx: RequestContext) -> str:
    chapter, scene = a.get("chapter"), a.get("scene")
    if chapter and scene:
        return f"scene {scene} of {ctx.chapter_title(int(chapter))} of {_book(ctx)}"
    if chapter:
        return f"{ctx.chapter_title(int(chapter))} of {_book(ctx)}"
    return _book(ctx)


def _export(a: Mapping[str, Any], ctx: RequestContext) -> str:
    fmt = str(a.get("format") or "")
    what = FORMAT_LABELS.get(fmt, fmt.upper() or "a format still to choose")
    extra = [f"{a['trim']} trim"] if a.get("trim") else []
    if a.get("chapters"):
        extra.append(f"chapters {a['chapters']}")
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"Export {_book(ctx)} as {what}{tail} to {a.get('output') or 'a file'}"


def _narrate(a: Mapping[str, Any], ctx: RequestContext) -> str:
    voice = []
    if a.get("pitch") is not None:
        voice.append("a deeper voice" if int(a["pitch"]) < 50 else "a higher voice")
    if a.get("rate") is not None:
        voice.append(f"{a['rate']} words a minute")
    how = f" in {' at '.join(voice)}" if voice else ""
    return f"Narrate {_where(a, ctx)}{how} to {a.get('output')}"


def _cover(a: Mapping[str, Any], ctx: RequestContext) -> str:
    style = f"a {a['template']} " if a.get("template") else "a "
    size = "print wrap" if a.get("size") == "print" else "ebook cover"
    return f"Render {style}{size} for {_book(ctx)} to {a.get('output')}"


def _share(a: Mapping[str, Any], ctx: RequestContext) -> str:
    return f"Invite {a.get('email') or 'someone'} to {_book(ctx)} as {a.get('role') or 'editor'}"


def _review(a: Mapping[str, Any], ctx: RequestContext) -> str:
    action = a.get("action")
    if action in ("accept", "reject"):
        which = "every pending suggestion" if a.get("all") else "the suggestion"
        if a.get("by"):
            which += f" by {a['by']}"
        return f"{action.title()} {which} in {_book(ctx)} (a snapshot of each scene first)"
    if action == "comment":
        return f"Comment “{a.get('text') or ''}” on “{a.get('quote') or ''}” in {_book(ctx)}"
    return f"List the comments and suggestions of {_book(ctx)}"


def _generate(a: Mapping[str, Any], ctx: RequestContext) -> str:
    action = str(a.get("action") or "continue").replace("_", " ")
    how = f": {a['instructions']}" if a.get("instructions") else ""
    return f"Ask Claude to {action} the open scene of {_book(ctx)}{how} (the scene is not changed)"


PREVIEWS: dict[str, Preview] = {
    "export": _export,
    "narrate": _narrate,
    "cover": _cover,
    "comic": lambda a, c: f"Draw {_where(a, c)} as graphic-novel pages to {a.get('output')}",
    "trailer": lambda a, c: f"Render a trailer of {_book(c)} to {a.get('output')}",
    "search": lambda a, c: f"Find “{a.get('query') or ''}” in every scene of {_book(c)}",
    "share": _share,
    "unshare": lambda a, c: f"End {a.get('email') or 'someone'}’s access to {_book(c)}",
    "members": lambda a, c: f"List who has access to {_book(c)}",
    "publish": lambda a, c: (
        f"Publish {_book(c)} on the public site"
        + (" (unlisted)" if a.get("unlisted") else "")
        + (f", {a['schedule']}" if a.get("schedule") else "")
    ),
    "unpublish": lambda a, c: f"Take {_book(c)} off the public site",
    "publication": lambda a, c: f"Show how {_book(c)} is published, and its readers",
    "transfer": lambda a, c: f"Make {a.get('email')} the owner of {_book(c)}",
    "stats": lambda a, c: f"Count the words, chapters and scenes of {_book(c)}",
    "show": lambda a, c: f"Show the text of {_where(a, c)}",
    "books": lambda a, c: "List the books in the library",
    "sync": lambda a, c: "Send and receive changes with the sync server now",
    "backup": lambda a, c: f"Back up the whole library to {a.get('output')}",
    "restore": lambda a, c: f"Replace the library with the backup {a.get('archive')}",
    "new-book": lambda a, c: f"Create a new {a.get('content_type') or 'novel'} “{a.get('title')}”",
    "add-chapter": lambda a, c: f"Add a chapter{_titled(a)} to {_book(c)}",
    "add-scene": lambda a, c: f"Add a scene{_titled(a)} to {_where(a, c)}",
    "rename": lambda a, c: f"Rename {_where(a, c)} to “{a.get('title')}”",
    "duplicate": lambda a, c: f"Copy {_where(a, c)}",
    "typography": lambda a, c: f"Make the quotes, dashes and ellipses of {_book(c)} typographic",
    "review": _review,
    "generate": _generate,
    "trash": lambda a, c: {
        "empty": "Empty the trash: everything in it is deleted for good",
        "restore": f"Restore {a.get('item') or 'an item'} from the trash",
    }.get(str(a.get("action")), "List what is in the trash"),
    "account": lambda a, c: "Show your plan, what it allows and what you have used",
    "upgrade": lambda a, c: f"Open checkout for the {a.get('plan') or 'chosen'} plan",
    "inbox": lambda a, c: "Show your notifications",
}


def _titled(a: Mapping[str, Any]) -> str:
    return f" “{a['title']}”" if a.get("title") else ""


CATALOG: dict[str, dict[str, Any]] = {
    "export": {
        "aliases": ("save as", "convert"),
        "keywords": {"export": 3, "epub": 2, "pdf": 2, "docx": 2, "manuscript": 2, "md": 2,
                     "txt": 2, "fountain": 2, "format": 1, "download": 1, "file": 0.3,
                     "save": 1, "version": 0.5},
        "evidence": {"format": 1.0, "trim": 1.5},
        "changes": True,
    },
    "export-presets": {
        "keywords": {"presets": 3, "preset": 3},
    },
    "narrate": {
        "aliases": ("read aloud", "audiobook"),
        "keywords": {"narrate": 3, "audiobook": 3, "voice": 1, "narrated": 3},
        "primary": ("narrate", "audiobook"),
        "evidence": {"voice": 1.5},
        "changes": True,
    },
    "voices": {"keywords": {"voices": 3, "installed": 1}},
    "cast": {"keywords": {"cast": 3, "voice for": 2, "characters": 1.5}},
    "cover": {
        "keywords": {"cover": 3, "jacket": 3, "artwork": 1.5, "art": 1, "wrap": 2,
                     "design": 1},
        "evidence": {"template": 1.5, "trim": 1.0},
        "changes": True,
    },
    "comic": {"keywords": {"comic": 3, "pages": 0.5, "illustrate": 1.5}, "changes": True},
    "trailer": {"keywords": {"trailer": 3}, "changes": True},
    "search": {
        "aliases": ("find", "find in project", "look for"),
        "keywords": {"find": 3, "search": 3, "where": 1.5, "every scene": 2, "scene with": 2,
                     "which scene": 2, "scene mention": 2},
        "evidence": {"codex": 1.0, "quote": 0.5},
    },
    "share": {
        "aliases": ("invite",),
        "keywords": {"share": 3, "editor": 0.5, "commenter": 0.5, "viewer": 0.5, "access": 0.5,
                     "give": 0.5, "add": 0.5, "let": 1.0, "send": 0.3},
        "evidence": {"email": 2.0, "role": 0.5},
        "changes": True,
    },
    "unshare": {
        "keywords": {"unshare": 3.5, "remove": 2.5, "access": 0.5},
        "primary": ("unshare", "remove"),
        "evidence": {"email": 0.5},
        "changes": True,
    },
    "members": {"keywords": {"members": 3, "who": 1, "access": 1}},
    "publish": {"keywords": {"publish": 3.5, "release": 1.5, "public": 1.0, "site": 0.5,
                             "online": 2.0, "readers": 0.5, "serial": 1.0}, "changes": True},
    "unpublish": {"keywords": {"unpublish": 3.5, "withdraw": 3.0, "off": 2.5, "offline": 1.0},
                  "changes": True, "primary": ("unpublish", "withdraw")},
    "publication": {"keywords": {"publication": 3, "readers": 1.0, "analytics": 2.5,
                                 "reads": 1.5, "followers": 1.5}},
    "invitations": {"keywords": {"invitations": 3, "accept": 1, "decline": 1, "pending": 1}},
    "inbox": {"keywords": {"inbox": 3, "unread": 1.5}},
    "activity": {"keywords": {"activity": 3, "history": 1.5}},
    "transfer": {"keywords": {"transfer": 3, "ownership": 2.5, "owner": 2.5},
                 "evidence": {"email": 1.0, "owner": 1.0}, "changes": True, "destructive": True},
    "sync": {"keywords": {"sync": 3, "server": 1, "changes": 1.5, "send": 1.0}, "changes": True},
    "login": {"keywords": {"login": 3, "register": 2, "server": 0.5}, "changes": True},
    "logout": {"keywords": {"logout": 3.5, "server": 0.5}, "changes": True},
    "two-factor": {"keywords": {"twofactor": 3.5}, "changes": True},
    "account": {"keywords": {"account": 3, "tokens": 2.5, "usage": 1.5, "used": 0.5,
                             "left": 1, "allowance": 2, "quota": 2}},
    "upgrade": {"keywords": {"upgrade": 3.5}, "evidence": {"plan": 1.5}, "changes": True},
    "books": {"keywords": {"books": 3, "list": 1, "library": 2.5, "titles": 1},
              "primary": ("books",)},
    "stats": {"aliases": ("word count",), "keywords": {"stats": 3, "count": 1.5, "words": 1.5}},
    # "show" is every command's verb ("show the trash"): it counts for this command (which
    # prints the text) only when no other command is clearly meant.
    "show": {"keywords": {"show": 2.0, "text": 1.5}, "generic": ("show",),
             "evidence": {"chapter": 1.0}, "primary": ()},
    "typography": {"keywords": {"typography": 3, "quotes": 1.5, "smart": 1, "curly": 2,
                                "straight": 1}, "changes": True},
    "trash": {
        "keywords": {"trash": 3, "restore": 0.5, "empty": 1, "deleted": 1},
        "changes": True,
    },
    "import": {"keywords": {"import": 3}, "evidence": {"path": 1.5}, "changes": True},
    "backup": {"keywords": {"backup": 3}, "changes": True},
    "restore": {"keywords": {"restore": 2.5}, "evidence": {"archive": 2.0}, "changes": True,
                "destructive": True},
    "init": {"keywords": {"init": 3, "create library": 3}, "changes": True},
    "new-book": {
        "keywords": {"newbook": 4, "new book": 3, "create book": 3, "start": 1.5},
        "evidence": {"titled": 1.0},
        "changes": True,
    },
    "add-chapter": {
        "keywords": {"add chapter": 3.5, "new chapter": 3.5, "another chapter": 3.5,
                     "insert chapter": 3.5, "create chapter": 3.5},
        "changes": True,
    },
    "add-scene": {
        "keywords": {"add scene": 3.5, "new scene": 3.5, "another scene": 3.5,
                     "insert scene": 3.5, "create scene": 3.5},
        "changes": True,
    },
    "rename": {"keywords": {"rename": 3.5, "title": 0.5, "call": 2},
               "primary": ("rename", "call"), "evidence": {"titled": 1.0}, "changes": True},
    "duplicate": {"keywords": {"duplicate": 3, "copy": 2.5}, "evidence": {"chapter": 0.5},
                  "changes": True},
    "move": {"keywords": {"move": 3}, "changes": True},
    "generate": {
        "keywords": {"ai": 1.5, "continue": 2.5, "rewrite": 2.5, "expand": 2.5, "describe": 2,
                     "brainstorm": 2.5, "summarize": 2, "dialogue": 2, "write": 1.5,
                     "draft": 1, "generate": 1.5},
        "primary": ("continue", "rewrite", "expand", "brainstorm", "summarize", "dialogue",
                    "describe"),
        # "generate an epub" is an export: Claude writes prose, not files.
        "evidence": {"format": -1.5},
        "changes": False,
    },
    "generations": {"keywords": {"generations": 3, "generation history": 3, "generated": 2.5}},
    "models": {"keywords": {"models": 3, "model": 2}},
    "prompts": {"keywords": {"prompts": 3, "prompt": 2.5, "templates": 1}},
    "ai-key": {"keywords": {"aikey": 3.5}, "changes": True},
    "review": {
        "keywords": {"review": 3, "suggestions": 2.5, "comment": 2.5, "accept": 3,
                     "reject": 3, "resolve": 2, "reply": 2, "approve": 2.5, "discard": 2.5},
        "primary": ("review", "suggestions", "comment"),
        # An email address in a request is about people: sharing, not review.
        "evidence": {"email": -3.0},
        "changes": True,
    },
}  # fmt: skip
