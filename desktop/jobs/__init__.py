"""Work off the UI thread: one :class:`~desktop.jobs.background.Background` per window runs every
core job on its own thread pool and cancels what is left when the window closes."""
