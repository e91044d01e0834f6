"""Pilot tests under NO_COLOR: no information is carried by colour alone.

Textual reads NO_COLOR when the app is built and then turns every colour grey, so each test
sets it first and checks that the characters on screen still tell things apart: low from
high loss, one class's region from the other's, the guess from the secret, right from wrong.
"""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Input, Static

from gdtui.training.picture import Points, Regions
from gdtui.widgets.card import RIGHT_CHOICE, WRONG_CHOICE
from gdtui.widgets.guess_chart import GuessChart, SweepChart
from gdtui.widgets.loss_map import GUTTER, LEGEND, SHADES, LossMap, shade
from gdtui.widgets.model_panel import REGION_GLYPHS, TRAIN_GLYPHS, ModelPanel, RegionView
from gdtui.widgets.network_diagram import NetworkDiagram
from gdtui.widgets.number_line import BAND, GUESS, POSSIBLE, SECRET, NumberLine
from tests.conftest import wait_for_text, wait_until

CHOICE_CARDS = """---
id: choices
title: Choices
order: 1
minutes: 2
summary: s
---
# Choices

Text.

## Flashcards

Q: Which loss suits categories?
- [ ] Mean squared error
- [x] Cross-entropy
- [ ] Absolute error

Q: Which way does a weight with a positive gradient move?
- [ ] Up
- [x] Down
- [ ] Nowhere
"""


