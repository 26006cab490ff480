"""The web studio's bundle for the tests: built by ``make web`` (npm and esbuild); a test
that needs it skips (fails under AUTHORWORKS_REQUIRE_ALL=1) when it is not there."""

from __future__ import annotations

from sync_server.web.studio import BUNDLE
from tests.fixtures.plugin import missing_dependency


def built_bundle() -> None:
    if not (BUNDLE / "manifest.json").exists():
        missing_dependency("the web studio is not built (make web: Node, npm and esbuild)")
