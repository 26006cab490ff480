"""The studio's dialogs: preferences, dictionary, trash, snapshots, and the Book menu's export,
narration, cover, comic pages and trailer."""
