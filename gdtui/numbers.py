"""Reading and writing numbers and durations, once for the whole app.

    read_number(" −0.5 ")                                  -> -0.5
    read_number("250", "learning rate", low=0, high=100)   -> ValueError("learning rate must be
                                                              a number between 0 and 100")
    read_number("5/3", fractions=True)                     -> 1.6666666666666667
    read_answer("1 2/3")                                   -> Reading(1.666..., None)
    read_answer("-0,29 nats")                              -> Reading(-0.29, 2)
    format_significant(-1.4012)                            -> "−1.40"
    format_guess(49.900000000000006)                       -> "49.9"
    field_text(0.1 + 0.2)                                  -> "0.3"
    format_accuracy(0.875)                                 -> "87.5%"
    describe_duration(540)                                 -> "9 minutes"
    next_rung((1, 2, 5, 10), 3, +1)                        -> 5

Pure: no Textual import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

MINUS = "−"  # the minus sign the screens print; a learner may copy it back into a field
# A value this close to a rung (relative) is on it: 0.1 + 0.2 is the rung 0.3.
RUNG_TOLERANCE = 1e-9
MINUTE, HOUR, DAY = 60, 3600, 86400
UNITS = (("day", DAY), ("hour", HOUR), ("minute", MINUTE))


# --- reading ------------------------------------------------------------------------------------


def read_number(text: str | float, what: str = "the value", *, low: float | None = None,
                high: float | None = None, positive: bool = False, whole: bool = False,
                fractions: bool = False, message: str | None = None,
                range_message: str | None = None) -> float:
    """``text`` as a finite float, or ValueError with a message the caller can show as it is.

    Spaces around the number and the unicode minus "−" are accepted; empty text, words, nan and
    inf are not. ``low`` and ``high`` are inclusive bounds, ``positive`` refuses 0 and below,
    ``whole`` asks for a whole number (37 and 37.0 both count) and ``fractions`` also reads
    "5/3". A number that is not text (an int or a float passed in by code) is checked the same
    way; True and False are refused.

    ``message`` is the error for everything; ``range_message``, when given, replaces it for a
    number that was read but is not allowed (nan, inf, outside the bounds, not positive, not
    whole). Without either, the message says what is expected: "learning rate must be a number
    between 0 and 100".

        read_number("0", "learning rate", positive=True)
        -> ValueError("learning rate must be a positive number")
    """
    if message is None:
        message = _expected(what, low, high, positive, whole)
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
            or (high is not None and value > high) or (positive and value <= 0)
            or (whole and not value.is_integer())):
        raise ValueError(message if range_message is None else range_message)
    return value


def _expected(what: str, low: float | None, high: float | None, positive: bool,
              whole: bool) -> str:
    """What a good value looks like: "steps must be a whole number between 1 and 1000"."""
    kind = ("a positive " if positive else "a ") + ("whole number" if whole else "number")
    if low is not None and high is not None:
        return f"{what} must be {kind} between {_plain(low)} and {_plain(high)}"
    if low is not None:
        return f"{what} must be {kind} of at least {_plain(low)}"
    if high is not None:
        return f"{what} must be {kind} of at most {_plain(high)}"
    return f"{what} must be {kind}"


def _plain(value: float) -> str:
    """A bound as people write it, exactly: 100 rather than 100.0, 0.5 as 0.5."""
    return str(json_number(value))


def read_field(text: str, what: str, low: float, high: float) -> float:
    """A number typed into the field called ``what``, from ``low`` to ``high``; the ValueError
    names the field and says what is wrong.

        read_field("0.5", "w1", -100, 100)   -> 0.5
        read_field("abc", "w1", -100, 100)   -> ValueError("w1: 'abc' is not a number")
        read_field("500", "w1", -100, 100)   -> ValueError("w1 must be between -100 and 100")
    """
    return read_number(text, low=low, high=high,
                       message=f"{what}: '{text.strip()}' is not a number",
                       range_message=f"{what} must be between {field_text(low)} and "
                                     f"{field_text(high)}")


def read_positive_field(text: str, what: str, high: float, example: float) -> float:
    """Like ``read_field`` from 0 to ``high``, but 0 itself is refused with an example, as for a
    learning rate.

        read_positive_field("0", "learning rate", 100, 0.1)
        -> ValueError("learning rate must be above 0, like 0.1")
    """
    value = read_field(text, what, 0.0, high)
    if value == 0:
        raise ValueError(f"{what} must be above 0, like {field_text(example)}")
    return value


class Reading(NamedTuple):
    """A number as a learner typed it: its value, and how many decimals it was written with
    (None for a fraction, which is exact)."""

    value: float
    decimals: int | None


ANSWER_EXAMPLES = "like 0.5, -2, 1/3, 1 2/3 or 2e-3"
_DASHES = str.maketrans({MINUS: "-", "–": "-", "‐": "-", "‑": "-", "×": "x", "·": "x",
                         "⋅": "x", "\u00a0": " ", "\u202f": " "})
_ABOUT = re.compile(r"^(?:about|roughly|approximately|approx\.?|around|nearly|~|≈)\s*", re.I)
_LABEL = re.compile(r"^[^\d=]{1,12}=\s*")  # "z =", "dL/dz="
_TRAILING_WORDS = re.compile(r"(?<=[\d%.])\s+[^\W\d_][^\d]*$")  # "0.0513 nats", "32 updates"
_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
_PLAIN = re.compile(rf"^{_DECIMAL}(?:e[-+]?\d+)?$", re.I)
_POWER = re.compile(rf"^(?:({_DECIMAL})\s*[x*]\s*)?10\s*(?:\^|\*\*)\s*([-+]?\d+)$", re.I)
_FRACTION = re.compile(rf"^({_DECIMAL})\s*/\s*({_DECIMAL})$")
_MIXED = re.compile(r"^(\d+)\s+(\d+)\s*/\s*(\d+)$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


def read_answer(text: str) -> Reading:
    """A number typed as the answer to a question, or ValueError with the message to show.

    Reads what people write: a sign with or without a space ("- 0.8", "−0.8"), fractions
    ("5/3", "5 / 3"), mixed numbers ("1 2/3" is 5/3), a decimal comma ("-0,8"), e-notation or
    powers of ten ("2e-3", "2 × 10^-3"), a percent ("0.1%"), and drops what is around the
    number: "about", a label ("z = -0.8"), a final full stop, trailing words ("0.0513 nats",
    "32 updates"). A space between digits is refused, never removed: "-0.29 4" could be -0.294
    or -0.29. So is a comma that could group thousands ("1,667").

        read_answer("1 2/3") -> Reading(1.6666666666666667, None)
        read_answer("-0.29") -> Reading(-0.29, 2)
    """
    shown = text.strip()
    unreadable = f"{shown!r} is not a number. Type one {ANSWER_EXAMPLES}."
    cleaned = shown.translate(_DASHES).strip()
    cleaned = _LABEL.sub("", _ABOUT.sub("", cleaned))
    cleaned = _TRAILING_WORDS.sub("", cleaned).rstrip(".!").strip()
    sign = 1.0
    if cleaned[:1] in "+-" and cleaned:
        sign = -1.0 if cleaned[0] == "-" else 1.0
        cleaned = cleaned[1:].strip()
    scale, extra = 1.0, 0
    if cleaned.endswith("%"):
        cleaned, scale, extra = cleaned[:-1].strip(), 0.01, 2
    cleaned = _comma_free(cleaned, shown)
    value, decimals = _unsigned(cleaned, shown, unreadable)
    value *= sign * scale
    if not math.isfinite(value):
        raise ValueError(unreadable)
    return Reading(value, None if decimals is None else max(0, decimals + extra))


def _comma_free(text: str, shown: str) -> str:
    """A decimal comma as a point; commas that group thousands dropped; ambiguous ones refused."""
    if "," not in text:
        return text
    if _THOUSANDS.match(text) and ("." in text or text.count(",") > 1):
        return text.replace(",", "")
    whole, _, part = text.partition(",")
    if "," in part or "." in text:
        raise ValueError(f"{shown!r} is not a number. Type one {ANSWER_EXAMPLES}.")
    if len(part) == 3 and whole.strip("0"):  # "1,667": 1667 or 1.667?
        raise ValueError(f"{shown!r} could be {whole}{part} or {whole}.{part}: type it with a "
                         f"point for decimals ({whole}.{part}) or without the comma.")
    return f"{whole}.{part}"


def _unsigned(text: str, shown: str, unreadable: str) -> tuple[float, int | None]:
    """(value, decimals written) of a number without its sign."""
    if _PLAIN.match(text):
        exponent = Decimal(text).as_tuple().exponent
        return float(text), -exponent if isinstance(exponent, int) else None
    power = _POWER.match(text)
    if power:
        mantissa = power.group(1) or "1"
        return _unsigned(f"{mantissa}e{power.group(2)}", shown, unreadable)
    mixed = _MIXED.match(text)
    if mixed:
        whole, top, bottom = (int(group) for group in mixed.groups())
        if not 0 < top < bottom:
            raise ValueError(f"{shown!r} is not a mixed number (like 1 2/3): type it without "
                             f"the space, or as one fraction like 5/3.")
        return float(Fraction(whole * bottom + top, bottom)), None
    fraction = _FRACTION.match(text)
    if fraction:
        top, bottom = float(fraction.group(1)), float(fraction.group(2))
        if bottom == 0:
            raise ValueError(f"{shown!r} divides by zero. Type a number {ANSWER_EXAMPLES}.")
        return top / bottom, None
    if re.match(r"^[\d.\s]+$", text) and re.search(r"[\d.]\s+[\d.]", text):
        raise ValueError(f"{shown!r} has a space inside the number, so it could be read more "
                         f"than one way. Type it again without the space.")
    raise ValueError(unreadable)


# --- writing ------------------------------------------------------------------------------------


def format_significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits and a real minus sign, as the lessons write
    the numbers of a network: whole numbers in full, tiny and huge ones in e-notation.

        format_significant(-1.4012) -> "−1.40"      format_significant(2.0) -> "2"
        format_significant(0.20976) -> "0.210"      format_significant(1.5e-5) -> "1.50e-05"
    """
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "not a number"
    size = abs(value)
    if size < 1e5 and float(value).is_integer():
        text = str(int(value))
    elif 1e-3 <= size < 1e5:
        decimals = max(0, digits - 1 - math.floor(math.log10(size)))
        text = f"{value:.{decimals}f}"
    else:
        text = f"{value:.{digits - 1}e}"
    return MINUS + text[1:] if text.startswith("-") else text


