"""Positions convert between code points, UTF-16 units and UTF-8 bytes without cutting a
character in two."""

from __future__ import annotations

import pycrdt
from hypothesis import given
from hypothesis import strategies as st

from core.text.offsets import (
    from_utf8,
    from_utf16,
    to_utf8,
    to_utf16,
    utf8_length,
    utf8_span,
    utf16_length,
    utf16_span,
)

TEXT = "Mira 🌙 said “née” — 𝔘"


def test_lengths_count_each_unit() -> None:
    assert utf16_length("a🌙b") == 4  # the moon is a surrogate pair
    assert utf8_length("a🌙b") == 6
    assert utf16_length("plain") == utf8_length("plain") == 5


def test_a_position_inside_a_character_lands_on_its_start() -> None:
    # UTF-16 unit 2 is the low half of the moon's surrogate pair: index 1 is the moon.
    assert from_utf16("a🌙b", 2) == 1
    assert from_utf16("a🌙b", 3) == 2
    # Bytes 2..4 are the moon's tail.
    assert from_utf8("a🌙b", 3) == 1
    assert from_utf8("a🌙b", 5) == 2


def test_out_of_range_positions_are_clamped() -> None:
    assert from_utf16(TEXT, -4) == 0
    assert from_utf16(TEXT, 10_000) == len(TEXT)
    assert from_utf8("abc", 99) == 3


def test_spans_match_what_qt_and_yrs_count() -> None:
    begin = TEXT.index("“")
    end = TEXT.index("—")
    start, stop = utf16_span(TEXT, begin, end)
    assert TEXT.encode("utf-16-le")[2 * start : 2 * stop].decode("utf-16-le") == TEXT[begin:end]
    start, stop = utf8_span(TEXT, begin, end)
    text = pycrdt.Text(TEXT)
    pycrdt.Doc()["t"] = text
    del text[start:stop]
    assert str(text) == TEXT[:begin] + TEXT[end:]


@given(st.text(), st.data())
def test_round_trips(text: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(text)))
    assert from_utf16(text, to_utf16(text, index)) == index
    assert from_utf8(text, to_utf8(text, index)) == index
