"""Who is reviewing: the name comments and suggestions are signed with."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.library import Library


def reviewer(library: Library) -> str:
    """The account the library syncs as (what the server knows them by, so a commenter's
    own suggestions are recognised as theirs), else this computer's user."""
    from core.sync.status import status

    return status(library).email or getpass.getuser()
