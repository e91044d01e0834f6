"""The footer of every screen: its keys from the first frame, always whole at the terminal's
width, rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# The columns a key takes beyond its key and description, as Textual's footer styles draw it.
EXTRA = {False: 3, True: 2}  # " key desc " / "key desc" and a space after it (compact)
PALETTE_EXTRA = {False: 5, True: 2}  # the palette key, docked right after a bar: "▏ ^p palette "
# The keys a short footer leaves out first, in this order (they stay in the ? help): the
# palette, quit and back (known to all), then the screen's own keys from its last. Never help.
FIRST_TO_GO = (("escape", "back"), ("q", "quit"))


class KeysFooter(Footer):
    """Textual's Footer, whole at any width and cheaper to start.

    Whole: Textual's cuts its keys off at the terminal's edge ("? Hel") and leaves stray
    letters beside the palette key. This one keeps to the width: if its keys do not fit, it
    draws them compact, and if they still do not, it leaves out the least important ones (the
    palette key, then quit and back, then the screen's own keys from its last), never `?`,
    whose help lists every key. A screen orders its BINDINGS by importance.

    Cheaper: Textual's is empty in the first frame, then rebuilds all its keys, with a layout
    pass, at every change of the bindings (focus moving, the screen resuming), two or three
    times as a screen starts, even when the keys it shows stay the same; a key pressed meanwhile
    waits. This one shows its keys at once and rebuilds only when they, or the width, differ."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.set_reactive(Footer._bindings_ready, True)
        self._compact_asked = compact
        self._keys_shown: Hashable = None

    def compose(self) -> ComposeResult:
        self._keys_shown = self.keys_shown()
        widgets = list(super().compose())
        keys = [widget for widget in widgets if isinstance(widget, FooterKey)]
        compact, kept = fit(keys, self.app.size.width, self._compact_asked)
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        for widget in widgets:
            if isinstance(widget, FooterKey):
                if widget not in kept:
                    continue
                if not widget.has_class("-command-palette"):
                    # A key starts compact and is then bound to the footer's setting (all but
                    # the palette's), and each change restyles it: start it as the footer is.
                    widget.set_reactive(FooterKey.compact, compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self.keys_shown() == self._keys_shown:
            return
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        if self.is_attached and self.keys_shown() != self._keys_shown:
            self.call_after_refresh(self.recompose)

    def keys_shown(self) -> Hashable:
        """What the footer draws: the width, and each shown key with its label and state."""
        shown = []
        for name, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            palette = name == self.app.COMMAND_PALETTE_BINDING
            if binding.show or palette:
                shown.append((name, binding.action, binding.description, binding.key_display,
                               binding.group, enabled, tooltip, binding.tooltip))
        return self.app.size.width, tuple(shown)


def key_width(key: FooterKey, compact: bool) -> int:
    """The columns a key of the footer takes."""
    palette = key.has_class("-command-palette")
    extra = (PALETTE_EXTRA if palette else EXTRA)[compact]
    return cell_len(key.key_display) + cell_len(key.description) + extra


def fit(keys: Sequence[FooterKey], width: int,
        compact: bool = False) -> tuple[bool, list[Widget]]:
    """(compact, the keys to show) so that they fit in `width` columns."""
    for style in (compact, True):
        if sum(key_width(key, style) for key in keys) <= width:
            return style, list(keys)
    kept = list(keys)
    for key in drop_order(keys):
        if sum(key_width(each, True) for each in kept) <= width:
            break
        kept.remove(key)
    return True, kept


def drop_order(keys: Sequence[FooterKey]) -> list[FooterKey]:
    """The keys a footer too short for them all leaves out, first to go first."""
    palette = [key for key in keys if key.has_class("-command-palette")]
    known = [key for first in FIRST_TO_GO for key in keys
             if (key.key, key.action.rpartition(".")[2]) == first]
    help_keys = [key for key in keys if key.action.rpartition(".")[2] == "help"]
    own = [key for key in reversed(keys)
           if key not in palette and key not in known and key not in help_keys]
    return [*palette, *known, *own]
