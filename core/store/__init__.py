"""The local library: one SQLite file, its migrations, and the repositories over it.

The names below load the library module (and SQLAlchemy) when first used, so that reading a
library's path or its raw tables, as a quick ``authorworks do --dry-run`` does, costs none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.store.library import Library, default_library_path, open_library

__all__ = ["Library", "default_library_path", "open_library"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from core.store import library

        return getattr(library, name)
    raise AttributeError(f"module 'core.store' has no attribute {name!r}")
