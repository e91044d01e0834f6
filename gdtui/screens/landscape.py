"""The loss landscape screen: a map of the loss over two parameters, and two optimizers
walking downhill on it from a start point the learner picks."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from gdtui.course.progress import log_landscape_walks
from gdtui.help import help_text
from gdtui.landscape import DEFAULT_MODEL, MODELS, Explorer, parse_learning_rate, shade_levels
from gdtui.numbers import field_text, format_significant
from gdtui.widgets.field import FieldMessages, ValidatedField
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.loss_map import PALETTE, TRAIL_MARKS, LossMap, Trail

COLORS = ("#ffffff", "#ff5f5f")
FRAME_SECONDS = 0.1  # between animation frames: at most ten a second (fewer with `--fps`)
# Steps shown a second: the first SLOW_STEPS slowly, so the start of a walk can be followed.
SLOW_PACE, FAST_PACE, SLOW_STEPS = 20, 60, 40
PATH_LINES = ("title", "where", "what")  # the lines about each path, by id


class LandscapeScreen(Screen[None]):
    """Watch gradient descent, momentum and Adam walk downhill on a loss map."""

    HELP_TITLE = "Loss landscape"
    HELP = help_text("landscape")
    CSS_PATH = "../styles/landscape.tcss"
    AUTO_FOCUS = "#map"
    BUILD_AHEAD = True  # nothing on mount the learner did not ask for: built while at home
    # In the order the footer keeps them when 80 columns cannot hold them all (? always).
    BINDINGS = [
        Binding("left", "move(-1, 0)", "Start ←", show=False),
        Binding("right", "move(1, 0)", "Start →", show=False),
        Binding("up", "move(0, 1)", "Start ↑", show=False),
        Binding("down", "move(0, -1)", "Start ↓", show=False),
        Binding("1", "select(0)", "Edit path 1", show=False),
        Binding("2", "select(1)", "Edit path 2", show=False),
        Binding("space", "play", "Play"),
        Binding("o", "optimizer", "Optimizer"),
        Binding("left_square_bracket,minus", "rate(-1)", "Rate", key_display="[ ]"),
        Binding("right_square_bracket,plus", "rate(1)", "Rate", key_display="[ ]", show=False),
        Binding("b", "batch", "Batch"),
        Binding("m", "model", "Model"),
        Binding("c", "compare", "Path 2"),
        Binding("n", "step", "Step"),
        Binding("e", "end", "End"),
        Binding("g", "restart", "Again"),
    ]

    def __init__(self, model: str = "line", optimizer: str | None = None,
                 rate: str | float | None = None, batch: str | int | None = None) -> None:
        super().__init__()
        self.explorer = Explorer(model if model in MODELS else DEFAULT_MODEL)
        self._walk_asked(optimizer, rate, batch)
        self.shown = 0
        self.playing = True
        self.logged = False
        self._grids: dict[tuple[str, int, int], object] = {}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield LossMap(id="map")
            with Vertical(id="side"):
                yield Static(id="model-info")
                for index in range(2):
                    # a line each: a frame changes only the step and loss, and an update
                    # repaints all of a Static (each repainted cell crosses an SSH link)
                    with Vertical(id=f"path-{index}", classes="path"):
                        for part in PATH_LINES:
                            yield Static(id=f"path-{index}-{part}")
                        yield Static(id=f"path-{index}-batch")
                yield Static(id="rule")
                message = FieldMessages(id="message", classes="error")
                with Horizontal(id="rate-row"):
                    yield Label("", id="rate-label")
                    yield ValidatedField(self.explorer.walker.learning_rate, parse_learning_rate,
                                         text=field_text, messages=message, restore=True,
                                         id="rate", compact=True)
                yield message
        yield KeysFooter()

    def on_mount(self) -> None:
        # Started when the screen is shown: it may be built ahead, unseen (screens/kept.py).
        self._timer = self.set_interval(self.frame_seconds, self._tick, pause=True)
        self.refresh_all()

    def on_screen_suspend(self) -> None:
        # Kept while the learner is away (app.open_area): the walks wait where they were.
        if self._timer is not None:
            self._timer.pause()

    def on_screen_resume(self) -> None:
        if self._timer is not None:
            self._timer.resume()

    def reopen(self, model: str | None = None, optimizer: str | None = None,
               rate: str | float | None = None, batch: str | int | None = None) -> None:
        """Opened again from a link: on `model`'s landscape when given, else as it was; with
        an optimizer, a rate or a batch size, one walk of them, played from its start."""
        if model in MODELS and model != self.explorer.model.name:
            self.explorer.load_model(model)
            self.restart()
        if self._walk_asked(optimizer, rate, batch):
            self.restart()

    def _walk_asked(self, optimizer: str | None, rate: str | float | None,
                    batch: str | int | None = None) -> bool:
        """A link's optimizer, rate and batch size: the first walk takes them, the second
        hides, so the walk asked for is the one watched. False when the link asks for none."""
        if optimizer is None and rate is None and batch is None:
            return False
        self.explorer.show_walk(optimizer, None if rate is None else float(rate),
                                None if batch is None else int(float(batch)))
        return True

    @property
    def frame_seconds(self) -> float:
        """Seconds between two frames of the walks: FRAME_SECONDS, or longer with `--fps`
        (each frame then shows more steps, so a walk takes as long)."""
        return self.app.frame_seconds(FRAME_SECONDS)

    # -- drawing ---------------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Redraw the panel and the map after something changed."""
        explorer = self.explorer
        model = explorer.model
        w, b, loss = explorer.landscape.minimum
        self.query_one("#model-info", Static).update(Text.assemble(
            (model.title, "bold"), f"\n{model.formula}\n",
            ("★", "bold"), f" min   w {format_significant(w)} b {format_significant(b)} "
            f"L {format_significant(loss)}\n",
            ("◆", "bold"), f" start w {format_significant(explorer.start[0])} "
            f"b {format_significant(explorer.start[1])} ", ("←↑↓→", "dim")))
        self.query_one("#rule", Static).update("\n".join(explorer.rule()))
        self.query_one("#rate-label", Label).update(f"lr of path {explorer.selected + 1}")
        self.query_one("#rate", ValidatedField).show(explorer.walker.learning_rate)
        self.draw()

    def draw(self) -> None:
        """Show the paths up to the current step, on the map and in the panel."""
        explorer = self.explorer
        trails = []
        for index, (walker, path) in enumerate(zip(explorer.walkers, explorer.paths,
                                                   strict=True)):
            box = self.query_one(f"#path-{index}")
            box.display = walker.visible
            box.set_class(index == explorer.selected, "selected")
            if not walker.visible:
                continue
            where, what = explorer.status(index, self.shown)
            head = TRAIL_MARKS[index][2]  # the mark of this path's head on the map
            lines = (Text.assemble(f"{index + 1} ", (head, f"bold {COLORS[index]}"),
                                   f" {walker.title}"),
                     Text(f"  {where}"),
                     Text.assemble("  ", (what, "bold" if what != "walking…" else "")))
            for part, text in zip(PATH_LINES, lines, strict=True):
                line = box.query_one(f"#path-{index}-{part}", Static)
                if line.content != text:  # an update repaints the line even if unchanged
                    line.update(text)
            self._show_batch(index)
            trails.append(Trail(path.points[: self.shown + 1], COLORS[index]))
        map_widget = self.query_one(LossMap)
        w, b, _ = explorer.landscape.minimum
        map_widget.show(explorer.model.extent, self._levels(*map_widget.grid_size), (w, b),
                        explorer.start, trails)

    def _show_batch(self, index: int) -> None:
        """The line under a mini-batch walker: "batch 2 of 6 · epoch 34"; hidden otherwise."""
        text = self.explorer.batch_line(index, self.shown)
        line = self.query_one(f"#path-{index}-batch", Static)
        line.display = text is not None
        if text is not None and str(line.content) != f"  {text}":
            line.update(f"  {text}")

    def _levels(self, columns: int, rows: int):
        key = (self.explorer.model.name, columns, rows)
        if key not in self._grids:
            landscape = self.explorer.landscape
            self._grids[key] = shade_levels(landscape.grid(columns, rows),
                                            landscape.minimum[2], len(PALETTE))
        return self._grids[key]

    @on(LossMap.SizeChanged)
    def map_resized(self) -> None:
        self.draw()

    def _tick(self) -> None:
        if not self.playing:
            return
        if self.shown >= self.explorer.longest:
            self.playing = False
            self._log()
            return
        pace = SLOW_PACE if self.shown < SLOW_STEPS else FAST_PACE
        self.shown += max(1, round(pace * self.frame_seconds))
        self.shown = min(self.shown, self.explorer.longest)
        self.draw()

    def _log(self) -> None:
        if self.logged:
            return
        self.logged = True
        explorer = self.explorer
        log_landscape_walks(self.app.store, explorer.model.title,
                            [(explorer.label(index), outcome.text) for index, (walker, outcome)
                             in enumerate(zip(explorer.walkers, explorer.outcomes, strict=True))
                             if walker.visible])

    def restart(self) -> None:
        """Show the walks again from the first step."""
        self.shown = 0
        self.playing = True
        self.logged = False
        self.refresh_all()

    # -- keys ------------------------------------------------------------------------------

    def action_move(self, dw: int, db: int) -> None:
        """Move the start point one notch."""
        self.explorer.move_start(dw, db)
        self.restart()

    @on(LossMap.Picked)
    def map_clicked(self, event: LossMap.Picked) -> None:
        self.explorer.set_start(event.w, event.b)
        self.restart()

    def action_select(self, index: int) -> None:
        """Edit path 1 or 2."""
        self.explorer.select(index)
        self.query_one("#rate", ValidatedField).clear_error()
        self.refresh_all()

    def action_optimizer(self) -> None:
        """The next optimizer for the path being edited."""
        self.explorer.next_optimizer()
        self.restart()

    def action_rate(self, direction: int) -> None:
        """The learning rate of the path being edited, a rung up or down."""
        self.explorer.nudge_learning_rate(direction)
        self.query_one("#rate", ValidatedField).clear_error()
        self.restart()

    def action_batch(self) -> None:
        """The next batch size for the path being edited: 1, 2, 3 of the points, then all."""
        self.explorer.next_batch_size()
        self.restart()

    def action_play(self) -> None:
        """Play or pause the walks (from the start again once they are over)."""
        if self.shown >= self.explorer.longest:
            self.shown = 0
        self.playing = not self.playing
        self.draw()

    def action_step(self) -> None:
        """One more step of each walk."""
        self.playing = False
        self.shown = min(self.shown + 1, self.explorer.longest)
        self.draw()

    def action_end(self) -> None:
        """Show the whole walks."""
        self.playing = False
        self.shown = self.explorer.longest
        self._log()
        self.draw()

    def action_restart(self) -> None:
        """Play the walks again from the start point."""
        self.restart()

    def action_model(self) -> None:
        """Switch between the line fit and the sigmoid unit."""
        self.explorer.next_model()
        self.restart()

    def action_compare(self) -> None:
        """Show or hide path 2."""
        self.explorer.toggle_second()
        self.refresh_all()

    # -- the learning-rate box ---------------------------------------------------------------

    @on(ValidatedField.Accepted, "#rate")
    def rate_changed(self, event: ValidatedField.Accepted) -> None:
        self.explorer.set_learning_rate(event.value)
        self.restart()

    @on(Input.Submitted, "#rate")
    def rate_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(LossMap).focus()