def format_guess(value: float, decimals: int = 9) -> str:
    """A guess of the guessing game (or any number on a fixed grid of ``decimals`` decimals) as
    people write it: no trailing zeros and no float noise.

        format_guess(40.0) -> "40"      format_guess(49.900000000000006) -> "49.9"
        format_guess(37.125, 2) -> "37.12"
    """
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def field_text(value: float) -> str:
    """``value`` the way a person types it into a field (or into a flashcard answer): six
    significant digits, a plain "-", no needless ".0".

        field_text(2.0) -> "2"      field_text(-0.25) -> "-0.25"      field_text(1e-6) -> "1e-06"
    """
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


def format_accuracy(value: float | None) -> str:
    """An accuracy (a share from 0 to 1) as a percentage with one decimal, or "-" before it
    was measured: 0.875 -> "87.5%", None -> "-"."""
    return "-" if value is None else f"{value:.1%}"


def json_number(value: float) -> int | float:
    """``value`` as an int when it is whole, else the float: 40.0 -> 40, 38.5 -> 38.5 (so JSON
    and messages show 40, not 40.0)."""
    return int(value) if float(value).is_integer() else value


# --- durations ----------------------------------------------------------------------------------


def describe_duration(seconds: float, *, precise: bool = False) -> str:
    """How long ``seconds`` is, in words.

    Roughly (the default, for what a learner reads at a glance): the largest unit that fits,
    rounded, or "less than a minute". ``precise`` (for the server's log and its idle timeout)
    counts seconds up to two minutes, then gives up to two units.

        describe_duration(540) -> "9 minutes"      describe_duration(30) -> "less than a minute"
        describe_duration(2, precise=True) -> "2 seconds"
        describe_duration(3900, precise=True) -> "1 h 5 min"
    """
    if precise:
        return _precise_duration(round(seconds))
    if seconds < MINUTE:
        return "less than a minute"
    _, size = _largest_unit(seconds)
    seconds = round(seconds / size) * size  # so 59.6 minutes reads "1 hour", not "60 minutes"
    unit, size = _largest_unit(seconds)
    count = round(seconds / size)
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _largest_unit(seconds: float) -> tuple[str, int]:
    """The largest of day, hour and minute that fits in ``seconds`` (a minute or more)."""
    return next((unit, size) for unit, size in UNITS if seconds >= size)


