"""Token estimates for fitting the context to a budget.

This is an estimate, not the model's tokenizer: about four characters of English prose per
token, which errs on the generous side for prose and keeps assembly free of network calls.
The budget leaves headroom for the difference.
"""

from __future__ import annotations

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """An estimate of the tokens ``text`` takes (characters / 4, rounded up)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def chars_for_tokens(tokens: int) -> int:
    """How many characters fit in ``tokens`` by the same estimate."""
    return max(0, tokens) * CHARS_PER_TOKEN
