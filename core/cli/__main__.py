"""``python -m core.cli`` runs the command line."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
