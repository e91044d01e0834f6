"""One learner, opened from the class screen: their figures, the cards they miss most, and what
they did last (gdtui.serve.classroom.detail_lines)."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from gdtui.serve.classroom import LearnerRow, card_questions, detail_lines
from gdtui.widgets.footer import KeysFooter


class LearnerScreen(Screen[None]):
    """A learner's detail, as the class screen last read it; escape goes back to the class."""

    AREA = "class"
    HELP_TITLE = "A learner"
    CSS_PATH = "../styles/classroom.tcss"
    HELP = ("One learner as the class screen last read them: where they are, their figures (the "
            "columns of the class table), the flashcards they graded *Again* most often with "
            "their questions, and their recent activity, newest first. Escape goes back to the "
            "class.")

    def __init__(self, row: LearnerRow, at: datetime) -> None:
        super().__init__()
        self.row, self.at = row, at

    def compose(self) -> ComposeResult:
        yield Header()
        text = "\n".join(detail_lines(self.row, self.at, card_questions(self.app.course)))
        with VerticalScroll(id="learner-box"):
            yield Static(text, id="learner-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = f"Learner {self.row.name}" + (" (guest)" if self.row.guest else "")
        self.query_one("#learner-box").focus()
