"""The password policy, after NCSC's guidance: length, a deny list, no composition rules.

At least 12 characters and at most 256; not a common password, a common word padded with
digits or symbols, a keyboard walk, a repeated character or pattern, or the person's own
username or name. Every refusal says which rule it broke so the person can pick another.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import EngineError
from .common_passwords import BASE_WORDS, COMMON, SEQUENCES

MIN_LENGTH, MAX_LENGTH = 12, 256
LOOK_ALIKES = str.maketrans("@4310$5!7+", "aaeiossitt")
PADDING = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")
_WALKS = tuple(s for seq in SEQUENCES for s in (seq, seq[::-1]))


class WeakPassword(EngineError):
    """A password the policy refuses; the message says why."""

    status, code = 422, "weak_password"


def check_password(password: str, *, username: str = "", display_name: str = "") -> None:
    """Raise WeakPassword (with the reason) unless ``password`` meets the policy."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Passwords must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Passwords must be at most {MAX_LENGTH} characters")
    folded = unicodedata.normalize("NFKC", password).casefold()
    if _too_repetitive(folded):
        raise WeakPassword("That password repeats the same characters; choose a less regular one")
    if _is_common(folded):
        raise WeakPassword("That password is too common and easily guessed; choose another")
    if _is_walk(folded):
        raise WeakPassword("That password is a keyboard or alphabet sequence; choose another")
    if _names_the_person(folded, username, display_name):
        raise WeakPassword("Passwords must not contain your username or name")


def _too_repetitive(folded: str) -> bool:
    if len(set(folded)) < 5:
        return True
    return any(
        len(folded) % size == 0 and folded == folded[:size] * (len(folded) // size)
        for size in range(1, 7)
    )


def _is_common(folded: str) -> bool:
    squashed = folded.replace(" ", "")
    if squashed in COMMON or squashed.translate(LOOK_ALIKES) in COMMON:
        return True
    core = PADDING.match(squashed).group(1)
    return core in BASE_WORDS or core.translate(LOOK_ALIKES) in BASE_WORDS


def _is_walk(folded: str) -> bool:
    """True when, once every run of 3+ characters along a sequence is removed, < 4 remain."""
    left, index = 0, 0
    while index < len(folded):
        run = _longest_run(folded, index)
        if run >= 3:
            index += run
        else:
            left, index = left + 1, index + 1
    return left < 4


def _longest_run(text: str, start: int) -> int:
    best = 0
    for walk in _WALKS:
        length = 0
        while start + length < len(text) and text[start : start + length + 1] in walk:
            length += 1
        best = max(best, length)
    return best


def _names_the_person(folded: str, username: str, display_name: str) -> bool:
    parts = [username, *re.split(r"[\s\-'.]+", display_name)]
    return any(len(part) >= 3 and part.casefold() in folded for part in parts)