def _precise_duration(seconds: int) -> str:
    """"2 seconds", "30 minutes", "2 min 5 s", "1 h 5 min"."""
    if seconds < 2 * MINUTE:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes, rest = divmod(seconds, MINUTE)
    if minutes < 60:
        return f"{minutes} minutes" if not rest else f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


# --- ladders ------------------------------------------------------------------------------------


def next_rung(ladder: Sequence[float], value: float, direction: int, *,
              always_a_rung: bool = False) -> float:
    """The rung of ``ladder`` (rising) next above ``value`` when ``direction`` > 0, next below
    it when ``direction`` < 0; ``value`` itself when ``direction`` is 0.

    A value between rungs goes to the nearer rung that way, and a value within a hair of a rung
    counts as on it. Past the end of the ladder the value stays where it is, or, with
    ``always_a_rung``, becomes the end rung (so the answer is always on the ladder).

        next_rung((1, 2, 5), 2, +1) -> 5      next_rung((1, 2, 5), 3, -1) -> 2
        next_rung((1, 2, 5), 9, +1) -> 9      next_rung((1, 2, 5), 9, +1, always_a_rung=True) -> 5
    """
    if direction == 0:
        return value
    if direction > 0:
        beyond = [rung for rung in ladder if rung > value and not _on(rung, value)]
        return beyond[0] if beyond else ladder[-1] if always_a_rung else value
    beyond = [rung for rung in ladder if rung < value and not _on(rung, value)]
    return beyond[-1] if beyond else ladder[0] if always_a_rung else value


def _on(rung: float, value: float) -> bool:
    """True when ``value`` is within a hair of ``rung``."""
    return math.isclose(rung, value, rel_tol=RUNG_TOLERANCE, abs_tol=0.0)
