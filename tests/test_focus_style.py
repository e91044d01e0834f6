"""The focused field is obvious without colour: under NO_COLOR a focused text box, list or
button differs from an unfocused one in more than a shade (reverse video), on every area."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Select

from gdtui.areas import AREAS
from tests.conftest import open_from_home, wait_until

BUILT = [each for each in AREAS if each.module]


@pytest.fixture
def no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is built


def look(app, widget) -> list[tuple[bool, bool, bool, bool]]:
    """The attributes other than colour of each cell the widget covers, as the terminal gets
    them (after the app's filters, which under NO_COLOR turn every colour grey). Cell by cell:
    a tall border draws its edge in reverse video whether focused or not."""
    region = widget.region
    strips = app.screen._compositor.render_strips()
    cells = []
    for y in range(region.y, region.bottom):
        strip = strips[y].crop(region.x, region.right)
        for line_filter in app.get_line_filters():
            strip = strip.apply_filter(line_filter, app.styles.background)
        for segment in strip:
            style = segment.style
            attributes = ((bool(style.reverse), bool(style.bold), bool(style.underline),
                           bool(style.italic)) if style is not None else (False,) * 4)
            cells.extend([attributes] * len(segment.text))
    return cells


@pytest.mark.parametrize("each", BUILT, ids=[each.name for each in BUILT])
async def test_focused_fields_and_buttons_stand_out_without_colour(make_app, no_color, each):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        screen = await open_from_home(app, pilot, each)
        for kind in (Input, Select, Button):
            # (the first one on screen: one below the fold shows nothing either way)
            widget = next((w for w in screen.query(kind) if w.focusable and w.region
                           and screen.region.contains_region(w.region)), None)
            if widget is None:
                continue
            widget.focus()
            await wait_until(pilot, lambda widget=widget: widget.has_focus)
            await pilot.pause()
            focused = look(app, widget)
            screen.set_focus(None)
            await wait_until(pilot, lambda widget=widget: not widget.has_focus)
            await pilot.pause()
            unfocused = look(app, widget)
            assert unfocused != focused, f"{widget!r} looks the same focused or not"
            assert any(now[0] and not before[0] for now, before in zip(focused, unfocused,
                                                                       strict=True)), widget
