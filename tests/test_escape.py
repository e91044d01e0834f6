"""Escape inside a field leaves the field; only an escape with no field focused leaves the
screen. One rule on every screen (the app's), checked on every area that has a field."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from gdtui.areas import AREAS
from gdtui.screens.home import HomeScreen
from gdtui.widgets.field import FIELDS, in_field
from tests.conftest import open_from_home, wait_until

BUILT = [each for each in AREAS if each.module]


def fields(screen, kind=FIELDS):
    return [field for field in screen.query("*") if isinstance(field, kind) and field.focusable]


@pytest.mark.parametrize("each", BUILT, ids=[each.name for each in BUILT])
async def test_escape_leaves_the_field_first_then_the_screen(make_app, each):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_home(app, pilot, each)
        for field in fields(screen)[:2]:  # a text box or a list of each screen
            field.focus()
            await pilot.pause()
            assert in_field(screen)
            await pilot.press("escape")
            assert app.screen is screen, f"escape in {field!r} left the screen"
            assert not isinstance(screen.focused, FIELDS)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


def test_every_kind_of_screen_with_fields_is_covered():
    """Fields live on these areas; the test above must reach each (the lessons have none)."""
    assert {"cards", "guess", "lab", "backprop", "landscape"} <= {each.name for each in BUILT}


async def test_escape_after_enter_in_a_field_keeps_the_value_and_stays(make_app):
    """The walkthrough's "Enter, Esc": enter takes the value; escape then leaves the screen,
    and the value is there when the learner comes back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        stepper = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "backprop"))
        target = stepper.query_one("#target", Input)
        target.focus()
        target.value = ""
        await pilot.press("0", ".", "5", "escape")  # typed, then escape: out of the field
        assert app.screen is stepper and not in_field(stepper)
        assert stepper.stepper.target == 0.5  # leaving the field took the value
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_escape_closes_an_open_list_then_leaves_it_then_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "lab"))
        await pilot.press("e")  # to the settings: the dataset list
        assert isinstance(lab.focused, Select)
        await pilot.press("enter")  # open it
        await wait_until(pilot, lambda: lab.focused is not None
                         and type(lab.focused).__name__ == "SelectOverlay")
        await pilot.press("escape")  # the list closes; still on the list
        await wait_until(pilot, lambda: isinstance(lab.focused, Select))
        await pilot.press("escape")  # out of the list
        assert app.screen is lab and not in_field(lab)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_escape_in_a_dialog_field_closes_the_dialog(make_app):
    """A dialog's escape is its own: it closes, field or not."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "lab"))
        await pilot.press("s")  # save a preset: a dialog with a name field
        await wait_until(pilot, lambda: isinstance(app.screen.focused, Input)
                         and app.screen is not lab)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is lab)
