"""The ``?`` help: the keys of the screen it was opened from, and that screen's own help text."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from gdtui.widgets.footer import KeysFooter


class HelpScreen(ModalScreen[None]):
    """A modal listing keys; any of escape, q, ? or a click outside closes it."""

    CSS_PATH = "../styles/help.tcss"

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]
    # The screen under the box would show its own keys, which do nothing while help is open.

    def __init__(
        self,
        title: str,
        text: str,
        keys: list[tuple[str, str]],
        widget_keys: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.keys = keys
        """(keys, what they do) of the screen and the app."""
        self.widget_keys = widget_keys or []
        """(keys, what they do) of the widget that had focus (lists, inputs, ...)."""

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        """Build the help of a screen from its ``HELP`` text and its active bindings."""
        # Keys doing the same thing share a row: "q, ^q  Quit".
        groups: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            own = active.node is screen or active.node is screen.app
            shown = groups[0 if own else 1].setdefault(binding.description, [])
            display = screen.app.get_key_display(binding)
            if display not in shown:
                shown.append(display)
        keys, widget_keys = (
            [(", ".join(sorted(shown, key=len)), what) for what, shown in group.items()]
            for group in groups
        )
        title = getattr(screen, "HELP_TITLE", None) or type(screen).__name__
        return cls(title, getattr(screen, "HELP", "") or "", keys, widget_keys)

    def compose(self) -> ComposeResult:
        body = f"# {self.title_text}\n\n{self.text.strip()}\n\n## Keys\n\n{_table(self.keys)}"
        if self.widget_keys:
            body += f"\n## In the part that has focus\n\n{_table(self.widget_keys)}"
        body += "\nThe mouse works too: click buttons, lists and links. "
        body += "`ctrl+p` opens the command palette, which lists every screen."
        with VerticalScroll(id="help-box"):
            yield HelpText(body, id="help-text")
            yield Static("Press escape or ? to close.", classes="hint")
        yield KeysFooter()

    def on_click(self, event) -> None:
        # A click outside the box closes help, as in most dialogs.
        if self.get_widget_at(event.screen_x, event.screen_y)[0] is self:
            self.dismiss()


class HelpText(Static):
    """The help's Markdown (`source`), drawn by Rich in one widget: Textual's Markdown widget
    makes a widget of every paragraph and table cell, and opened several times slower."""

    def __init__(self, source: str, **options) -> None:
        super().__init__(RichMarkdown(source, hyperlinks=False), **options)
        self.source = source


def _table(keys: list[tuple[str, str]]) -> str:
    rows = "\n".join(f"| `{key}` | {what} |" for key, what in keys)
    return f"| Key | What it does |\n|---|---|\n{rows}\n" if rows else ""
