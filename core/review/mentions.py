"""@mentions in comments: who a new comment names, so that the server can tell them.

A member is named by ``@`` and their email (``@ann@example.org``) or the part of it before the
``@`` (``@ann``) when no other member of the book shares it. :func:`new_comments` reads which
comments (and replies) an update adds to a document, applied to a copy.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pycrdt

from core.review.comments import COMMENTS

_MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def mentioned(text: str, people: dict[str, str]) -> set[str]:
    """The user ids of ``people`` (email -> user id) that ``text`` mentions."""
    by_email = {email.casefold(): user for email, user in people.items()}
    locals_: dict[str, list[str]] = {}
    for email, user in by_email.items():
        locals_.setdefault(email.split("@", 1)[0], []).append(user)
    found = set()
    for handle in _MENTION_RE.findall(text):
        key = handle.casefold().rstrip(".")
        if key in by_email:
            found.add(by_email[key])
        elif len(locals_.get(key, [])) == 1:
            found.add(locals_[key][0])
    return found


def new_comments(state: bytes, update: bytes) -> list[dict[str, Any]]:
    """The comments and replies ``update`` adds to the document ``state``."""
    doc: pycrdt.Doc = pycrdt.Doc()
    comments = doc.get(COMMENTS, type=pycrdt.Map)
    if state:
        doc.apply_update(state)
    before = set(comments.keys())
    try:
        doc.apply_update(update)
    except ValueError:
        return []
    added = []
    for key in set(comments.keys()) - before:
        try:
            value = json.loads(comments[key])
        except (TypeError, ValueError):
            continue
        if isinstance(value, dict):
            added.append(value)
    return added
