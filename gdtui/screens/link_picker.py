"""A list of a lesson's links, so that every link can be followed with the keyboard alone."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class LinkPicker(ModalScreen[str | None]):
    """Pick one of ``links`` (text, href); dismissed with the href, or None on escape."""

    DEFAULT_CSS = """
    LinkPicker { align: center middle; }
    LinkPicker > Vertical {
        width: 70%; min-width: 40; max-width: 80; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    LinkPicker OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]
    HELP_TITLE = "Links in this lesson"
    HELP = ("Pick with the arrow keys and `enter`, or a numbered item by its number; `escape` "
            "closes the list.")

    def __init__(self, links: list[tuple[str, str]], title: str = "Links in this lesson",
                 show_targets: bool = True) -> None:
        super().__init__()
        self.links = links
        self.title = title
        self.options = OptionList(*(Option(f"{text}  [dim]{href}[/dim]" if show_targets
                                           else text, id=href) for text, href in links))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title}[/b]  (enter picks, escape closes)")
            yield self.options

    def on_mount(self) -> None:
        # The list can still be mounting inside its container when the screen is (a query
        # found nothing once); focus() waits until the app is idle.
        self.options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        """A digit picks the item it numbers, in a list whose items start "1. ", "2. "..."""
        if event.character and event.character in "123456789":
            index = int(event.character) - 1
            if index < len(self.links) and self.links[index][0].startswith(f"{index + 1}. "):
                event.stop()
                self.dismiss(self.links[index][1])
