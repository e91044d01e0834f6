"""The ``?`` help: the keys of the screen it was opened from, and that screen's own help text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static


class HelpScreen(ModalScreen[None]):
    """A modal listing keys; any of escape, q, ? or a click outside closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, title: str, text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.keys = keys

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        """Build the help of a screen from its ``HELP`` text and its active bindings."""
        # Keys doing the same thing share a row: "q, ^q  Quit".
        grouped: dict[str, list[str]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.description:
                shown = grouped.setdefault(binding.description, [])
                display = screen.app.get_key_display(binding)
                if display not in shown:
                    shown.append(display)
        keys = [(", ".join(sorted(shown, key=len)), what) for what, shown in grouped.items()]
        title = getattr(screen, "HELP_TITLE", None) or type(screen).__name__
        return cls(title, getattr(screen, "HELP", "") or "", keys)

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"| `{key}` | {what} |" for key, what in self.keys)
        table = f"| Key | What it does |\n|---|---|\n{rows}\n" if rows else ""
        body = f"# {self.title_text}\n\n{self.text.strip()}\n\n## Keys\n\n{table}"
        body += "\nThe mouse works too: click buttons, lists and links. "
        body += "`ctrl+p` opens the command palette, which lists every screen."
        with VerticalScroll(id="help-box"):
            yield Markdown(body, open_links=False)
            yield Static("Press escape or ? to close.", classes="hint")

    def on_click(self, event) -> None:
        # A click outside the box closes help, as in most dialogs.
        if self.get_widget_at(event.screen_x, event.screen_y)[0] is self:
            self.dismiss()
