"""What hints and the challenge judge read from a training session, as a Protocol.

A TrainingSession has all of it; naming the Protocol instead of the class keeps hints and
challenges free of an import of the session, which imports them.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gdtui.nn.network import MLP
from gdtui.training.history import History
from gdtui.training.settings import Settings
from gdtui.training.trouble import Trouble


class TrainingState(Protocol):
    """A training run as it stands: its settings, its history, its network and where it is."""

    settings: Settings
    history: History
    step: int
    trouble: Trouble | None  # why the run stopped by itself (diverged, stuck), if it did
    network: MLP
    train_features: np.ndarray  # the network's inputs for the training points

    @property
    def status(self) -> str:
        """"ok", "diverged" or "stuck"."""
        ...

    @property
    def is_classification(self) -> bool:
        """True when the targets are classes."""
        ...
