"""The help text of each screen, one Markdown file an area, shown by `?` under the screen's keys.

Kept out of the screen modules so a screen file holds only what it does; a help text that quotes
a number the code owns (the flashcard statistics) stays next to that code instead.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def help_text(name: str) -> str:
    """The help text of area `name` (``gdtui/help/<name>.md``)."""
    return (HERE / f"{name}.md").read_text(encoding="utf-8")
