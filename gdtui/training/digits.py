"""Real handwritten digits: the 1,797 8x8 images of the UCI "Optical Recognition of
Handwritten Digits" data, shipped in the package (training/data/digits.csv.gz; its licence
and attribution are in training/data/DIGITS.md).

Each row of the file is 64 pixel counts from 0 (white) to 16 (black), row by row from the
top left, then the digit. The network sees each pixel scaled to [-1, 1] like every other
dataset's inputs (count / 8 - 1), so one learning rate means the same here.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

import numpy as np

N_IMAGES = 1797
SIDE = 8  # an image is SIDE x SIDE pixels
N_PIXELS = SIDE * SIDE
N_CLASSES = 10
MAX_COUNT = 16  # the darkest pixel: 16 of the 4x4 block's pixels were ink
FILE = "digits.csv.gz"
# of the file as shipped (tests/test_digits.py checks it)
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


@cache
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(pixels, labels): pixel counts 0..16 of shape (1797, 64) as uint8, digits 0..9."""
    data = resources.files("gdtui.training").joinpath("data", FILE).read_bytes()
    table = np.loadtxt(gzip.decompress(data).decode("ascii").splitlines(), delimiter=",",
                       dtype=np.uint8)
    pixels, labels = table[:, :N_PIXELS], table[:, N_PIXELS].astype(np.int64)
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def to_inputs(counts: np.ndarray) -> np.ndarray:
    """Pixel counts 0..16 as network inputs in [-1, 1] (any shape; floats in, floats out)."""
    return np.asarray(counts, dtype=np.float64) / (MAX_COUNT / 2) - 1.0


def to_counts(inputs: np.ndarray) -> np.ndarray:
    """Network inputs back to pixel counts 0..16 (for drawing), clipped."""
    return np.clip((np.asarray(inputs, dtype=np.float64) + 1.0) * (MAX_COUNT / 2), 0, MAX_COUNT)
