"""The Lab's typed fields: read what the learner typed into a setting, and show a value as text.

What each field takes comes from the settings table (training.settings.SETTING_INFO).
Nothing here imports Textual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gdtui.numbers import field_text, read_number
from gdtui.training.settings import (
    SETTING_INFO,
    SettingsError,
    parse_features,
    parse_hidden_layers,
    parse_learning_rate,
)

# What a field's parse error shows as an example, by kind.
EXAMPLES = {"whole": "32", "number": "0.1"}


def parse_field(name: str, text: str) -> Any:
    """Read the text typed into the Lab's field for setting `name`.

    Raises SettingsError naming the field when the text is not a value of the right kind;
    range checks are left to Settings.check(), so there is one message for each limit. Only
    settings the Lab shows (those with a group in SETTING_INFO) are read.
    """
    text = text.strip()
    if name == "hidden_layers":
        return parse_hidden_layers(text)
    if name == "features":
        return parse_features(text)
    if name == "learning_rate":
        return parse_learning_rate(text)
    if name == "data_file":
        return parse_data_file(text)
    info = SETTING_INFO.get(name)
    if info is None or info.group is None or info.kind not in EXAMPLES:
        raise SettingsError(name, f"unknown setting {name!r}")
    whole = info.kind == "whole"
    kind = "a whole number" if whole else "a number"
    try:
        value = read_number(text, whole=whole,
                            message=f"{info.label} must be {kind}, like {EXAMPLES[info.kind]}")
    except ValueError as error:
        raise SettingsError(name, str(error)) from None
    return int(value) if whole else value


def parse_data_file(text: str) -> str | None:
    """Read the path typed into the data file field as an absolute path: "~" is the home
    folder, a relative path starts in the current folder, and quotes around it (a terminal
    adds them to a path dropped on it) are dropped. Empty text means no file: None."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    if not text:
        return None
    return os.path.abspath(os.path.expanduser(text))


def setting_text(name: str, value: Any) -> str:
    """A setting's value as the Lab's text field shows it (the inverse of parse_field)."""
    if name == "data_file":
        return "" if value is None else _home_as_tilde(value)
    if name == "hidden_layers":
        return ",".join(str(n) for n in value) if value else "none"
    if name == "features":
        return ",".join(value)
    if isinstance(value, float):
        return field_text(value)
    return str(value)


def _home_as_tilde(path: str) -> str:
    home = os.path.expanduser("~")
    if home not in ("", "~", os.sep) and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home):]
    return path


def kept_text(name: str, values: dict[str, Any]) -> str:
    """How a refused value's message names the value kept instead, from the setting values
    in force (a field's own text, or what an empty field means: the raw inputs, the toy
    dataset in place of a data file, which is named by its file name alone)."""
    value = values.get(name)
    if name == "data_file":
        return Path(value).name if value else f"the {values.get('dataset')} dataset"
    text = setting_text(name, value)
    if not text and name == "features":
        return "the raw inputs"
    return text
