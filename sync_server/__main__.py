"""The sync server's command (the server itself arrives with its issue)."""

from __future__ import annotations

import sys


def main() -> int:
    print("authorworks-server: the sync server is not built yet", file=sys.stderr)
    return 1
