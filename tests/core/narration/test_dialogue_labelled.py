"""Attribution on the labelled public-domain dialogue (tests/fixtures/narration): the
benchmark prints the figures; this keeps them from sliding back."""

from __future__ import annotations

from tests.benchmarks.bench_dialogue import score


def test_attribution_on_the_labelled_set_stays_above_nine_in_ten() -> None:
    scores = score()
    right = sum(s.right for s in scores)
    total = sum(s.total for s in scores)
    assert total >= 80
    assert right / total >= 0.9, [(s.style, s.misses) for s in scores]
    for s in scores:  # no style is left behind
        assert s.accuracy >= 0.7, (s.style, s.misses)
