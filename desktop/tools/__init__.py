"""Developer tools that drive the real studio: the README's screenshots and the typing drill."""
