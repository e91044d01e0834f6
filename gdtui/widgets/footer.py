"""A footer drawn with its keys from the first frame, rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's Footer, cheaper to start. Textual's is empty in the first frame, then rebuilds
    all its keys, with a layout pass, at every change of the bindings (focus moving, the screen
    resuming), two or three times as a screen starts, even when the keys it shows stay the
    same; a key pressed meanwhile waits. This one shows its keys at once and rebuilds only when
    they differ."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.set_reactive(Footer._bindings_ready, True)
        self._keys_shown: Hashable = None

    def compose(self) -> ComposeResult:
        self._keys_shown = self.keys_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key starts compact and is then bound to the footer's setting (all but the
                # palette's), and each change restyles it: start it as the footer is.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self.keys_shown() == self._keys_shown:
            return
        super().bindings_changed(screen)

    def keys_shown(self) -> Hashable:
        """What the footer draws from the bindings: each shown key with its label and state."""
        shown = []
        for name, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            palette = name == self.app.COMMAND_PALETTE_BINDING
            if binding.show or palette:
                shown.append((name, binding.action, binding.description, binding.key_display,
                               binding.group, enabled, tooltip, binding.tooltip))
        return tuple(shown)
