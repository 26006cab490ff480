"""The binder: the tree of books, chapters, scenes and notes, its commands, and the corkboards."""
