"""The footer: which keys fit, and the line a screen shows, clicks and all."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

from gdtui.widgets.footer import FooterKey, KeysFooter, entry_width, fit_keys
from tests.conftest import wait_until


def key(display: str, description: str, action: str = "") -> FooterKey:
    return FooterKey(display, display, description, True, action or description.lower())


def test_every_key_is_kept_when_there_is_room():
    keys = [key("q", "Quit"), key("?", "Help", "help")]
    assert fit_keys(keys, 80) == keys
    assert sum(entry_width(k) for k in keys) == len(" q Quit  ? Help ")


def test_keys_are_left_out_from_the_end_but_help_stays():
    keys = [key("a", "Alpha"), key("b", "Bravo"), key("?", "Help", "help"), key("z", "Zulu")]
    width = entry_width(keys[0]) + entry_width(keys[2])
    assert fit_keys(keys, width) == [keys[0], keys[2]]


def test_a_footer_never_needs_more_than_its_width_unless_help_alone_is_wider():
    keys = [key(str(n), f"Action number {n}") for n in range(9)] + [key("?", "Help", "help")]
    for width in range(0, 120):
        kept = fit_keys(keys, width)
        assert sum(entry_width(k) for k in kept) <= max(width, entry_width(keys[-1]))
        assert keys[-1] in kept
        assert kept == [k for k in keys if k in kept]  # the order is kept


class Bell(App):
    """A key that shows in the footer only while `ringing`, and one that is always there."""

    BINDINGS = [("x", "ring", "Ring"), ("y", "count", "Count"),
                ("question_mark", "help", "Help")]
    ringing = True
    counted = 0

    def compose(self) -> ComposeResult:
        yield Label("bell")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple) -> bool:
        return self.ringing or action != "ring"

    def action_ring(self) -> None:
        self.bell()

    def action_count(self) -> None:
        self.counted += 1

    def action_help(self) -> None:
        pass


def footer_line(app: App) -> str:
    return app.screen.query_one(KeysFooter).render().plain


async def test_the_footer_shows_the_keys_and_follows_them():
    app = Bell()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "x Ring" in footer_line(app))
        assert footer_line(app).startswith(" x Ring  y Count  ? Help ")
        app.ringing = False
        app.refresh_bindings()
        await wait_until(pilot, lambda: "Ring" not in footer_line(app))


async def test_a_click_on_a_key_presses_it():
    app = Bell()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "y Count" in footer_line(app))
        footer = app.screen.query_one(KeysFooter)
        column = footer_line(app).index("y Count")
        await pilot.click(KeysFooter, offset=(column + 2, 0))
        await wait_until(pilot, lambda: app.counted == 1)
        await pilot.click(KeysFooter, offset=(footer.size.width - 1, 0))  # past the keys
        await pilot.pause()
        assert app.counted == 1


async def test_a_narrow_footer_keeps_whole_keys_and_help():
    app = Bell()
    async with app.run_test(size=(20, 10)) as pilot:
        await wait_until(pilot, lambda: "? Help" in footer_line(app))
        assert footer_line(app) == " x Ring  ? Help "
