"""The one list of places a learner can go, read by the app, the home screen, `gdtui --open`
and the lesson link checker (``screen:NAME``), so the four can never disagree.

Screens are named by module path, not imported: the app imports a screen only when it opens.
"""

from __future__ import annotations

from typing import NamedTuple

HOME = "home"
"""The home screen: a place a link can lead to, though not an area listed on it."""


# A NamedTuple rather than a dataclass: `gdtui --help` reads this module, and dataclasses costs
# more to import than the rest of the command's start.
class Area(NamedTuple):
    """One place the learner can go: a screen, its key on the home screen, and its module."""

    name: str
    title: str
    key: str
    description: str
    module: str | None
    """``package.module:ClassName`` of the screen, or None while it is not built yet."""


AREAS: tuple[Area, ...] = (
    Area("lessons", "Lessons", "1", "Read the course: loss, backprop, learning rate, ...",
         "gdtui.screens.lesson:LessonScreen"),
    Area("cards", "Flashcards", "2", "Recall what you read, with spaced repetition",
         "gdtui.screens.cards.screen:CardsScreen"),
    Area("guess", "Guessing game", "3", "Find a secret number with a fixed learning rate",
         "gdtui.screens.guess.screen:GuessScreen"),
    Area("lab", "Training lab", "4", "Train a real network live and tune it",
         "gdtui.screens.lab.screen:LabScreen"),
    Area("backprop", "Backprop stepper", "5", "Walk through one training step, number by number",
         "gdtui.screens.backprop:BackpropScreen"),
    Area("landscape", "Loss landscape", "6", "Watch optimizers walk downhill on a loss surface",
         "gdtui.screens.landscape:LandscapeScreen"),
)


def area(name: str) -> Area | None:
    """The area with this name, or None."""
    return next((a for a in AREAS if a.name == name), None)


def place_names() -> tuple[str, ...]:
    """Every name ``screen:NAME`` and ``gdtui --open`` accept: home and each area."""
    return (HOME, *(a.name for a in AREAS))
