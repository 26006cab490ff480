"""Prompt templates: one editable text file per action, shipped in resources/prompts/.

A template is a small header between ``---`` lines (``key: value``) and a body::

    ---
    label: Continue from the cursor
    output: insert
    max_tokens: 700
    needs: nothing
    ---
    Continue the scene from exactly where <text_before_cursor> ends...

The body may use ``$scene_title``, ``$synopsis``, ``$pov``, ``$setting`` and ``$instructions``
(``string.Template`` syntax; unknown ``$names`` are left as they are, so a stray dollar sign in
an edited template never breaks generation). A writer edits a template by copying it into the
user's config folder (:func:`user_template_dir`), which wins over the shipped one.

``output`` says where the result goes: ``insert`` at the cursor (after the selection if any),
``replace`` the selection, ``synopsis`` (becomes the scene's synopsis) or ``list`` (ideas to
pick from). ``needs`` is ``nothing``, ``selection``, ``instructions`` or ``synopsis``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

from core.generation.errors import ActionError, TemplateError
from core.resources import resource_path

ACTIONS = (
    "continue",
    "rewrite",
    "expand",
    "describe",
    "brainstorm",
    "summarize",
    "write_scene",
    "dialogue",
    "freeform",
)
SYSTEM_TEMPLATE = "system"
OUTPUTS = ("insert", "replace", "synopsis", "list")
NEEDS = ("nothing", "selection", "instructions", "synopsis")


@dataclass(frozen=True)
class PromptTemplate:
    """One action's prompt and how its result is used."""

    action: str
    label: str
    body: str
    output: str = "insert"
    max_tokens: int = 1024
    needs: str = "nothing"
    path: Path | None = None

    def render(self, **values: str) -> str:
        """The body with ``$placeholders`` filled in (missing ones become empty)."""
        known = {"scene_title", "synopsis", "pov", "setting", "instructions", "book_title"}
        filled = {k: "" for k in known} | {k: v for k, v in values.items() if v is not None}
        return Template(self.body).safe_substitute(filled).strip()


def user_template_dir() -> Path:
    """The folder whose templates override the shipped ones (the user's config folder)."""
    override = os.environ.get("AUTHORWORKS_PROMPTS")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("AuthorWorks", appauthor=False) / "prompts"


def shipped_template_dir() -> Path:
    return resource_path("prompts")


def template_path(name: str) -> Path:
    """The file that defines template ``name``: the user's copy if there is one."""
    user = user_template_dir() / f"{name}.md"
    return user if user.is_file() else shipped_template_dir() / f"{name}.md"


def parse_template(name: str, source: str, path: Path | None = None) -> PromptTemplate:
    """Parse the text of a template file (header and body)."""
    header: dict[str, str] = {}
    body = source
    where = str(path) if path else name
    if source.startswith("---"):
        parts = source.split("\n---", 1)
        if len(parts) != 2:
            raise TemplateError(f"{where}: the header has no closing '---' line")
        for line in parts[0].splitlines()[1:]:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise TemplateError(f"{where}: header line {line.strip()!r} is not 'key: value'")
            header[key.strip().lower()] = value.strip()
        body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    output = header.get("output", "insert")
    if output not in OUTPUTS:
        raise TemplateError(f"{where}: output must be one of {', '.join(OUTPUTS)}, not {output!r}")
    needs = header.get("needs", "nothing")
    if needs not in NEEDS:
        raise TemplateError(f"{where}: needs must be one of {', '.join(NEEDS)}, not {needs!r}")
    try:
        max_tokens = int(header.get("max_tokens", "1024"))
    except ValueError:
        raise TemplateError(f"{where}: max_tokens must be a whole number") from None
    if not 1 <= max_tokens <= 64000:
        raise TemplateError(f"{where}: max_tokens must be between 1 and 64000")
    if not body.strip():
        raise TemplateError(f"{where}: the template has no prompt text")
    return PromptTemplate(
        action=name,
        label=header.get("label", name.replace("_", " ").capitalize()),
        body=body.strip() + "\n",
        output=output,
        max_tokens=max_tokens,
        needs=needs,
        path=path,
    )


def load_template(name: str) -> PromptTemplate:
    """The template of an action (or ``"system"``), the user's copy first."""
    if name not in ACTIONS and name != SYSTEM_TEMPLATE:
        raise ActionError(f"unknown action {name!r}; choose one of: {', '.join(ACTIONS)}")
    path = template_path(name)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{path}: the prompt template is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the prompt template ({exc})") from None
    return parse_template(name, source, path)


def load_all_templates() -> dict[str, PromptTemplate]:
    """Every action's template, in the order of :data:`ACTIONS`."""
    return {action: load_template(action) for action in ACTIONS}


def copy_template_for_editing(name: str) -> Path:
    """Copy the shipped template into the user's folder (if not there yet) and return its path."""
    load_template(name)  # validates the name
    target = user_template_dir() / f"{name}.md"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(shipped_template_dir() / f"{name}.md", tmp)
        os.replace(tmp, target)
    return target
