"""A random learner: keys, clicks, scrolls and resizes, many of them, over every screen.

`play(seed, events, data_dir)` runs gdtui through Textual's pilot and hands it ``events`` random
events the way the terminal driver does (each posted to the app, so clicks go through the app's
own mouse handling), letting the app handle each before the next. Half the keys are ones the
screen on top binds (so the lab trains, dialogs open, the palette runs), the rest any key of a
keyboard except the quit keys. Resizes include sizes below 80x24, where the size cover shows.

A click that lands on a footer's "Quit" ends the app cleanly: a new app opens on the same data
folder (as a learner would start gdtui again) and the events go on. Anything else that ends the
app is a crash: the report keeps its traceback and the last events, with the screen stack at
each. Read by tests/test_random_input.py and benchmarks/random_input.py.
"""

from __future__ import annotations

import random
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from textual import events
from textual.geometry import Size
from textual.keys import key_to_character

from gdtui.app import GdtuiApp
from gdtui.areas import AREAS
from gdtui.course.lessons import default_lessons_dir
from gdtui.screens.too_small import TooSmallScreen
from gdtui.store import Store

START_SIZE = (100, 32)
SIZES = ((100, 32), (80, 24), (120, 40), (60, 20), (70, 20), (79, 23), (50, 12), (90, 30))
QUIT_KEYS = {"q", "ctrl+q", "ctrl+c"}
KEYS = (
    [*"abcdefghijklmnoprstuvwxyz", *"0123456789", *"ABELNRS"]
    + ["space", "enter", "escape", "tab", "shift+tab", "backspace", "delete", "up", "down",
       "left", "right", "home", "end", "pageup", "pagedown", "question_mark",
       "left_square_bracket", "right_square_bracket", "plus", "minus", "full_stop", "comma",
       "slash", "ctrl+p", "ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w", "ctrl+z"]
)
LAST_EVENTS = 25


@dataclass
class Report:
    """What happened to one seed."""

    seed: int
    events: int = 0
    quits: int = 0
    crash: str | None = None
    screens: Counter = field(default_factory=Counter)
    last: deque = field(default_factory=lambda: deque(maxlen=LAST_EVENTS))

    def story(self) -> str:
        """The crash and the events before it, for a failure message."""
        lines = [f"seed {self.seed}: crashed after {self.events} events", *self.last,
                 self.crash or ""]
        return "\n".join(lines)


def stack(app: GdtuiApp) -> str:
    return "/".join(type(screen).__name__.removesuffix("Screen") or "Screen"
                    for screen in app.screen_stack)


def screen_keys(app: GdtuiApp) -> list[str]:
    """The keys the screen on top binds (and its focused widget, and the app), but quit."""
    if not app.screen.is_mounted:  # (a screen's check_action may read its widgets)
        return []
    keys = []
    for key, active in app.screen.active_bindings.items():
        if key not in QUIT_KEYS and not active.binding.action.endswith("quit"):
            keys.append(key)
    return keys


def key_event(key: str) -> events.Key:
    return events.Key(key, key_to_character(key))


def mouse_events(kind: str, x: int, y: int) -> list[events.MouseEvent]:
    """A click (the button down, then up: the app makes the click), or a turn of the wheel."""
    def make(cls: type[events.MouseEvent], button: int = 1) -> events.MouseEvent:
        return cls(None, x, y, 0, 0, button, False, False, False, screen_x=x, screen_y=y)

    if kind == "click":
        return [make(events.MouseDown), make(events.MouseUp)]
    return [make(events.MouseScrollDown if kind == "scroll down" else events.MouseScrollUp, 0)]


class Learner:
    """Chooses and sends the events of one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def next_event(self, app: GdtuiApp) -> tuple[str, object]:
        roll = self.rng.random()
        width, height = app.size
        if isinstance(app.screen, TooSmallScreen) and self.rng.random() < 0.2:
            return "resize", self.rng.choice(SIZES)  # a few events at the cover, then on
        if roll < 0.35:
            own = screen_keys(app)
            return "key", self.rng.choice(own) if own else self.rng.choice(KEYS)
        if roll < 0.70:
            return "key", self.rng.choice(KEYS)
        if roll < 0.88:
            return "click", (self.rng.randrange(width), self.rng.randrange(height))
        if roll < 0.94:
            return self.rng.choice(("scroll down", "scroll up")), (self.rng.randrange(width),
                                                                   self.rng.randrange(height))
        return "resize", self.rng.choice(SIZES)

    @staticmethod
    async def send(app: GdtuiApp, pilot, kind: str, what) -> None:
        if kind == "key":
            event = key_event(what)
            event.set_sender(app)
            app.post_message(event)
        elif kind != "resize":
            for event in mouse_events(kind, *what):
                event.set_sender(app)
                app.post_message(event)
        else:
            size = Size(*what)
            app._driver._size = size  # (what Pilot.resize_terminal does, without its idle wait)
            app.post_message(events.Resize(size, size))
        # Let the app handle it (and what it posts at once) before the next event.
        await pilot.pause(0)


async def play(seed: int, events_count: int, data_dir: Path) -> Report:
    """Send ``events_count`` random events, starting in area number ``seed`` (mod the areas),
    to gdtui on ``data_dir``; reopen after a clean quit; stop at a crash."""
    report = Report(seed)
    learner = Learner(seed)
    start = AREAS[seed % len(AREAS)].name
    size = START_SIZE
    while report.events < events_count and report.crash is None:
        store = Store.open(data_dir)
        app = GdtuiApp(store=store, lessons_dir=default_lessons_dir(), start_screen=start)
        try:
            async with app.run_test(size=size) as pilot:
                while report.events < events_count and not app._exit \
                        and app._exception is None:
                    kind, what = learner.next_event(app)
                    before = stack(app)
                    if kind == "resize":
                        size = what
                    await learner.send(app, pilot, kind, what)
                    report.last.append(f"{report.events:5d} {before:36s} {kind} {what} -> "
                                       f"{stack(app) if app.screen_stack else '(ended)'}")
                    report.events += 1
                    if app.screen_stack:
                        report.screens[type(app.screen).__name__] += 1
                quit_cleanly = app._exit and app._exception is None
        except Exception as error:  # the app's own exception, raised as run_test ends
            report.crash = "".join(traceback.format_exception(error))
        finally:
            store.close()
        if report.crash is None and app._exception is not None:
            report.crash = "".join(traceback.format_exception(app._exception))
        if report.crash is None and quit_cleanly:
            report.quits += 1
            start = None  # a learner starting gdtui again comes to the home screen
    return report
