"""Pilot tests of the typed field: a bad value gets a message and the last good value stays;
escape leaves a field first, then the screen."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from gdtui.widgets.field import FieldMessages, ValidatedField, leave_field_or_go_back


def parse_rate(text: str) -> float:
    value = float(text) if text.strip().replace(".", "", 1).isdigit() else -1.0
    if value <= 0:
        raise ValueError("learning rate must be a positive number")
    return value


def parse_steps(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError("steps must be a whole number")
    return int(text)


class Keys(Static, can_focus=True):
    """Where the screen's keys work."""


class Fields(Screen[None]):
    """Two fields sharing a message line, and a plain widget whose keys work."""

    BINDINGS = [Binding("escape", "leave", "Back")]

    def __init__(self, restore: bool = False, **line: bool) -> None:
        super().__init__()
        self.restore, self.line = restore, line
        self.accepted: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        line = FieldMessages(id="line", **self.line)
        yield ValidatedField(10.0, parse_rate, text="{:g}".format, messages=line,
                             restore=self.restore, id="rate")
        yield ValidatedField(20, parse_steps, messages=line, restore=self.restore, id="steps")
        yield line
        yield Keys("the keys", id="keys")

    @on(ValidatedField.Accepted)
    def taken(self, event: ValidatedField.Accepted) -> None:
        if event.value == 99:  # a value the field reads but this screen cannot use
            event.field.refuse("99 is taken")
            return
        self.accepted.append((event.field.id or "", event.value))

    def action_leave(self) -> None:
        leave_field_or_go_back(self, "#keys")


class FieldsApp(App[None]):
    def __init__(self, screen: Fields) -> None:
        super().__init__()
        self.fields = screen

    def on_mount(self) -> None:
        self.push_screen(self.fields)


def message(screen: Screen) -> str:
    line = screen.query_one("#line", FieldMessages)
    return str(line.render()) if line.display else ""


async def enter(pilot, selector: str, text: str) -> None:
    """Click a field, clear it, type `text` and press enter, as a learner would."""
    await pilot.click(selector)
    await pilot.press("home", "ctrl+k", *text, "enter")
    await pilot.pause()


async def test_a_bad_value_gets_a_message_and_the_last_good_value_stays():
    screen = Fields()
    async with FieldsApp(screen).run_test() as pilot:
        rate = screen.query_one("#rate", ValidatedField)
        await enter(pilot, "#rate", "abc")
        assert message(screen) == "learning rate must be a positive number (kept 10)"
        assert rate.good == 10.0 and rate.error is not None
        assert rate.value == "abc"  # left to fix
        assert screen.accepted == []
        await pilot.press("tab")  # leaving the field with the same text: nothing new
        assert message(screen) == "learning rate must be a positive number (kept 10)"

        await enter(pilot, "#steps", "many")
        assert message(screen) == ("learning rate must be a positive number (kept 10); "
                                   "steps must be a whole number (kept 20)")
        await enter(pilot, "#rate", "2.5")
        assert rate.good == 2.5 and rate.error is None
        assert screen.accepted == [("rate", 2.5)]
        assert message(screen) == "steps must be a whole number (kept 20)"  # still wrong
        await enter(pilot, "#steps", "30")
        assert screen.accepted == [("rate", 2.5), ("steps", 30)]
        assert message(screen) == ""
        await enter(pilot, "#steps", "30")  # the same value again is nothing new
        assert screen.accepted == [("rate", 2.5), ("steps", 30)]


async def test_a_field_that_restores_puts_the_kept_value_back():
    screen = Fields(restore=True)
    async with FieldsApp(screen).run_test() as pilot:
        rate = screen.query_one("#rate", ValidatedField)
        await enter(pilot, "#rate", "-1")
        assert message(screen) == "learning rate must be a positive number (kept 10)"
        assert rate.value == "10"
        await pilot.press("tab")  # the kept text is not news: the message stays
        assert message(screen) == "learning rate must be a positive number (kept 10)"
        rate.show(4.0)  # the program changes the value (a key that nudges it)
        assert rate.value == "4" and rate.good == 4.0
        assert rate.error is not None  # until cleared
        rate.clear_error()
        assert message(screen) == ""
        assert screen.accepted == []


async def test_a_shared_line_can_show_one_message_at_a_time_and_hide_when_empty():
    screen = Fields(one_at_a_time=True, hide_when_empty=True)
    async with FieldsApp(screen).run_test() as pilot:
        line = screen.query_one("#line", FieldMessages)
        assert not line.display
        await enter(pilot, "#rate", "x")
        await enter(pilot, "#steps", "y")
        assert line.display
        assert message(screen) == "steps must be a whole number (kept 20)"
        await enter(pilot, "#rate", "3")
        assert not line.display and message(screen) == ""


async def test_escape_leaves_the_field_first_then_the_screen():
    screen = Fields()
    async with FieldsApp(screen).run_test() as pilot:
        await pilot.click("#rate")
        assert isinstance(screen.focused, Input)
        await pilot.press("escape")
        assert pilot.app.screen is screen and screen.focused is screen.query_one(Keys)
        await pilot.press("escape")
        assert pilot.app.screen is not screen


async def test_the_screen_can_refuse_a_value_the_field_read():
    screen = Fields()
    async with FieldsApp(screen).run_test() as pilot:
        steps = screen.query_one("#steps", ValidatedField)
        await enter(pilot, "#steps", "30")
        await enter(pilot, "#steps", "99")
        assert message(screen) == "99 is taken (kept 30)"
        assert steps.good == 30 and screen.accepted == [("steps", 30)]
