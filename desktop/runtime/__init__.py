"""What the Qt application needs at start: platform workarounds, and garbage collection kept
on the UI thread."""
