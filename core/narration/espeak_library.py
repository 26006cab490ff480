"""eSpeak NG through its C library (ctypes), synchronous and in-process.

This is the Linux engine. pyttsx3's own espeak driver wraps the same library, but it runs an
event loop that prints to stdout and drops queued property changes; and the library keeps its
state in globals, so it can serve one thread at a time. We therefore call the library directly,
under a lock, and render in parallel with one library instance per worker process.

The library comes from the system (``apt-get install espeak-ng`` / ``libespeak-ng1``) or, when
that is missing, from the ``espeakng-loader`` wheel, which bundles libespeak-ng and its data.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_short,
    c_ubyte,
    c_uint,
    c_void_p,
)
from dataclasses import dataclass

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3
# Milliseconds of audio per callback: large, so that Python sees few callbacks.
_BUFFER_MS = 5000

_SYSTEM_NAMES = {
    "linux": ["libespeak-ng.so.1", "libespeak-ng.so"],
    "darwin": [
        "/opt/homebrew/lib/libespeak-ng.1.dylib",
        "/usr/local/lib/libespeak-ng.1.dylib",
        "libespeak-ng.1.dylib",
    ],
    "win32": [
        r"C:\Program Files\eSpeak NG\libespeak-ng.dll",
        r"C:\Program Files (x86)\eSpeak NG\libespeak-ng.dll",
    ],
}


class _Voice(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("languages", c_char_p),
        ("identifier", c_char_p),
        ("gender", c_ubyte),
        ("age", c_ubyte),
        ("variant", c_ubyte),
        ("xx1", c_ubyte),
        ("score", c_int),
        ("spare", c_void_p),
    ]


_SYNTH_CALLBACK = CFUNCTYPE(c_int, POINTER(c_short), c_int, c_void_p)


@dataclass(frozen=True)
class EspeakVoice:
    """One installed voice: the id to pass to :meth:`EspeakLibrary.synthesize` and its names."""

    id: str
    name: str
    language: str
    gender: str


class EspeakUnavailableError(RuntimeError):
    """libespeak-ng could not be loaded or initialised."""


def _candidates() -> list[tuple[str, str | None]]:
    """(library path, data path or None) pairs to try, system first."""
    names = list(_SYSTEM_NAMES.get(sys.platform, []))
    found = ctypes.util.find_library("espeak-ng")
    if found:
        names.append(found)
    pairs: list[tuple[str, str | None]] = [(name, None) for name in names]
    try:
        import espeakng_loader  # the wheel that bundles libespeak-ng and its data

        pairs.append((espeakng_loader.get_library_path(), espeakng_loader.get_data_path()))
    except Exception:
        pass
    return pairs


class EspeakLibrary:
    """A loaded, initialised libespeak-ng. Use :func:`espeak_library` for the shared one."""

    def __init__(self) -> None:
        errors: list[str] = []
        for path, data_path in _candidates():
            try:
                dll = ctypes.CDLL(path)
            except OSError as exc:
                errors.append(f"{path}: {exc}")
                continue
            self._bind(dll)
            encoded = data_path.encode() if data_path else None
            rate = self._initialize(AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, encoded, 0)
            if rate <= 0:
                errors.append(f"{path}: espeak_Initialize failed")
                continue
            self.sample_rate = int(rate)
            self.library_path = path
            break
        else:
            raise EspeakUnavailableError("; ".join(errors) or "no libespeak-ng found")
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._on_samples)  # kept alive for the library
        self._set_callback(self._callback)
        self.lock = threading.Lock()

    def _bind(self, dll: ctypes.CDLL) -> None:
        self._initialize = dll.espeak_Initialize
        self._initialize.restype = c_int
        self._initialize.argtypes = [c_int, c_int, c_char_p, c_int]
        self._set_callback = dll.espeak_SetSynthCallback
        self._set_callback.restype = None
        self._set_callback.argtypes = [_SYNTH_CALLBACK]
        self._synth = dll.espeak_Synth
        self._synth.restype = c_int
        self._synth.argtypes = [
            c_char_p, ctypes.c_size_t, c_uint, c_int, c_uint, c_uint, c_void_p, c_void_p
        ]  # fmt: skip
        self._set_parameter = dll.espeak_SetParameter
        self._set_parameter.restype = c_int
        self._set_parameter.argtypes = [c_int, c_int, c_int]
        self._set_voice = dll.espeak_SetVoiceByName
        self._set_voice.restype = c_int
        self._set_voice.argtypes = [c_char_p]
        self._list_voices = dll.espeak_ListVoices
        self._list_voices.restype = POINTER(POINTER(_Voice))
        self._list_voices.argtypes = [c_void_p]

    def _on_samples(self, wav: ctypes._Pointer[c_short], count: int, events: int | None) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def voices(self) -> list[EspeakVoice]:
        """The installed voices (languages), plus female and male variants of English."""
        out: list[EspeakVoice] = []
        with self.lock:
            table = self._list_voices(None)
            i = 0
            while table[i]:
                v = table[i].contents
                ident = (v.identifier or b"").decode("utf-8", "replace")
                lang = (v.languages or b"")[1:].decode("utf-8", "replace").split("\x00")[0]
                gender = {1: "male", 2: "female"}.get(v.gender, "")
                name = (v.name or b"").decode("utf-8", "replace")
                out.append(
                    EspeakVoice(ident.rsplit("/", 1)[-1].lower() or lang, name, lang, gender)
                )
                i += 1
        # espeak-ng has one timbre per language; its variants give a cast to choose from.
        variants = (("f2", "female"), ("f3", "female"), ("f4", "female"),
                    ("m3", "male"), ("m5", "male"), ("m7", "male"))  # fmt: skip
        for base in ("en", "en-us"):
            if any(v.id == base for v in out):
                for variant, gender in variants:
                    out.append(EspeakVoice(f"{base}+{variant}", f"{base} {variant}", base, gender))
        return out

    def synthesize(self, text: str, *, voice: str, rate: int, pitch: int) -> bytes:
        """16-bit mono PCM at :attr:`sample_rate` for ``text``; ValueError for an unknown voice."""
        with self.lock:
            if self._set_voice(voice.encode("utf-8")) != 0:
                raise ValueError(f"espeak-ng has no voice {voice!r}")
            self._set_parameter(PARAM_RATE, int(rate), 0)
            self._set_parameter(PARAM_PITCH, int(pitch), 0)
            self._set_parameter(PARAM_VOLUME, 100, 0)
            self._chunks = []
            data = text.encode("utf-8") + b"\x00"
            err = self._synth(data, len(data), 0, 1, 0, CHARS_UTF8, None, None)
            if err != 0:
                raise RuntimeError(f"espeak-ng failed to synthesise (error {err})")
            pcm = b"".join(self._chunks)
            self._chunks = []
            return pcm


_shared: EspeakLibrary | None = None
_shared_lock = threading.Lock()


def espeak_library() -> EspeakLibrary:
    """The process's libespeak-ng (loaded once: the library cannot be initialised twice)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EspeakLibrary()
        return _shared
