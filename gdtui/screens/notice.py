"""The progress-file notice shown at start: a damaged file moved aside (until the learner says
they have read it), a read-only file, a table made again."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from gdtui.store import Store

NOTICE_CSS = """
ProgressNotice {
    align: center middle;
}
ProgressNotice > Vertical {
    width: 76;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $warning;
    background: $surface;
    padding: 0 1;
}
ProgressNotice VerticalScroll {
    height: auto;
    max-height: 14;
}
ProgressNotice .dialog-buttons {
    height: auto;
    margin-top: 1;
}
ProgressNotice .dialog-buttons Button {
    margin-right: 2;
}
"""


class ProgressNotice(ModalScreen[None]):
    """Tell the learner what happened to their progress file. Enter: read it, don't show it
    again; escape: show it again next time."""

    DEFAULT_CSS = NOTICE_CSS
    BINDINGS = [Binding("escape", "later", "Remind me next time")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        remembered = self.store.moved_aside and not self.store.read_only
        with Vertical():
            yield Label("[b]Your progress file[/b]")
            with VerticalScroll():
                yield Static(self.store.notice or "", id="notice-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Got it" + (", don't show again" if remembered else ""),
                             id="got-it", variant="primary", compact=True)
                if remembered:
                    yield Button("Remind me next time", id="later", compact=True)

    def on_mount(self) -> None:
        self.query_one("#got-it", Button).focus()

    @on(Button.Pressed, "#got-it")
    def _got_it(self) -> None:
        self.store.forget_notice()
        self.dismiss(None)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(None)
