"""The line of keys at the bottom of every screen: one widget drawn in one pass, fitted to the
width, so that no key is ever cut in half and a screen starts without a widget per key."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

NORMAL, DIM = Style(), Style(dim=True)
HELP_ACTION = "help"
"""The one key a footer always keeps: `?` lists every key, including those left out."""


class FooterKey(NamedTuple):
    """One key as the footer shows it."""

    key: str
    """The key to simulate when the entry is clicked."""
    display: str
    description: str
    enabled: bool
    action: str


def entry_width(entry: FooterKey) -> int:
    """Columns of one entry: ' KEY description '."""
    return len(entry.display) + 2 + (len(entry.description) + 1 if entry.description else 0)


def fit_keys(entries: list[FooterKey], width: int) -> list[FooterKey]:
    """The entries that fit in `width` columns, in their order: the last ones are left out first,
    but never the help key (help lists every key, so a key left out is still one press away)."""
    kept = list(entries)
    while kept and sum(entry_width(entry) for entry in kept) > width:
        droppable = [i for i, entry in enumerate(kept) if entry.action != HELP_ACTION]
        if not droppable:
            break
        del kept[droppable[-1]]
    return kept


class KeysFooter(Widget, can_focus=False):
    """The keys of the screen's bindings that have ``show`` set (one per action), the command
    palette's last. Textual's Footer builds a widget per key and rebuilds them all, with a layout
    pass, whenever the bindings change; at 80 columns it cuts the last key mid-word."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys-footer--key", "keys-footer--description"}
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: list[tuple[int, int, FooterKey]] = []
        self._keys: list[FooterKey] = []

    def on_mount(self) -> None:
        self._keys = self.keys()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        keys = self.keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def keys(self) -> list[FooterKey]:
        """Every key the screen's bindings ask to show, in their order, the palette's last."""
        app = self.app
        entries: list[FooterKey] = []
        actions: set[str] = set()
        palette = None
        for name, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if name == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = FooterKey(binding.key, app.get_key_display(binding),
                                    binding.description, enabled, binding.action)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                entries.append(FooterKey(binding.key, app.get_key_display(binding),
                                         binding.description, enabled, binding.action))
        if palette is not None:
            entries.append(palette)
        return entries

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._shown = []
        self._keys = self._keys or self.keys()
        for entry in fit_keys(self._keys, self.size.width):
            start = len(text)
            faded = NORMAL if entry.enabled else DIM
            text.append(f" {entry.display} ", style=key_style + faded)
            if entry.description:
                text.append(f"{entry.description} ", style=description_style + faded)
            self._shown.append((start, len(text), entry))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, entry in self._shown:
            if start <= event.x < end:
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                else:
                    self.app.bell()
                return
