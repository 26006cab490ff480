"""The error hierarchy of the core library.

Every error a user can cause carries a message that is fit to show as-is: it names the
file or thing at fault and the problem. Callers (CLI, desktop, server) show ``str(err)``.
"""

from __future__ import annotations


class AuthorWorksError(Exception):
    """Base of every error that core raises on purpose."""


class NotFoundError(AuthorWorksError):
    """A book, chapter, scene or other entity does not exist (or is in the trash)."""


class ValidationError(AuthorWorksError):
    """A value the writer typed is not in a form that can be used (the message shows one)."""


class AmbiguousError(AuthorWorksError):
    """A reference (such as a title prefix) matches more than one thing."""


class LibraryError(AuthorWorksError):
    """The library file cannot be opened or used."""


class NotALibraryError(LibraryError):
    """The file exists but is not an AuthorWorks library."""


class NewerLibraryError(LibraryError):
    """The library was written by a newer version of AuthorWorks."""


class ImportFailedError(AuthorWorksError):
    """A manuscript file could not be imported; nothing was written to the library."""


class BackupError(AuthorWorksError):
    """A backup could not be written or a backup archive cannot be restored."""


class JobCancelledError(AuthorWorksError):
    """A long-running job was cancelled by the user."""


class ExportFailedError(AuthorWorksError):
    """A book could not be exported; nothing was written at the target path."""
