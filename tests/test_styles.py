"""Each screen's styles are its own: visiting one area never changes how another looks.

A screen's CSS_PATH file joins the whole app's stylesheet, so a bare `#settings` rule in one
file once styled every screen's `#settings` (the guessing game's settings row broke onto three
lines after the flashcards had been opened). Every rule is now nested under its screen.
"""

from __future__ import annotations

from textual.widget import Widget

from gdtui.areas import AREAS
from tests.conftest import wait_until

SIZE = (100, 30)


def style_print(screen) -> list[tuple[str, str]]:
    """(where, css) of every widget on a screen, in tree order."""
    found = []
    for widget in screen.walk_children(Widget, with_self=True):
        path = "/".join(f"{type(n).__name__}#{n.id}" for n in reversed(widget.ancestors_with_self)
                        if isinstance(n, Widget))
        found.append((path, widget.styles.css))
    return found


async def visit(app, pilot, name: str) -> list[tuple[str, str]]:
    app.open_area(name)
    await pilot.pause()
    # A lesson comes in part by part: compare it once it is all in.
    await wait_until(pilot, lambda: getattr(app.screen, "settled", True))
    await pilot.wait_for_scheduled_animations()
    seen = style_print(app.screen)
    app.go_home()
    await pilot.pause()
    return seen


async def test_no_area_changes_the_styles_of_another(make_app):
    alone = {}
    for each in AREAS:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            alone[each.name] = await visit(app, pilot, each.name)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for each in AREAS:  # every stylesheet is loaded once this loop is over
            await visit(app, pilot, each.name)
        for each in AREAS:
            after_all = await visit(app, pilot, each.name)
            changed = [(where, css) for (where, css), (_, before)
                       in zip(after_all, alone[each.name], strict=True) if css != before]
            assert changed == [], f"{each.name} looks different after the other areas"


async def test_the_guessing_game_settings_stay_on_one_row_after_flashcards(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for name in ("guess", "cards", "guess"):
            app.open_area(name)
            await pilot.pause()
            if name == "guess":
                assert app.screen.query_one("#settings").region.height == 1
            app.go_home()
            await pilot.pause()


async def test_the_backprop_chart_keeps_its_rows_after_the_lab(make_app):
    heights = []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for name in ("backprop", "lab", "backprop"):
            app.open_area(name)
            await pilot.pause()
            if name == "backprop":
                chart = app.screen.query_one("#loss-chart")
                heights.append((chart.region.height, chart.styles.border_top[0]))
            app.go_home()
            await pilot.pause()
    assert heights[0] == heights[1] == (8, "")