@pytest.fixture
def no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def lines_of(widget) -> list[str]:
    """What a line-API widget draws, line by line."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def open_area(app, pilot, area: str):
    app.open_area(area)
    await pilot.pause()
    return app.screen


@pytest.mark.usefixtures("no_color")
async def test_help_and_card_stats_open_in_monochrome(make_app):
    # (the other areas are opened in monochrome by the tests below, the lessons end to end)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await pilot.press("2", "question_mark")  # the flashcards, their help
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "s")  # and their statistics
        await pilot.pause()
        assert type(app.screen).__name__ == "CardStatsScreen"
        assert "Retention" in text_of(app, "#stats-figures")


@pytest.mark.parametrize("colour", ["NO_COLOR", "colour"])
async def test_the_loss_map_shades_low_and_high_loss_differently(make_app, monkeypatch,
                                                                  colour):
    if colour == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "landscape")
        await pilot.press("c", "e")  # hide path 2; path 1 walked to the end
        map_widget = screen.query_one(LossMap)
        columns, rows = map_widget.grid_size
        drawn = lines_of(map_widget)
        levels = map_widget.levels
        by_level: dict[int, set[str]] = {}
        for line in range(rows // 2):
            for column in range(columns):
                level = int((levels[2 * line, column] + levels[2 * line + 1, column]) // 2)
                by_level.setdefault(level, set()).add(drawn[line][GUTTER + column])
        lowest, highest = min(by_level), max(by_level)
        assert shade(lowest) in by_level[lowest] and shade(highest) in by_level[highest]
        assert by_level[highest] == {"█"}  # nothing is drawn on the highest walls
        assert shade(lowest) != shade(highest)
        the_map = "".join(drawn[: rows // 2])
        assert the_map.count("★") == 1 and the_map.count("◆") == 1
        assert LEGEND in drawn[-1] and "★ min" in drawn[-1] and "● path 1" in drawn[-1]


@pytest.mark.usefixtures("no_color")
async def test_the_two_paths_on_the_loss_map_have_their_own_marks(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "landscape")
        await pilot.press("e")  # both walks to the end
        drawn = "".join(lines_of(screen.query_one(LossMap)))
        assert "•" in drawn and "×" in drawn  # path 1's steps, path 2's steps
        assert not set(SHADES) & {"•", "×", "●", "■", "★", "◆"}


@pytest.mark.usefixtures("no_color")
async def test_the_two_classes_regions_and_points_differ_by_character(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "lab")
        picture = "".join(lines_of(screen.query_one(RegionView)))
        for glyph in (*REGION_GLYPHS[:2], *TRAIN_GLYPHS[:2]):
            assert glyph in picture
        assert "●- 0  ▲+ 1" in screen.query_one(ModelPanel).border_subtitle

        # every cell shows its class's character, except where a point sits
        classes = np.array([[0, 0, 1, 1], [0, 1, 1, 1]])  # row 0 is the bottom
        points = Points(columns=np.array([0, 3]), rows=np.array([0, 1]),
                        colours=np.array([0, 1]), validation=np.array([False, True]))
        view = screen.query_one(RegionView)
        view.show(Regions(classes, np.zeros_like(classes), points, 2))
        assert [view.render_line(y).text[:4] for y in range(2)] == ["-++△", "●-++"]


@pytest.mark.usefixtures("no_color")
async def test_the_number_line_marks_guess_secret_and_band_with_their_own_symbols(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "guess")
        secret = screen.query_one("#secret", Input)
        secret.value = "80"
        secret.focus()
        await pilot.press("enter", "2", "n")  # watch it learn: the first guess, 50
        await pilot.pause()
        guess_row, axis, labels = str(screen.query_one("#watch-line", NumberLine)
                                      .render()).split("\n")
        assert "▼ 50" in guess_row and "▲ secret 80" in labels
        assert axis.index(GUESS) < axis.index(BAND) < axis.index(SECRET)
        assert len({GUESS, SECRET, BAND, POSSIBLE}) == 4
        chart = str(screen.query_one("#watch-chart", GuessChart).render())
        assert "◆ secret 80" in chart and "·····" in chart  # the secret named, its band dotted

        await pilot.press("1", "h")  # you keep the secret: "too high" to 50
        await pilot.pause()
        axis = str(screen.query_one("#keep-line", NumberLine).render()).split("\n")[1]
        assert POSSIBLE * 5 in axis and BAND not in axis


@pytest.mark.usefixtures("no_color")
async def test_the_learning_rate_sweep_tells_its_two_lines_apart_by_marker(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "guess")
        await pilot.press("3")
        await pilot.pause()
        summary = str(screen.query_one("#sweep-summary", Static).render())
        assert "• average guesses (left), x % missed (right)" in summary
        assert "Cyan" not in summary
        chart = str(screen.query_one(SweepChart).render())
        assert "•••" in chart and "xxx" in chart


@pytest.mark.usefixtures("no_color")
async def test_the_backprop_diagram_boxes_the_units_being_computed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(app, pilot, "backprop")
        await pilot.press("space")  # the forward pass reaches the first hidden units
        await pilot.pause()
        drawn = str(screen.query_one(NetworkDiagram).render())
        focused = [unit.name for layer in screen.stepper.diagram() for unit in layer
                   if unit.focus]
        assert focused
        for name in focused:
            assert f"┏{name}━" in drawn
        assert drawn.count("┏") == len(focused)
        assert "?" in drawn  # units not computed yet


@pytest.mark.usefixtures("no_color")
async def test_a_right_and_a_wrong_choice_say_so_in_words(make_app, tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "01-choices.md").write_text(CHOICE_CARDS, encoding="utf-8")
    app = make_app(tmp_path / "lessons")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards", seed=3)
        await wait_for_text(pilot, "Review (r)")
        await pilot.press("r")
        await wait_for_text(pilot, "Review · 0 done")

        def keys() -> tuple[str, list[str]]:
            """The number shown beside the right option and those beside the wrong ones (the
            options are shuffled at each showing)."""
            session = app.screen.session
            right = [str(position) for position, index in enumerate(session.order, start=1)
                     if session.current.choices[index].correct]
            return right[0], [str(n) for n in range(1, len(session.order) + 1)
                              if str(n) not in right]

        right, _ = keys()
        await pilot.press(right)
        await wait_until(pilot, lambda: text_of(app, "#answer").startswith("✓ Right!"))
        assert text_of(app, f".choice-{right}").endswith(RIGHT_CHOICE)
        await pilot.press("space")  # next card, a wrong pick
        await wait_for_text(pilot, "Review · 1 done")
        right, (wrong, other, *_) = keys()
        await pilot.press(wrong)
        await wait_until(pilot, lambda: text_of(app, "#answer").startswith("✗ Not quite."))
        assert text_of(app, f".choice-{wrong}").endswith(WRONG_CHOICE)
        assert text_of(app, f".choice-{right}").endswith(RIGHT_CHOICE)
        assert WRONG_CHOICE not in text_of(app, f".choice-{other}")


async def test_the_highlighted_row_of_a_list_is_underlined_without_colour(make_app, no_color):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        def underlined_rows(selector: str) -> list[int]:
            widget = app.screen.query_one(selector)
            return [y for y in range(widget.size.height)
                    if any(s.style and s.style.underline for s in widget.render_line(y)
                           if s.text.strip())]

        assert underlined_rows("#areas") == [0, 1]  # the first option has two lines
        await pilot.press("down")
        assert underlined_rows("#areas") == [2, 3]
        await pilot.press("1")
        await pilot.pause()
        app.screen.query_one("#lesson-list").focus()
        await pilot.pause()
        assert underlined_rows("#lesson-list")  # the lesson list shows its cursor too
