"""Every key can be found at 80x24: each screen's footer is whole (no key cut off at the edge,
no stray letters), shows `?`, and, on the screens where it matters, the keys the help relies on.
The areas come from the registry, so a new screen is checked too."""

from __future__ import annotations

import pytest

from gdtui.areas import AREAS
from gdtui.screens.help import HelpScreen
from gdtui.screens.home import HomeScreen
from gdtui.widgets.footer import FooterKey, KeysFooter
from tests.conftest import open_from_home, screen_text, wait_until

BUILT = [each for each in AREAS if each.module]
# Keys a screen's footer must show at 80x24, beyond `?` (a key display, then its words).
MUST_SHOW = {
    "home": ["c Continue reading"],
    "backprop": ["space Next", "b Step back", "p Network", "1-5 Stage", "a σ/tanh"],
    "landscape": ["m Model", "c Path 2", "o Optimizer", "space Play"],
}


def footer_of(app) -> KeysFooter:
    footers = [footer for footer in app.screen.query(KeysFooter) if footer.display]
    assert len(footers) == 1, f"{type(app.screen).__name__} shows {len(footers)} footers"
    return footers[0]


def shown_keys(footer: KeysFooter) -> list[FooterKey]:
    return footer.shown()


def key_text(key: FooterKey) -> str:
    return " ".join(f"{key.display} {key.description}".split())


def footer_problems(app) -> list[str]:
    """What is wrong with the footer as drawn: a row wider than the screen, or anything on its
    row that is not a whole key."""
    footer = footer_of(app)
    keys = shown_keys(footer)
    problems = []
    drawn = footer.render()
    if drawn.cell_len > footer.region.width:
        problems.append(f"the keys take {drawn.cell_len} columns of {footer.region.width}")
    row = screen_text(app).splitlines()[footer.region.y]
    wanted = " ".join(key_text(key) for key in keys)
    if row.split() != wanted.split():
        problems.append(f"the row reads {row.strip()!r}, the keys are {wanted!r}")
    return problems


def assert_whole(app, must_show: list[str], help_key: str = "? Help") -> None:
    assert footer_problems(app) == []
    texts = [key_text(key) for key in shown_keys(footer_of(app))]
    for wanted in [help_key, *must_show]:
        assert wanted in texts, f"{wanted!r} is not in the footer: {texts}"


@pytest.mark.parametrize("each", BUILT, ids=[each.name for each in BUILT])
async def test_every_area_footer_is_whole_at_80x24(make_app, each):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_home(app, pilot, each)
        await wait_until(pilot, lambda: shown_keys(footer_of(app)))
        assert_whole(app, MUST_SHOW.get(each.name, []))


async def test_the_home_footer_is_whole_and_shows_no_key_that_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert_whole(app, MUST_SHOW["home"])
        texts = [key_text(key) for key in shown_keys(footer_of(app))]
        assert not any(text.startswith("esc") for text in texts)


async def test_the_help_screen_says_how_to_close_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        assert_whole(app, [], help_key="esc Close help")  # where `?` closes it


async def test_a_narrow_footer_leaves_out_keys_but_keeps_help(make_app):
    app = make_app()
    async with app.run_test(size=(60, 18)) as pilot:  # home works down to 60x18
        await pilot.pause()
        assert_whole(app, [])
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: "q Quit" in [key_text(key)
                                                     for key in shown_keys(footer_of(app))])
        assert_whole(app, MUST_SHOW["home"])
