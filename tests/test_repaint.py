"""A frame of a live screen repaints only what changed.

Over SSH every repainted cell crosses the link with its colours, so the live widgets tell
Textual which lines changed (and up to which cell) instead of repainting themselves whole.
These tests watch the regions the widgets ask to repaint, and check them against the lines
that really differ from one frame to the next.
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from gdtui.training.picture import Points, Regions
from gdtui.widgets.guess_chart import GuessChart
from gdtui.widgets.loss_map import LossMap
from gdtui.widgets.model_panel import ModelPanel, RegionView
from gdtui.widgets.number_line import NumberLine
from gdtui.widgets.repaint import refresh_changed_lines


class Refreshes:
    """Records every refresh of a widget: the regions asked for, or "all" for a whole one."""

    def __init__(self, widget: Widget) -> None:
        self.calls: list[tuple[Region, ...] | str] = []
        original = widget.refresh

        def refresh(*regions: Region, **options):
            self.calls.append(regions or "all")
            return original(*regions, **options)

        widget.refresh = refresh  # type: ignore[method-assign]

    @property
    def regions(self) -> list[Region]:
        return [region for call in self.calls if call != "all" for region in call]

    @property
    def whole(self) -> bool:
        return "all" in self.calls


def lines(widget: Widget) -> list[Strip]:
    return [widget.render_line(y) for y in range(widget.size.height)]


def last_change(old: Strip, new: Strip) -> int:
    """The cell after the last one that differs (text or style) between two lines."""
    def cells(strip: Strip) -> list[tuple[str, Style | None]]:
        return [(char, segment.style) for segment in strip for char in segment.text]

    before, after = cells(old), cells(new)
    return max(x for x in range(max(len(before), len(after)))
               if before[x:x + 1] != after[x:x + 1]) + 1


def assert_repaints_exactly_the_changes(before: list[Strip], after: list[Strip],
                                        refreshes: Refreshes) -> set[int]:
    """The widget repainted each changed line up to its last change, and nothing else."""
    changed = {y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new}
    assert not refreshes.whole
    assert {region.y for region in refreshes.regions} == changed
    for region in refreshes.regions:
        assert region.x == 0 and region.height == 1
        assert region.width == last_change(before[region.y], after[region.y])
    return changed


def no_neighbours_alike(strip: Strip) -> bool:
    """Neighbouring cells of one style are one segment: each segment costs a colour change."""
    segments = [segment for segment in strip if segment.text]
    return all(a.style != b.style for a, b in zip(segments, segments[1:], strict=False))


class FakeWidget:
    def __init__(self) -> None:
        self.calls: list[tuple[Region, ...]] = []

    def refresh(self, *regions: Region) -> None:
        self.calls.append(regions)


def test_only_changed_lines_are_repainted_up_to_their_last_change():
    bold = Style(bold=True)
    old = [Strip([Segment("abcdef")]), Strip([Segment("ghijkl")]), Strip([Segment("mnopqr")])]
    new = [Strip([Segment("abcdef")]), Strip([Segment("ghXjkl")]),
           Strip([Segment("mnopq"), Segment("r", bold)])]  # a new style is a change too
    widget = FakeWidget()
    regions = refresh_changed_lines(widget, old, new)  # type: ignore[arg-type]
    assert regions == [Region(0, 1, 3, 1), Region(0, 2, 6, 1)]
    assert widget.calls == [tuple(regions)]
    # a line that was not there before is repainted whole; nothing changed, nothing repainted
    assert refresh_changed_lines(widget, old[:2], old) == [Region(0, 2, 6, 1)]  # type: ignore[arg-type]
    widget.calls.clear()
    assert refresh_changed_lines(widget, old, list(old)) == []  # type: ignore[arg-type]
    assert widget.calls == []


async def test_a_step_of_the_walks_repaints_only_the_map_lines_it_touches(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("landscape")
        await pilot.pause()
        await pilot.press("n")  # pause the walks, one step further
        screen = app.screen
        map_widget = screen.query_one(LossMap)
        titles = [Refreshes(screen.query_one(f"#path-{k}-{part}", Static))
                  for k in range(2) for part in ("title", "what")]
        steps = [Refreshes(screen.query_one(f"#path-{k}-where", Static)) for k in range(2)]
        before = lines(map_widget)
        refreshes = Refreshes(map_widget)
        await pilot.press("n")
        after = lines(map_widget)
        changed = assert_repaints_exactly_the_changes(before, after, refreshes)
        assert 0 < len(changed) <= 4  # the two paths' new steps, out of 22 lines
        assert all(no_neighbours_alike(line) for line in after)
        # the panel: only the lines with the step and the loss
        assert all(step.calls for step in steps)
        assert not any(title.calls for title in titles)

        await pilot.press("e")  # the end: nothing moves any more
        before = lines(map_widget)
        refreshes = Refreshes(map_widget)
        steps = [Refreshes(screen.query_one(f"#path-{k}-where", Static)) for k in range(2)]
        await pilot.press("e")
        assert lines(map_widget) == before
        assert refreshes.calls == [] and not any(step.calls for step in steps)


async def test_a_guess_repaints_only_what_moved_on_the_number_line_and_the_chart(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "none"
        app.open_area("guess", secret=80)
        await pilot.pause()
        await pilot.press("2", "n", "n")  # watch it learn: two guesses
        await pilot.pause()
        screen = app.screen
        number_line = screen.query_one("#watch-line", NumberLine)
        chart = screen.query_one("#watch-chart", GuessChart)
        line_before, chart_before = lines(number_line), lines(chart)
        line_refreshes, chart_refreshes = Refreshes(number_line), Refreshes(chart)
        await pilot.press("n")
        await pilot.pause()
        # the guess and its marker move; the labels under the line stay
        assert assert_repaints_exactly_the_changes(line_before, lines(number_line),
                                                   line_refreshes) == {0, 1}
        assert no_neighbours_alike(number_line.render_line(1))
        changed = assert_repaints_exactly_the_changes(chart_before, lines(chart),
                                                      chart_refreshes)
        assert 0 < len(changed) <= chart.size.height // 2


async def test_the_model_panel_repaints_only_the_region_lines_that_changed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("lab")
        await pilot.pause()
        panel = app.screen.query_one(ModelPanel)
        view = panel.query_one(RegionView)
        classes = np.array([[0, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 1]])  # row 0 is the bottom
        points = Points(columns=np.array([0]), rows=np.array([0]), colours=np.array([0]),
                        validation=np.array([False]))
        panel.show(Regions(classes, np.zeros_like(classes), points, 2), True)
        await pilot.pause()
        before = lines(view)
        panel_refreshes, view_refreshes = Refreshes(panel), Refreshes(view)
        panel.show(Regions(classes.copy(), np.zeros_like(classes), points, 2), True)
        assert panel_refreshes.calls == [] and view_refreshes.calls == []  # the same picture

        moved = classes.copy()
        moved[1, 1] = 0  # one cell of the middle line changes class
        panel.show(Regions(moved, np.zeros_like(moved), points, 2), True)
        await pilot.pause()
        assert panel_refreshes.calls == []  # its key in the border stays
        assert assert_repaints_exactly_the_changes(before, lines(view), view_refreshes) == {1}
        assert view_refreshes.regions == [Region(0, 1, 2, 1)]
