"""How guessable a password is (zxcvbn: dictionaries of common passwords, names, words,
keyboard patterns, dates and repeats), with the reason told in words."""

from __future__ import annotations

# zxcvbn's 0..4: 3 is "safely unguessable" (about 10^10 guesses), its authors' advice for
# anything that guards people's work.
MIN_SCORE = 3


def weakness(password: str, *, email: str = "", min_score: int = MIN_SCORE) -> str | None:
    """Why ``password`` is too easy to guess, or None when it will do."""
    from zxcvbn import zxcvbn

    if not password.strip():
        return "the password cannot be blank"
    hints = [part for part in email.replace("@", " ").replace(".", " ").split() if part]
    # zxcvbn slows down with length; anything this long is far beyond guessing anyway.
    result = zxcvbn(password[:100], user_inputs=hints)
    if result["score"] >= min_score:
        return None
    feedback = result.get("feedback") or {}
    why = feedback.get("warning") or "it is too easy to guess"
    tips = " ".join(feedback.get("suggestions") or []) or "A few uncommon words together do well."
    return f"choose a stronger password: {why.rstrip('.')}. {tips}"
