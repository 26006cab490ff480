from __future__ import annotations

from typing import Any

import pytest

from core.narration.engines import VoiceSettings, get_engine
from core.narration.errors import NoTtsEngineError, VoiceNotFoundError


def test_espeak_lists_voices_and_renders_speech(espeak_engine: Any) -> None:
    ids = {v.id for v in espeak_engine.voices()}
    assert {"en-us", "en", "en-us+f3", "en+m3"} <= ids
    short = espeak_engine.synthesize("Hello.", VoiceSettings("en-us"))
    long = espeak_engine.synthesize(
        "Hello there, keeper of the light on the rock.", VoiceSettings("en-us")
    )
    assert 0.3 < short.duration < long.duration < 6


def test_rate_changes_the_duration(espeak_engine: Any) -> None:
    text = "The lamp had never once gone dark in eleven winters."
    slow = espeak_engine.synthesize(text, VoiceSettings("en-us", rate=100))
    fast = espeak_engine.synthesize(text, VoiceSettings("en-us", rate=300))
    assert slow.duration > 2 * fast.duration


def test_unknown_voice_is_a_clear_error(espeak_engine: Any) -> None:
    with pytest.raises(VoiceNotFoundError, match="no voice 'klingon-xx'"):
        espeak_engine.synthesize("Hi.", VoiceSettings("klingon-xx"))


def test_no_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.narration import espeak_library
    from core.narration.engines import EspeakNgEngine

    monkeypatch.setattr(espeak_library, "_shared", None)
    monkeypatch.setattr(
        espeak_library, "_candidates", lambda: [("/nonexistent/libespeak-ng.so", None)]
    )
    with pytest.raises(NoTtsEngineError, match="apt-get install espeak-ng"):
        EspeakNgEngine()


def test_unknown_engine_name() -> None:
    with pytest.raises(NoTtsEngineError, match="unknown speech engine 'festival'"):
        get_engine("festival")


def test_bundled_library_from_the_wheel_works_without_a_system_espeak() -> None:
    """On a machine without espeak-ng, the espeakng-loader wheel's libespeak-ng is used.

    Run apart: libespeak-ng can be initialised only once per process."""
    import subprocess
    import sys

    from tests.fixtures.plugin import REPO_ROOT, missing_dependency

    try:
        import espeakng_loader  # noqa: F401
    except ImportError:
        missing_dependency("espeakng-loader is not installed (pip install espeakng-loader)")
    script = (
        "import ctypes.util, core.narration.espeak_library as el\n"
        "el._SYSTEM_NAMES.clear(); ctypes.util.find_library = lambda name: None\n"
        "lib = el.espeak_library()\n"
        "pcm = lib.synthesize('Hello from the wheel.', voice='en-us', rate=175, pitch=50)\n"
        "print(lib.library_path); print(len(pcm) // 2 / lib.sample_rate)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )
    assert proc.returncode == 0, proc.stderr
    path, seconds = proc.stdout.split()
    assert "espeakng_loader" in path
    assert 0.5 < float(seconds) < 5


def test_render_wav_writes_a_wav_file(espeak_engine: Any, tmp_path: Any) -> None:
    import wave

    from core.narration.engines import render_wav

    path = tmp_path / "hello.wav"
    render_wav(espeak_engine, "Hello, keeper.", VoiceSettings("en-us"), path)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert 0.5 < wav.getnframes() / wav.getframerate() < 4
