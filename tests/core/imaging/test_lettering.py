"""Fitting text: shrink, then wrap, then say so; never a line outside its box."""

from __future__ import annotations

import pytest

from core.imaging.lettering import ELLIPSIS, fit_text, line_boxes


def _inside(fit, origin=(0, 0)) -> bool:
    w, h = fit.box
    return all(
        x0 >= origin[0] - 0.5
        and y0 >= origin[1] - 0.5
        and x1 <= origin[0] + w + 0.5
        and y1 <= origin[1] + h + 0.5
        for x0, y0, x1, y1 in line_boxes(fit, origin)
    )


def test_short_title_keeps_the_largest_size_on_one_line() -> None:
    fit = fit_text("Dusk", (800, 300), font="display", max_size=120, min_size=30)
    assert fit.lines == ["Dusk"] and fit.size == 120 and fit.fits
    assert not fit.shrunk and not fit.wrapped


def test_a_longer_title_shrinks_before_it_wraps() -> None:
    fit = fit_text("The Glass Orchard", (800, 300), font="display", max_size=120, min_size=30)
    assert fit.lines == ["The Glass Orchard"]
    assert fit.shrunk and not fit.wrapped and fit.size < 120
    assert _inside(fit)


def test_a_long_title_wraps_after_shrinking_is_not_enough() -> None:
    title = "The Extraordinarily Long and Winding History of the Lighthouse at Gannet Rock"
    fit = fit_text(title, (800, 400), font="display", max_size=120, min_size=20)
    assert fit.wrapped and len(fit.lines) > 1 and fit.fits
    assert " ".join(fit.lines) == title
    assert _inside(fit, (37, 11))


def test_text_that_cannot_fit_is_cut_and_reported() -> None:
    fit = fit_text("word " * 400, (300, 100), font="serif", max_size=40, min_size=20, what="title")
    assert not fit.fits
    assert fit.lines[-1].endswith(ELLIPSIS)
    assert fit.warnings and "title is too long" in fit.warnings[0]
    assert _inside(fit)


@pytest.mark.parametrize("font", ["display", "serif", "comic", "unknown-font"])
def test_an_unbreakable_word_is_split_not_spilled(font: str) -> None:
    fit = fit_text(
        "Supercalifragilisticexpialidocious", (120, 400), font=font, max_size=40, min_size=30
    )
    assert all(w <= 120 for w in fit.widths)
    assert "".join(fit.lines) == "Supercalifragilisticexpialidocious"
