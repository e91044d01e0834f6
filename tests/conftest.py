"""Shared fixtures: a store in a temporary data dir and an app wired to it."""

from __future__ import annotations

import inspect
import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gdtui.course.lessons import default_lessons_dir
from gdtui.store import Store
from tests.tmux_terminal import Terminal

SAMPLE_LESSON = """---
id: {id}
title: {title}
order: {order}
minutes: 3
summary: A lesson for tests.
---
# {title}

{body}
"""


def write_lesson(
    directory: Path, name: str, *, id: str, order: int, title: str = "", body: str = ""
) -> Path:
    """Write a small valid lesson file and return its path."""
    path = directory / name
    path.write_text(
        SAMPLE_LESSON.format(id=id, order=order, title=title or id.title(), body=body or "Text."),
        encoding="utf-8",
    )
    return path


async def wait_until(pilot, condition: Callable[[], object], seconds: float = 30.0) -> None:
    """Let the app run until `condition()` holds, or fail after `seconds`.

    Wait for what the test means, never for a fixed time: under load a fixed pause is a coin
    toss, while a generous deadline costs nothing when the condition comes true early.
    """
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not true after {seconds} s: {_source(condition)}"
        await pilot.pause(0.02)


async def handled(app, pilot) -> None:
    """Wait until the app has handled every message already queued (keys, callbacks, a worker's
    end): it handles them in order, so a callback queued now runs after them all. For checking
    that something did *not* happen, where there is no condition to wait for."""
    done: list[bool] = []
    app.call_later(done.append, True)
    await wait_until(pilot, lambda: done)


def screen_text(app) -> str:
    """The whole screen as plain text, as the learner sees it (what export_screenshot draws)."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False, safe_box=False)
    # (the compositor is private, but it is what Textual's own screenshots render)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_for_text(pilot, *texts: str, seconds: float = 30.0) -> str:
    """Let the app run until every one of `texts` shows on the screen; the screen's text."""
    try:
        await wait_until(pilot, lambda: all(text in screen_text(pilot.app) for text in texts),
                         seconds)
    except AssertionError:
        raise AssertionError(f"not all of {texts!r} shown after {seconds} s; the screen shows:"
                             f"\n{screen_text(pilot.app)}") from None
    return screen_text(pilot.app)


def _source(condition: Callable[[], object]) -> str:
    """The condition's own line of code, for a failure message that says what was awaited."""
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that builds the app does it through make_app: mark it, so that
    # -m "not e2e and not pilot" runs the core, the CLI and the layering checks alone.
    for item in items:
        if "make_app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pilot)


@pytest.fixture
def store(tmp_path: Path):
    """A fresh store in a temporary data directory."""
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def make_app(tmp_path: Path):
    """Build a GdtuiApp on a temporary data dir (and optionally another lesson dir)."""
    from gdtui.app import GdtuiApp

    stores: list[Store] = []

    def build(lessons_dir: Path | None = None, data_dir: Path | None = None, **options):
        opened = Store.open(data_dir or tmp_path / "data")
        stores.append(opened)
        return GdtuiApp(store=opened, lessons_dir=lessons_dir or default_lessons_dir(), **options)

    yield build
    for opened in stores:
        opened.close()


@pytest.fixture
def open_terminal():
    """Open tmux Terminals by command line (end-to-end tests); all are closed at the end."""
    opened: list[Terminal] = []

    def start(command: str) -> Terminal:
        opened.append(Terminal(command))
        return opened[-1]

    yield start
    for terminal in opened:
        terminal.close()


async def open_from_home(app, pilot, each):
    """Press the area's key on the home screen, as a learner does; its screen, once mounted and
    settled."""
    await pilot.press(each.key)
    name = each.module.rpartition(":")[2]
    await wait_until(pilot, lambda: type(app.screen).__name__ == name and app.screen.is_mounted)
    await pilot.pause()
    return app.screen
