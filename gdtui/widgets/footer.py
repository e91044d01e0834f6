"""The line of keys at the bottom of every screen: one widget drawn in one pass, always whole at
the terminal's width, so that no key is cut in half and a screen starts without a widget per key."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

NORMAL, DIM = Style(), Style(dim=True)
HELP_ACTION = "help"
"""The one key a footer always keeps: `?` lists every key, including those left out."""
PALETTE_ACTION = "command_palette"
# The keys a short footer leaves out first, after the palette: the app's back and quit, known
# to all (they stay in the ? help), as (key, action). Then the screen's own keys from its last:
# a screen orders its BINDINGS by importance.
FIRST_TO_GO = (("escape", "back"), ("q", "quit"))


class FooterKey(NamedTuple):
    """One key as the footer shows it."""

    key: str
    """The key to simulate when the entry is clicked."""
    display: str
    description: str
    enabled: bool
    action: str
    """The action's name, without its namespace."""


def entry_width(entry: FooterKey, compact: bool = False) -> int:
    """Columns of one entry: ' KEY description ', or 'KEY description ' when compact."""
    width = cell_len(entry.display) + (1 if compact else 2)
    return width + (cell_len(entry.description) + 1 if entry.description else 0)


def drop_order(entries: list[FooterKey]) -> list[FooterKey]:
    """The entries a footer too short for them all leaves out, first to go first; never help."""
    palette = [entry for entry in entries if entry.action == PALETTE_ACTION]
    known = [entry for first in FIRST_TO_GO for entry in entries
             if (entry.key, entry.action) == first]
    own = [entry for entry in reversed(entries)
           if entry not in palette and entry not in known and entry.action != HELP_ACTION]
    return [*palette, *known, *own]


def fit_keys(entries: list[FooterKey], width: int) -> tuple[bool, list[FooterKey]]:
    """(compact, the entries to show, in their order) so that they fit in `width` columns:
    roomy if they all fit, else compact, leaving out what `drop_order` names first."""
    for compact in (False, True):
        if sum(entry_width(entry, compact) for entry in entries) <= width:
            return compact, list(entries)
    kept = list(entries)
    for entry in drop_order(entries):
        if sum(entry_width(each, True) for each in kept) <= width:
            break
        kept.remove(entry)
    return True, kept


class KeysFooter(Widget, can_focus=False):
    """The keys of the screen's bindings that have ``show`` set (one per action), the command
    palette's last. Textual's Footer builds a widget per key and rebuilds them all, with a layout
    pass, whenever the bindings change (two or three times as a screen starts, while a key
    pressed waits); at 80 columns it cut the last key mid-word ('? Hel', '^p palettew')."""

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
        actions: set[tuple[int, str]] = set()  # one key per action of each screen or widget
        palette = None
        for name, (node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            action = binding.action.rpartition(".")[2]
            entry = FooterKey(binding.key, app.get_key_display(binding), binding.description,
                              enabled, action)
            if name == app.COMMAND_PALETTE_BINDING:
                palette = entry if app.ENABLE_COMMAND_PALETTE else None
            elif binding.show and (id(node), action) not in actions:
                actions.add((id(node), action))
                entries.append(entry)
        if palette is not None:
            entries.append(palette._replace(action=PALETTE_ACTION))
        return entries

    def shown(self) -> list[FooterKey]:
        """The keys drawn now, at the widget's width."""
        self._keys = self._keys or self.keys()
        return fit_keys(self._keys, self.size.width)[1]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._shown = []
        self._keys = self._keys or self.keys()
        compact, entries = fit_keys(self._keys, self.size.width)
        pad = "" if compact else " "
        for entry in entries:
            start = text.cell_len
            faded = NORMAL if entry.enabled else DIM
            text.append(f"{pad}{entry.display}{pad}", style=key_style + faded)
            if entry.description:
                text.append(f"{' ' if compact else ''}{entry.description} ",
                            style=description_style + faded)
            elif compact:
                text.append(" ")
            self._shown.append((start, text.cell_len, entry))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, entry in self._shown:
            if start <= event.x < end:
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                else:
                    self.app.bell()
                return
