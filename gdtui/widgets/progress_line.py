"""A progress bar that is one widget: cheap to build on a screen that must start fast."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from textual.app import RenderResult
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget

BAR_WIDTH = 32
PERCENT_WIDTH = 5


class ProgressLine(Widget):
    """Looks like Textual's ProgressBar without an ETA (a 32-cell bar, then the percentage),
    but is drawn by one widget: Textual's builds three, with a timer that wakes every second
    to recompute an estimate nobody sees."""

    COMPONENT_CLASSES = {"progress-line--bar", "progress-line--complete"}
    DEFAULT_CSS = f"""
    ProgressLine {{
        width: {BAR_WIDTH + PERCENT_WIDTH};
        height: 1;
        & > .progress-line--bar {{
            color: $primary;
            background: $surface;
        }}
        & > .progress-line--complete {{
            color: $success;
            background: $surface;
        }}
    }}
    """

    progress: reactive[int] = reactive(0)
    total: reactive[int] = reactive(1)

    def __init__(self, progress: int = 0, total: int = 1, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ProgressLine.progress, progress)
        self.set_reactive(ProgressLine.total, total)

    @property
    def share(self) -> float:
        """How much is done, 0 to 1."""
        return min(1.0, self.progress / self.total) if self.total > 0 else 1.0

    def render(self) -> RenderResult:
        share = self.share
        # As Textual's bar draws: the done part in the bar's colour, the rest in its background.
        style = self.get_component_rich_style(
            "progress-line--complete" if share >= 1 else "progress-line--bar")
        bar = Bar(highlight_range=(0, BAR_WIDTH * share), width=BAR_WIDTH,
                  highlight_style=Style.from_color(style.color),
                  background_style=Style.from_color(style.bgcolor))
        line = Table.grid()
        line.add_column(width=BAR_WIDTH)
        line.add_column(width=PERCENT_WIDTH, justify="right")
        line.add_row(bar, f"{round(share * 100)}%")
        return line
