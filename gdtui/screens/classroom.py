"""The teacher's class screen: the summary, one row per learner, sortable, opening a learner.

Everything it shows comes from gdtui.serve.classroom (the same cells ``gdtui serve report``
prints); the stores are read in a thread, every few seconds, so the screen never waits on them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from gdtui.help import help_text
from gdtui.serve.classroom import COLUMNS, LearnerRow, cells, read_class, sort_rows, summarize
from gdtui.store import now
from gdtui.widgets.footer import KeysFooter

REFRESH_SECONDS = 3.0
GUESTS_ROW = "guests"
"""The key of the line that heads the guests."""


class ClassScreen(Screen[None]):
    """Every learner of a gdtui serve folder, for a teacher."""

    AREA = "class"  # what the teacher's own row says they are looking at
    HELP_TITLE = "Class"
    HELP = help_text("classroom")
    CSS_PATH = "../styles/classroom.tcss"
    BINDINGS = [
        Binding("enter", "open_learner", "Open learner"),
        Binding("s", "sort(1)", "Sort"),
        Binding("S", "sort(-1)", "Sort back", show=False),
        Binding("r", "reverse", "Reverse"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.rows: list[LearnerRow] = []
        self.read_at: datetime | None = None
        self.sort_column = 0
        self.descending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the class…", id="class-summary")
        # No padding: at 80 columns every column fits, each but the first with a space before.
        table: DataTable = DataTable(id="class-table", cursor_type="row", zebra_stripes=True,
                                     cell_padding=0)
        yield table
        yield Static("", id="class-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Class"
        self.sub_title = str(self.root)
        self.read_class()
        self.set_interval(REFRESH_SECONDS, self._tick)

    def _tick(self) -> None:
        # Kept while the teacher uses their own gdtui: read the class only while it is shown.
        if self.is_current:
            self.read_class()

    def on_screen_resume(self) -> None:
        if self.read_at is not None:  # back from the teacher's own gdtui: read it now
            self.read_class()

    @work(thread=True, exclusive=True, exit_on_error=False, group="class")
    def read_class(self) -> None:
        """Read every learner (in a thread: a busy store is waited for briefly, off the UI)."""
        course = self.app.course
        at = now()
        rows = read_class(self.root, course, at)
        summary = summarize(rows, course)
        self.app.call_from_thread(self.show, rows, summary.lines(), at)

    def show(self, rows: list[LearnerRow], summary: list[str], at: datetime) -> None:
        """Put what was read on the screen, keeping the cursor on the same learner."""
        self.rows, self.read_at = rows, at
        self.query_one("#class-summary", Static).update("\n".join(summary))
        self.redraw()

    def redraw(self) -> None:
        table = self.query_one("#class-table", DataTable)
        selected = self.selected_key()
        table.clear(columns=True)
        for index, column in enumerate(COLUMNS):
            mark = (" ▼" if self.descending else " ▲") if index == self.sort_column else ""
            gap = " " if index else ""
            table.add_column(gap + column.header + mark, key=column.key)
        ordered = sort_rows(self.rows, COLUMNS[self.sort_column].key, self.descending)
        guests_shown = False
        for row in ordered:
            if row.guest and not guests_shown:
                guests_shown = True
                table.add_row(Text("guests", style="italic"), key=GUESTS_ROW)
            shown = cells(row, self.read_at or now())
            style = "bold red" if row.unreadable else ""
            table.add_row(*(Text((" " if index else "") + cell, style=style)
                            for index, cell in enumerate(shown)), key=self.row_key(row))
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.query_one("#class-hint", Static).update(
            f"{len(self.rows)} learners · sorted by {COLUMNS[self.sort_column].header} · "
            "enter opens one · ? help" if self.rows else
            "No learner has logged in yet. This screen reads the class every few seconds.")

    @staticmethod
    def row_key(row: LearnerRow) -> str:
        return f"{'guest' if row.guest else 'user'}:{row.name}"

    def selected_key(self) -> str | None:
        table = self.query_one("#class-table", DataTable)
        if not table.row_count:
            return None
        key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return key.value

    def action_sort(self, step: int) -> None:
        """Sort by the next (1) or previous (-1) column."""
        self.sort_column = (self.sort_column + step) % len(COLUMNS)
        self.descending = False
        self.redraw()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.redraw()

    @on(DataTable.HeaderSelected)
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        """A click on a heading sorts by it; on the sorted one, reverses."""
        if event.column_index == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = event.column_index, False
        self.redraw()

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.row_key.value)

    def action_open_learner(self) -> None:
        self.open_row(self.selected_key())

    def open_row(self, key: str | None) -> None:
        row = next((row for row in self.rows if self.row_key(row) == key), None)
        if row is not None:
            from gdtui.screens.learner_detail import LearnerScreen

            self.app.push_screen(LearnerScreen(row, self.read_at or now()))
