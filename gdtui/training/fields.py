"""The Lab's typed fields: read what the learner typed into a setting, and show a value as text.

Nothing here imports Textual.
"""

from __future__ import annotations

import math
from typing import Any

from gdtui.training.settings import (
    SettingsError,
    parse_features,
    parse_hidden_layers,
    parse_learning_rate,
)

# Settings typed as text, and the label a message uses for each.
NUMBER_FIELDS = {"noise": "noise", "validation_share": "validation share",
                 "regularization_rate": "regularization rate"}
WHOLE_FIELDS = {"n_points": "number of points", "batch_size": "batch size"}


def parse_field(name: str, text: str) -> Any:
    """Read the text typed into the Lab's field for setting `name`.

    Raises SettingsError naming the field when the text is not a value of the right kind;
    range checks are left to Settings.check(), so there is one message for each limit.
    """
    text = text.strip()
    if name == "hidden_layers":
        return parse_hidden_layers(text)
    if name == "features":
        return parse_features(text)
    if name == "learning_rate":
        return parse_learning_rate(text)
    if name in WHOLE_FIELDS:
        try:
            return int(text)
        except ValueError:
            raise SettingsError(name, f"{WHOLE_FIELDS[name]} must be a whole number, "
                                      "like 32") from None
    if name in NUMBER_FIELDS:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise SettingsError(name, f"{NUMBER_FIELDS[name]} must be a number, like 0.1")
        return value
    raise SettingsError(name, f"unknown setting {name!r}")


def field_text(name: str, value: Any) -> str:
    """A setting's value as the Lab's text field shows it (the inverse of parse_field)."""
    if name == "hidden_layers":
        return ",".join(str(n) for n in value) if value else "none"
    if name == "features":
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
