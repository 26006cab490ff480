"""The docks around the editor: inspector, codex, find and replace, statistics, AI and sync."""
