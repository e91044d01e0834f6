"""The Training Lab's last settings, kept from one start of gdtui to the next.

The store keeps them as one JSON value under `STORE_KEY`: `remember()` makes that value and
`recall()` reads it back. A value that cannot be used (damaged, or written by a gdtui whose
settings differed) gives the default settings and says why, never an error.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from gdtui.training.settings import Settings, settings_from_dict

STORE_KEY = "lab"


@dataclass(frozen=True)
class Recalled:
    """What the lab starts from: the settings, the speed (None: the lab's own default) and,
    when the saved value could not be used, why (in the learner's words)."""

    settings: Settings
    speed: str | None = None
    problem: str | None = None


def remember(settings: Settings, speed: str) -> dict[str, Any]:
    """The value to store for these settings and this speed."""
    return {"settings": settings.to_dict(), "speed": speed}


def recall(saved: Any, speeds: Collection[str]) -> Recalled:
    """The settings and speed of a stored value (None: nothing saved yet, the defaults).

    `speeds` are the speeds the lab has now; a speed it no longer has falls back to the
    default, and so do settings it cannot use, each with the reason in `problem`.
    """
    if saved is None:
        return Recalled(Settings())
    if not isinstance(saved, dict) or not isinstance(saved.get("settings"), dict):
        return Recalled(Settings(), problem="they are not in a form this gdtui reads, so the "
                                            "lab starts from the default settings")
    try:
        settings = settings_from_dict(saved["settings"])
    except (ValueError, TypeError) as error:
        return Recalled(Settings(), problem=f"{error}, so the lab starts from the default "
                                            "settings")
    speed = saved.get("speed")
    if speed is not None and speed not in speeds:
        return Recalled(settings, problem=f"the speed {speed!r} is not one of "
                                          f"{', '.join(speeds)}, so the lab uses its default")
    return Recalled(settings, speed)
