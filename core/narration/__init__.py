"""Narration: chapters and whole books to audio and audiobooks, offline.

- :mod:`.engines`: speech engines behind one interface (espeak-ng, pyttsx3).
- :mod:`.speakable` and :mod:`.dialogue`: manuscript text to a script of voiced clips.
- :mod:`.casting`: the narrator's and each character's voice.
- :mod:`.render` and :mod:`.cache`: clips rendered in parallel into a content-keyed cache.
- :mod:`.assembly`: WAV, MP3 with ID3 tags, M4B with chapters and cover.
- :mod:`.job`: :class:`~core.narration.job.NarrationJob`, the core job that ties them together.

Nothing is imported here, so that worker processes load only what rendering needs.
"""
