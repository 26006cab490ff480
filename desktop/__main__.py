"""Placeholder replaced by the desktop window."""
def main() -> int:
    return 0
