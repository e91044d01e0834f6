"""The footer: which keys fit, and the line a screen shows, clicks and all."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

from gdtui.widgets.footer import FooterKey, KeysFooter, drop_order, entry_width, fit_keys
from tests.conftest import wait_until


def key(display: str, description: str, action: str = "") -> FooterKey:
    names = {"esc": "escape"}
    return FooterKey(names.get(display, display), display, description, True,
                     action or description.lower())


def test_every_key_is_kept_when_there_is_room_and_drawn_closer_when_there_is_less():
    keys = [key("q", "Quit"), key("?", "Help", "help")]
    assert fit_keys(keys, 80) == (False, keys)
    assert sum(entry_width(k) for k in keys) == len(" q Quit  ? Help ")
    assert sum(entry_width(k, compact=True) for k in keys) == len("q Quit ? Help ")
    assert fit_keys(keys, len("q Quit ? Help ")) == (True, keys)


def test_the_palette_quit_and_back_go_first_then_the_screens_keys_from_the_last():
    keys = [key("a", "Alpha"), key("b", "Bravo"), key("?", "Help", "help"), key("z", "Zulu"),
            key("q", "Quit"), key("esc", "Back"), key("^p", "palette", "command_palette")]
    assert drop_order(keys) == [keys[6], keys[5], keys[4], keys[3], keys[1], keys[0]]
    own_back = key("b", "Back")  # a screen's own "back" is one of its keys, not the app's
    assert drop_order([own_back, keys[5]]) == [keys[5], own_back]
    width = entry_width(keys[0], True) + entry_width(keys[2], True)
    assert fit_keys(keys, width) == (True, [keys[0], keys[2]])


def test_a_footer_never_needs_more_than_its_width_unless_help_alone_is_wider():
    keys = [key(str(n), f"Action number {n}") for n in range(9)] + [key("?", "Help", "help")]
    for width in range(0, 120):
        compact, kept = fit_keys(keys, width)
        used = sum(entry_width(k, compact) for k in kept)
        assert used <= max(width, entry_width(keys[-1], compact=True))
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
        assert footer_line(app) == "x Ring ? Help "
