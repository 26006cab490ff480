"""Background jobs that talk to the library's sync account (sharing, inbox, two-factor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from core.jobs import JobContext
from core.store.library import Library

T = TypeVar("T")


def with_account(library: Library, job: Callable[[Any], T]) -> Callable[[JobContext], T]:
    """A job for :meth:`Background.run` that calls ``job(api)`` with the library's
    :class:`~core.sync.api.SyncApi`, opened and closed on the worker thread.

    core.sync.account (and the HTTP client it brings) is imported there, at first use: the
    studio's start-up does not pay for it.
    """

    def work(_ctx: JobContext) -> T:
        from core.sync.account import account_api

        with account_api(library) as api:
            return job(api)

    return work
