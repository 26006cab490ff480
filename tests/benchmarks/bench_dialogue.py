"""Dialogue attribution benchmark: prints how often narration gives a quotation to the right
speaker, on a labelled set of dialogue from public-domain novels in several styles (first
person, said-bookisms, pronouns, alternating speakers without tags).

    python tests/benchmarks/bench_dialogue.py [--misses]

The set is tests/fixtures/narration/dialogue_labelled.json; each quotation carries who
speaks it (null: the narrator). Accuracy is printed per style and over all quotations.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.narration.dialogue import DialogueTracker, SpeakerIndex  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "narration" / "dialogue_labelled.json"


@dataclass(frozen=True)
class StyleScore:
    style: str
    right: int
    total: int
    misses: list[tuple[str, str | None, str | None]]  # text, expected, got

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def score(path: Path = LABELLED) -> list[StyleScore]:
    """Attribute every labelled paragraph, style by style, in order (the tracker keeps the
    conversation from one paragraph to the next, as narration does)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    scores = []
    for style in data["styles"]:
        tracker = DialogueTracker(SpeakerIndex.build(style["characters"]))
        right = total = 0
        misses = []
        for expected, text in style["paragraphs"]:
            got = tracker.attribute(text)
            if len(got) != len(expected):
                raise SystemExit(f"{style['style']}: {len(got)} quotations, labelled {expected}")
            for want, have in zip(expected, got, strict=True):
                total += 1
                if want == have:
                    right += 1
                else:
                    misses.append((text, want, have))
        scores.append(StyleScore(style["style"], right, total, misses))
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print each wrong attribution")
    args = parser.parse_args()
    scores = score()
    for s in scores:
        print(f"{s.style}: {s.right}/{s.total} = {s.accuracy:.0%}")
        if args.misses:
            for text, want, have in s.misses:
                print(f"    want {want}, got {have}: {text[:90]}")
    right, total = sum(s.right for s in scores), sum(s.total for s in scores)
    print(f"dialogue attribution: {right}/{total} quotations = {right / total:.1%} right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
