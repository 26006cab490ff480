"""Review at scale (the issue's targets in brackets): a 10,000-word scene with 200 comments
and 500 pending suggestions —

* opening it: its accepted text, every comment thread with its anchor and every suggestion
  read from the document, and the Comments dock filled [<= 100 ms];
* a keystroke: the writer's edit recorded into the text around the suggestions [<= 5 ms];
* accept all: the 500 suggestions decided in one transaction [<= 200 ms].

    python tests/benchmarks/bench_review.py [--small]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pycrdt

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.review.comments import add_comment, list_comments
from core.review.suggestions import (
    decide,
    list_suggestions,
    suggest_delete,
    suggest_insert,
)
from core.sync.documents import doc_text
from core.sync.text_view import edit_accepted

NOW = datetime(2026, 12, 7, tzinfo=UTC)
WORDS = [
    "the",
    "lamp",
    "burned",
    "low",
    "over",
    "the",
    "harbour",
    "wall",
    "and",
    "the",
    "tide",
    "came",
    "in",
    "at",
    "dusk",
]


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def build(words: int, comments: int, suggestions: int) -> pycrdt.Doc:
    rng = random.Random(7)
    text = " ".join(rng.choice(WORDS) for _ in range(words)) + "."
    doc = pycrdt.Doc()
    doc.get("text", type=pycrdt.Text).insert(0, text)
    for i in range(comments):
        body = doc_text(doc)
        start = rng.randrange(0, len(body) - 20)
        add_comment(doc, author="ed", text=f"note {i}", start=start, end=start + 12, now=NOW)
    for i in range(suggestions):
        body = doc_text(doc)
        at = rng.randrange(0, len(body) - 10)
        if i % 2:
            suggest_insert(doc, at=at, text=" quietly", author="ed", now=NOW)
        else:
            suggest_delete(doc, start=at, end=at + 4, author="cy", now=NOW)
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    words, comments, suggestions, strokes = (
        (1000, 20, 50, 20) if args.small else (10_000, 200, 500, 200)
    )
    doc = build(words, comments, suggestions)
    state = doc.get_update()

    opens = []
    for _ in range(5):
        started = time.perf_counter()
        fresh = pycrdt.Doc()
        fresh.apply_update(state)
        text = doc_text(fresh)
        threads = list_comments(fresh)
        pending = list_suggestions(fresh)
        opens.append(time.perf_counter() - started)
    print(
        f"open a {words:,}-word scene with {len(threads)} comments and {len(pending)} "
        f"suggestions: p50 {p(opens, 0.5):.1f} ms, slowest {max(opens) * 1000:.1f} ms "
        f"(target <= 100)"
    )

    ytext = doc.get("text", type=pycrdt.Text)
    times = []
    for i in range(strokes):
        at = len(text) // 3 + i
        text = text[:at] + "x" + text[at:]
        started = time.perf_counter()
        edit_accepted(ytext, text)
        times.append(time.perf_counter() - started)
    assert doc_text(doc) == text
    print(
        f"keystroke among {len(pending)} suggestions: p50 {p(times, 0.5):.2f} ms, "
        f"p95 {p(times, 0.95):.2f} ms (target <= 5)"
    )

    ids = {s.id for s in list_suggestions(doc)}
    started = time.perf_counter()
    decide(doc, ids, accept=True)
    elapsed = time.perf_counter() - started
    assert list_suggestions(doc) == []
    print(f"accept all {len(ids)} suggestions: {elapsed * 1000:.1f} ms (target <= 200)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
