"""The local library: one SQLite file, its migrations, and the repositories over it."""

from core.store.library import Library, default_library_path, open_library

__all__ = ["Library", "default_library_path", "open_library"]
