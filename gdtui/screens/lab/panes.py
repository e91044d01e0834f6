"""The Training Lab's right side: the status lines, the loss chart, the model panel and the
network view (`v`: in the model panel's place on a small terminal, with it on a large one).

`LabPanes.show(frame, running)` draws one frame, a copy made by training.view.make_frame, so
drawing never needs the session. `picture_wanted()` says when a frame should bring a new
model picture: while training, it changes slowly and costs the most bytes over a slow link.
"""

from __future__ import annotations

import time
from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Container, Vertical

from gdtui.training.view import Frame, Snapshot, model_title, network_text
from gdtui.widgets.lab_status import LabStatus
from gdtui.widgets.loss_chart import LossChart
from gdtui.widgets.model_panel import ModelPanel
from gdtui.widgets.network_panel import NetworkPanel
from gdtui.widgets.network_view import NetworkView

REDRAW_SECONDS = 0.1  # at most ten redraws a second
# While training, at most about 1/REDRAW_BUDGET of the time goes to drawing (the UI thread's,
# and the worker's copying out frames), so training (which shares Python's one interpreter
# lock with the UI) keeps the rest.
REDRAW_BUDGET = 12
# While training, the model picture is redrawn at most once a second, and at most a quarter as
# often as the chart.
PICTURE_SECONDS = 1.0
PICTURE_SHARE = 4


class RedrawPace:
    """When the lab's timer may redraw: paused, only when something changed (`stale`);
    training, no sooner than the drawing budget allows."""

    def __init__(self) -> None:
        self.stale = True  # redraw at the next tick, even while paused
        self._next_redraw = 0.0
        self._ui_time = time.thread_time()

    def due(self, running: bool, busy: bool, worker_seconds: float, seconds: float) -> bool:
        """Whether to redraw now: `busy` while the worker still builds the last frame asked
        for, `worker_seconds` its time on frames so far, `seconds` the timer's interval."""
        now = time.perf_counter()
        if running:
            if now < self._next_redraw or busy:
                return False
        elif not self.stale:
            return False
        self.stale = False
        # The time spent drawing since the last redraw (the UI thread's, and the worker's on
        # the frame) sets how soon the next may come: the worker keeps most of the interpreter.
        cpu = time.thread_time() + worker_seconds
        budget = min(REDRAW_BUDGET * (cpu - self._ui_time), 1.0)
        # (a little under the timer's interval, so a tick that comes early is not skipped)
        self._next_redraw = now + max(budget, 0.9 * seconds)
        self._ui_time = cpu
        return True


class LabPanes(Vertical):
    """Status lines above the loss chart and the model panel (side by side when wide)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.steps_per_second: float | None = None
        self._rate_mark: tuple[float, int] | None = None
        self._next_picture = 0.0
        self._picture_size: tuple[int, int] | None = None
        self._interval: int | None = None  # steps between evaluations, for the chart's title
        self.unit: tuple[int, int] | None = None  # the unit the model panel draws (None: all)

    def compose(self) -> ComposeResult:
        yield LabStatus(id="lab-status")
        with Container(id="panels"):
            yield LossChart(id="loss-chart")
            yield ModelPanel(id="model-panel")
            yield NetworkPanel(id="network-panel")

    def on_mount(self) -> None:
        self._title_chart()

    def picture_wanted(self, now: float, running: bool,
                       redraw_seconds: float) -> tuple[int, int] | None:
        """The size of model picture the next frame should bring, or None to keep the last.

        Paused, or at a new size, every frame brings one; while training, one a second at
        most, and at most every PICTURE_SHARE-th redraw.
        """
        size = self.query_one(ModelPanel).picture_size()
        if running and now < self._next_picture and size == self._picture_size:
            return None
        self._picture_size = size
        self._next_picture = now + max(PICTURE_SECONDS, PICTURE_SHARE * redraw_seconds)
        return size

    def picture_due(self) -> None:
        """The next frame brings a new picture (and the network's insides), even while
        training: the learner changed what they show."""
        self._next_picture = 0.0

    def insides_wanted(self, picture: tuple[int, int] | None) -> tuple[int, int] | None:
        """The map size of the network's insides the next frame should bring, with the
        picture (None: the network view is hidden, or the picture is kept)."""
        panel = self.query_one(NetworkPanel)
        return panel.map_size() if picture is not None and panel.display else None

    def on_network_view_selected(self, event: NetworkView.Selected) -> None:
        # The model panel draws the unit selected, unless it is the one output (the panel's
        # own picture says more) or the data has no plane to draw it over.
        insides = self.query_one(NetworkView).insides
        if insides is None or insides.maps[event.layer] is None or (
                insides.layer_sizes[-1] == 1 and event.layer == len(insides.layer_sizes) - 1):
            self.unit = None
        else:
            self.unit = (event.layer, event.unit)

    def show(self, frame: Frame, running: bool) -> Snapshot:
        """Draw a frame; returns its view, with the losses as the chart thinned them."""
        chart, panel = self.query_one(LossChart), self.query_one(ModelPanel)
        # the chart thins the losses its own way, so its points stay put between redraws
        view = replace(frame.view, losses=chart.thin(frame.evaluations, frame.view.best))
        self._measure_speed(view.step, running)
        chart.show(view.losses, view.changes)
        self._interval = view.evaluation_interval
        self._title_chart()
        if frame.picture_size is not None:
            panel.show(frame.picture, view.is_classification)
        if frame.insides is not None:
            self.query_one(NetworkPanel).show(frame.insides)
        network = network_text(view.layer_sizes, view.settings)
        title = model_title(view)
        if self.unit is not None and (insides := self.query_one(NetworkView).insides):
            title = f"unit {insides.name(*self.unit)} of {network}: its output"
        if panel.border_title != title:
            panel.border_title = title
        self.query_one(LabStatus).show(view, running, self.steps_per_second)
        return view

    def toggle_log_scale(self) -> None:
        """Switch the loss chart between a log and a linear scale."""
        self.query_one(LossChart).toggle_log_scale()
        self._title_chart()

    def _measure_speed(self, step: int, running: bool) -> None:
        now = time.perf_counter()
        if not running:
            self.steps_per_second, self._rate_mark = None, None
        elif self._rate_mark is None:
            self._rate_mark = (now, step)
        elif now - self._rate_mark[0] >= 1.0:
            then, then_step = self._rate_mark
            self.steps_per_second = (step - then_step) / (now - then)
            self._rate_mark = (now, step)

    def _title_chart(self) -> None:
        chart = self.query_one(LossChart)
        title = chart.title(self._interval)
        if chart.border_title != title:  # setting it repaints the border, even unchanged
            chart.border_title = title
