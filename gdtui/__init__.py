"""gdtui: a terminal game and tutor that teaches how a neural network learns."""

__version__ = "0.1.0"
