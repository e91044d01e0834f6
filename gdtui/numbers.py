"""Reading a number the learner typed into a field or gave as a command-line option.

    read_number(" −0.5 ")                                  -> -0.5
    read_number("250", "learning rate", low=0, high=100)   -> ValueError("learning rate must be
                                                              a number between 0 and 100")
    read_number("5/3", fractions=True)                     -> 1.6666666666666667

Pure: no Textual import.
"""

from __future__ import annotations

import math
from fractions import Fraction

MINUS = "−"  # the minus sign the screens print; a learner may copy it back into a field


def read_number(text: str | float, what: str = "the value", *, low: float | None = None,
                high: float | None = None, whole: bool = False, fractions: bool = False,
                message: str | None = None, range_message: str | None = None) -> float:
    """``text`` as a finite float, or ValueError with a message the caller can show as it is.

    Spaces around the number and the unicode minus "−" are accepted; empty text, words, nan and
    inf are not. ``low`` and ``high`` are inclusive bounds, ``whole`` asks for a whole number
    (37 and 37.0 both count) and ``fractions`` also reads "5/3". A number that is not text
    (an int or a float passed in by code) is checked the same way; True and False are refused.

    ``message`` is the error for everything; ``range_message``, when given, replaces it for a
    number that was read but is not allowed (nan, inf, outside the bounds, not whole). Without
    either, the message says what is expected: "learning rate must be a number between 0 and 100".
    """
    if message is None:
        message = _expected(what, low, high, whole)
    if isinstance(text, bool):  # True would otherwise read as 1
        raise ValueError(message)
    try:
        if isinstance(text, str):
            cleaned = text.strip().replace(MINUS, "-")
            value = float(Fraction(cleaned)) if fractions and "/" in cleaned else float(cleaned)
        else:
            value = float(text)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        raise ValueError(message) from None
    if (not math.isfinite(value) or (low is not None and value < low)
            or (high is not None and value > high) or (whole and not value.is_integer())):
        raise ValueError(message if range_message is None else range_message)
    return value


def _expected(what: str, low: float | None, high: float | None, whole: bool) -> str:
    """What a good value looks like: "steps must be a whole number between 1 and 1000"."""
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{what} must be {kind} between {_plain(low)} and {_plain(high)}"
    if low is not None:
        return f"{what} must be {kind} of at least {_plain(low)}"
    if high is not None:
        return f"{what} must be {kind} of at most {_plain(high)}"
    return f"{what} must be {kind}"


def _plain(value: float) -> str:
    """A bound as people write it: 100 rather than 100.0, 0.5 as 0.5."""
    return str(int(value)) if float(value).is_integer() else str(value)
