"""The backprop stepper screen: one training step of a tiny network, a key press at a time."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static
from textual_plotext import PlotextPlot

from gdtui.confidence import parse_probability
from gdtui.course.progress import log_backprop_steps
from gdtui.help import help_text
from gdtui.numbers import field_text, format_significant
from gdtui.stepper import (
    ACTIVATION_CHOICES,
    NETWORKS,
    RUN_LENGTHS,
    STAGE_TITLES,
    STAGES,
    Stepper,
    parse_inputs,
    parse_learning_rate,
    parse_target,
    parse_weight,
)
from gdtui.widgets.field import FieldMessages, ValidatedField
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.network_diagram import NetworkDiagram
from gdtui.widgets.probability_slider import ProbabilitySlider

STAGE_MARKS = "①②③④⑤"
CHART_SECONDS = 0.1  # the loss chart is redrawn at most this often (or 1 / `gdtui --fps`)


class BackpropScreen(Screen[None]):
    """Forward, loss, backward, nudge check and update, every number from the engine."""

    HELP_TITLE = "Backprop stepper"
    HELP = help_text("backprop")
    CSS_PATH = "../styles/backprop.tcss"
    AUTO_FOCUS = "#explain-box"
    BUILD_AHEAD = True  # nothing on mount the learner did not ask for: built while at home
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    # In the order the footer keeps them when 80 columns cannot hold them all (? always).
    BINDINGS = [
        Binding("space,n", "next", "Next", key_display="space"),
        Binding("b", "back", "Step back"),
        Binding("p", "preset", "Network"),
        Binding("1", f"stage('{STAGES[0]}')", "Stage", key_display="1-5"),
        Binding("a", "activation", "σ/tanh"),
        Binding("w", "next_weight", "Weight"),
        Binding("c", "confidence", "−ln p"),  # before r: at 80 columns r leaves the footer
        Binding("r", f"run({RUN_LENGTHS[0]})", f"{RUN_LENGTHS[0]} steps"),
        Binding("R", f"run({RUN_LENGTHS[1]})", f"{RUN_LENGTHS[1]} steps", key_display="R",
                show=False),
        *(Binding(str(k), f"stage('{stage}')", f"Go to {STAGE_TITLES[stage].lower()}",
                  show=False) for k, stage in enumerate(STAGES, start=1) if k > 1),
    ]

    def __init__(self, preset: str = "hidden", target: str | float | None = None,
                 probability: str | float | None = None) -> None:
        super().__init__()
        self.stepper = Stepper(preset=preset if preset in NETWORKS else "hidden")
        self._target_asked(target)
        self._probability = probability  # opened on the probability slider at this p
        self._chart_drawn: tuple[float, ...] | None = None
        self._chart_size = Size(0, 0)
        # the weights in the list, to refill it only when the network changes shape
        self._listed: list[str] = self.stepper.weight_names

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stages")
        with Horizontal(id="top"):
            yield NetworkDiagram(id="diagram")
            yield PlotextPlot(id="loss-chart")
        with VerticalScroll(id="explain-box"):
            yield Static(id="explain")
        yield ProbabilitySlider(id="confidence")
        stepper, values = self.stepper, self.field_values()
        messages = FieldMessages(id="message", classes="error")
        # each field's reader asks the stepper as it is when the value is typed
        readers = {
            "inputs": lambda text: parse_inputs(text, self.stepper.n_inputs),
            "target": lambda text: parse_target(text, self.stepper.activation),
            "rate": parse_learning_rate,
            "weight-value": lambda text: parse_weight(text, self.stepper.chosen),
        }

        def field(name: str) -> ValidatedField:
            return ValidatedField(values[name], readers[name], messages=messages, restore=True,
                                  text=inputs_text if name == "inputs" else field_text,
                                  id=name, compact=True)

        with Horizontal(id="fields"):
            yield Label("x")
            yield field("inputs")
            yield Label("target")
            yield field("target")
            yield Label("rate")
            yield field("rate")
            yield Select([(name, name) for name in stepper.weight_names], value=stepper.chosen,
                         id="weight-choice", allow_blank=False, compact=True)
            yield field("weight-value")
        yield messages
        yield KeysFooter()

    def on_mount(self) -> None:
        self.set_interval(self.app.frame_seconds(CHART_SECONDS), self._draw_chart)
        self.fill_fields()
        self.show_step()
        if self._probability is not None:  # once shown, so the slider keeps the focus
            self.call_after_refresh(self.open_confidence, self._probability)

    def on_resize(self) -> None:
        self.show_step(keep_slider=True)

    def reopen(self, preset: str | None = None, target: str | float | None = None,
               probability: str | float | None = None) -> None:
        """Opened again from a link: on `preset`'s network when given, else as it was; at
        the link's target, if it names one; with `probability`, on the probability slider at
        that p."""
        if preset in NETWORKS and preset != self.stepper.preset:
            self.stepper.load_preset(preset)
            self.changed()
        if self._target_asked(target):
            self.changed()
        if probability is not None:
            self.open_confidence(probability)

    # -- the probability slider (lesson 2's cross-entropy, one example) -------------------------

    def open_confidence(self, probability: str | float | None = None) -> None:
        """Show the probability slider in place of the explanation, at `probability` if given
        (a value that is not a probability says why and keeps the slider where it was)."""
        slider = self.query_one(ProbabilitySlider)
        if probability is not None:
            try:
                slider.set_probability(parse_probability(probability))
            except ValueError as error:
                self.notify(str(error), severity="error")
        self._show_slider(True)

    def _show_slider(self, shown: bool) -> None:
        slider = self.query_one(ProbabilitySlider)
        if slider.display == shown:
            return
        slider.display = shown
        self.query_one("#explain-box").display = not shown
        (slider if shown else self.query_one("#explain-box")).focus()

    def action_confidence(self) -> None:
        """Show or hide the probability slider."""
        if self.query_one(ProbabilitySlider).display:
            self._show_slider(False)
        else:
            self.open_confidence()

    def _target_asked(self, target: str | float | None) -> bool:
        """Take a link's target (one the prediction can reach); False when there is none."""
        if target is None:
            return False
        try:
            self.stepper.set_target(float(target))
        except ValueError as error:
            if self.is_attached:
                self.notify(f"The link's target cannot be used: {error}.", severity="warning")
            return False
        return True

    # -- showing -----------------------------------------------------------------------------

    def show_step(self, keep_slider: bool = False) -> None:
        """Draw the stage bar, the diagram and the explanation of the current step (in place
        of the probability slider, unless `keep_slider`)."""
        if not keep_slider:
            self._show_slider(False)
        stepper, step = self.stepper, self.stepper.step
        wide = self.size.width >= 100
        bar = Text()
        for mark, stage in zip(STAGE_MARKS, STAGES, strict=True):
            style = "reverse bold" if stage == step.stage else "dim"
            title = STAGE_TITLES[stage] if wide else STAGE_TITLES[stage].split()[0]
            bar.append(f" {mark} {title} ", style)
        bar.append(f"  round {stepper.rounds + 1} · {stepper.position + 1}/"
                   f"{len(stepper.steps)}", "dim")
        self.query_one("#stages", Static).update(bar)
        self.query_one(NetworkDiagram).show(stepper.diagram(), stepper.target)
        # The round so far, earlier steps dimmed, scrolled so the current step is on top.
        text, current_line = Text(), 0
        for index, shown in enumerate(stepper.steps[: stepper.position + 1]):
            current = index == stepper.position
            if index:
                text.append("\n\n")
            current_line = text.plain.count("\n")
            text.append(shown.title, "bold underline" if current else "bold dim")
            for line in (*shown.formulas, *self._columns(shown.table)):
                text.append("\n" + line, "" if current else "dim")
            if shown.note:
                text.append("\n" + shown.note, "italic" if current else "italic dim")
        self.query_one("#explain", Static).update(text)
        box = self.query_one("#explain-box", VerticalScroll)
        self.call_after_refresh(box.scroll_to, y=current_line, animate=False)

    def _columns(self, lines: tuple[str, ...]) -> list[str]:
        """A long list of short lines side by side in two columns when there is room."""
        width = max((len(line) for line in lines), default=0) + 3
        room = self.query_one("#explain-box").content_size.width
        if len(lines) <= 5 or 2 * width > room:
            return list(lines)
        half = (len(lines) + 1) // 2
        return [left.ljust(width) + right
                for left, right in zip(lines[:half], [*lines[half:], ""], strict=True)]

    def _draw_chart(self) -> None:
        losses = tuple(self.stepper.losses)
        chart = self.query_one("#loss-chart", PlotextPlot)
        # The size too: a layout change (a wide terminal's breakpoint) resizes the chart
        # without a resize event on the screen, and the title depends on the height.
        if losses == self._chart_drawn and chart.size == self._chart_size:
            return
        self._chart_drawn, self._chart_size = losses, chart.size
        plt = chart.plt
        plt.clear_figure()
        if chart.size.height > 10:
            plt.title("loss after each update")
        every = max(1, len(losses) // 200)  # about two points a column is plenty
        shown = list(range(0, len(losses), every))
        plt.plot(shown, [losses[k] for k in shown], marker="braille", color="cyan+")
        plt.scatter([len(losses) - 1], [losses[-1]], marker="●", color="cyan+")
        last = max(len(losses) - 1, 1)
        plt.xlim(0, last)
        plt.xticks(sorted({0, last // 2, last}))
        top = max(max(losses), 1e-9)
        plt.ylim(0, top * 1.1)
        plt.yticks([0, top / 2, top], ["0", format_significant(top / 2), format_significant(top)])
        chart.refresh()

    def field_values(self) -> dict[str, object]:
        """What each field shows, by its id: the stepper's current values."""
        stepper = self.stepper
        return {"inputs": tuple(stepper.inputs), "target": stepper.target,
                "rate": stepper.learning_rate, "weight-value": stepper.weight(stepper.chosen)}

    def fill_fields(self) -> None:
        """Put the current values into the fields and the weight list."""
        stepper = self.stepper
        for name, value in self.field_values().items():
            self.query_one(f"#{name}", ValidatedField).show(value)
        choice = self.query_one("#weight-choice", Select)
        with self.prevent(Select.Changed):
            if self._listed != stepper.weight_names:
                self._listed = stepper.weight_names
                choice.set_options([(name, name) for name in self._listed])
            choice.value = stepper.chosen

    def changed(self) -> None:
        """Redraw everything after the network changed."""
        self.fill_fields()
        self.show_step()

    # -- keys ----------------------------------------------------------------------------------

    def action_next(self) -> None:
        """One step further; past the update, apply it."""
        before = self.stepper.loss()
        last = self.stepper.position == len(self.stepper.steps) - 1
        self.stepper.next()
        if last:
            self._log(1, before)
            self.fill_fields()
        self.show_step()

    def action_back(self) -> None:
        """One step back (into the previous update when at the start of a round)."""
        self.stepper.back()
        self.changed()

    def action_run(self, count: int) -> None:
        """Apply many updates in a row and show the loss chart falling."""
        before = self.stepper.loss()
        self.stepper.run(count)
        self._log(count, before)
        self.changed()

    def action_stage(self, stage: str) -> None:
        """Jump to the first step of a stage."""
        self.stepper.go_to(stage)
        self.show_step()

    def action_next_weight(self) -> None:
        """Choose the next weight for the nudge check and for editing."""
        names = self.stepper.weight_names
        self.stepper.choose(names[(names.index(self.stepper.chosen) + 1) % len(names)])
        self.changed()

    def action_activation(self) -> None:
        """Switch every unit between sigmoid and tanh."""
        now = ACTIVATION_CHOICES.index(self.stepper.activation)
        self.stepper.set_activation(ACTIVATION_CHOICES[(now + 1) % len(ACTIVATION_CHOICES)])
        self.notify(f"Every unit now uses {self.stepper.activation}.", timeout=3)
        self.changed()

    def action_preset(self) -> None:
        """The next starting network."""
        names = list(NETWORKS)
        name = names[(names.index(self.stepper.preset) + 1) % len(names)]
        self.stepper.load_preset(name)
        self.notify(f"Network: {NETWORKS[name].title}.", timeout=3)
        self.changed()

    def _log(self, count: int, before: float) -> None:
        log_backprop_steps(self.app.store, count, before, self.stepper.loss())

    # -- fields --------------------------------------------------------------------------------

    @on(Select.Changed, "#weight-choice")
    def weight_chosen(self, event: Select.Changed) -> None:
        # a late message from a list of another network's weights is ignored
        if event.value in self.stepper.weight_names and event.value != self.stepper.chosen:
            self.stepper.choose(event.value)
            self.changed()

    @on(ValidatedField.Accepted, "#fields Input")
    def field_changed(self, event: ValidatedField.Accepted) -> None:
        stepper, name, value = self.stepper, event.field.id or "", event.value
        change = {"inputs": stepper.set_inputs, "target": stepper.set_target,
                  "rate": stepper.set_learning_rate,
                  "weight-value": lambda value: stepper.set_weight(stepper.chosen, value)}
        try:
            if value != self.field_values()[name]:
                change[name](value)
        except ValueError as error:  # the network changed since the value was read
            event.field.refuse(str(error))
        self.changed()

    @on(Input.Submitted, "#fields Input")
    def field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#explain-box").focus()


def inputs_text(inputs: tuple[float, ...]) -> str:
    """The inputs as the field shows them: "1, 0.5"."""
    return ", ".join(field_text(value) for value in inputs)
