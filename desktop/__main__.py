"""``authorworks-desktop``: start the desktop studio.

The library is the one named by ``--library``, else $AUTHORWORKS_LIBRARY, else the default
in the user's data folder. The default library gets the sample book on its very first start.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import AuthorWorksError


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and whatever is left for Qt (``-style``, ``-platform`` ...)."""
    parser = argparse.ArgumentParser(
        prog="authorworks-desktop", description="The AuthorWorks writing studio."
    )
    parser.add_argument(
        "--library",
        metavar="PATH",
        type=Path,
        help="the library folder or file to open (default: $AUTHORWORKS_LIBRARY, "
        "else the library in your user data folder)",
    )
    args, rest = parser.parse_known_args(list(argv))
    return args, rest


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, qt_args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    # Qt is imported only now, so that --help works without a display.
    from PySide6.QtWidgets import QMessageBox

    from core.sample import open_default_library
    from core.store import open_library
    from desktop.app import APP_NAME, create_application, install_error_handler
    from desktop.window.main_window import MainWindow

    app = create_application([sys.argv[0] if sys.argv else "authorworks-desktop", *qt_args])
    install_error_handler()
    try:
        # An explicitly named library is opened as it is; only the default one is seeded.
        library = open_library(args.library) if args.library else open_default_library()
    except AuthorWorksError as exc:
        QMessageBox.critical(None, APP_NAME, f"Cannot open the library.\n\n{exc}")
        return 1
    window = MainWindow(library)
    window.show()
    from desktop.tools.typing_drill import start_from_env

    _drill = start_from_env(window)  # a test hook; inert unless its variable is set
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
