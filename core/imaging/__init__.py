"""Images and video from a manuscript: covers, graphic-novel pages, comic archives, trailers.

Pillow draws everything locally; ffmpeg (from imageio-ffmpeg) encodes trailers. Modules:
``templates``/``geometry``/``cover`` (cover designer), ``book_covers`` (covers as book assets),
``panel_script``/``claude_script`` (scenes as panel scripts), ``art`` (panel art providers),
``comic_page``/``comic`` (pages, CBZ and PDF), ``trailer``/``book_trailer`` (MP4 trailers).
Heavy modules are imported by whoever needs them; this package imports nothing at load.
"""
