"""Draw your own digit: a 32x32 pad made into the 8x8 image the digits network reads.

The pad is faithful to how the UCI digits were made (training/data/DIGITS.md): a 32x32
bitmap of ink, size-normalised the way the data's bitmaps were, then each 4x4 block's ink
pixels counted (0..16), then scaled to inputs like every image (digits.to_inputs).

The UCI bitmaps were size-normalised and centred: every image of the data fills the 32 rows
and is 17 to 24 pixels wide, whatever the writer's hand (even a 1 is a wide bar, as the data's
average 1 shows). The pad does the same to the learner's ink before counting (`normalised`),
so a digit drawn small or off to one side reads like one drawn to fill the pad.
benchmarks/draw_pad.py measures it with the preset's network on the validation images
redrawn smaller or in a corner (95% read right normalised, 8-31% as drawn), squeezed (66%
and 52%), written as strokes with the pad's pen (90% and 48%), and a 1 as one straight
stroke (all 5 normalised, 2 of 5 as drawn); on the images as they are it costs 2 points
(98% as drawn, 96% normalised).

The network's answer comes from the engine (`DigitReader`): a copy of the session's network
taken under its lock, read by the same forward pass and probabilities as training uses.
Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gdtui.nn.network import MLP
from gdtui.training import digits
from gdtui.training.datasets import feature_columns
from gdtui.training.session import class_probabilities

if TYPE_CHECKING:
    from gdtui.training.session import TrainingSession
    from gdtui.training.settings import Settings

SIZE = 32  # the pad is SIZE x SIZE pixels, like the bitmaps the data was counted from
BLOCK = SIZE // digits.SIDE  # each of the 8x8 pixels the network sees counts a 4x4 block
# How wide a normalised digit is: every image of the data fills the 32 rows, and most are
# 17 to 24 pixels wide (5% and 95%, measured on the images blown up to 32x32). A 1 drawn as
# one straight stroke is narrower: stretched to 16 it is a solid block the network reads as
# an 8, at 12 it reads as a 1 (benchmarks/draw_pad.py compares the choices).
MIN_WIDTH, MAX_WIDTH = 12, 24
# The pen: every pixel within PEN_RADIUS of the pen's centre is inked, a stroke 4 to 5 pixels
# thick: the data's digits are bold (some 310 ink pixels of 1,024), and a thinner pen reads
# worse (benchmarks/draw_pad.py's strokes: 73% at radius 1, 87% at 1.5, 89% at 2).
PEN_RADIUS = 2.0
ERASER_RADIUS = 3.0


def block_counts(bitmap: np.ndarray) -> np.ndarray:
    """The ink pixels of each 4x4 block of a 32x32 bitmap: an 8x8 array of counts 0..16."""
    ink = np.asarray(bitmap, dtype=bool)
    return ink.reshape(digits.SIDE, BLOCK, digits.SIDE, BLOCK).sum(axis=(1, 3))


# Which pixels of a block a count fills first when an 8x8 image is blown up (an ordered
# dither): spread over the block, so a half-full block looks half full.
_DITHER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])


def blow_up(counts: np.ndarray) -> np.ndarray:
    """A 32x32 bitmap whose 4x4 blocks hold exactly `counts` (8x8, 0..16) ink pixels.

    Within a block the ink goes where the image is darkest, smoothly interpolated between
    blocks (ties in dither order), so strokes come out as strokes, not as speckles.
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(digits.SIDE, digits.SIDE)
    # each pixel's centre, in block units, for a bilinear blend of the block counts
    centres = (np.arange(SIZE) + 0.5) / BLOCK - 0.5
    grid = np.arange(digits.SIDE)
    rows = np.array([np.interp(centres, grid, column) for column in counts.T.astype(float)]).T
    darkness = np.array([np.interp(centres, grid, row) for row in rows])  # (32, 32)
    order = darkness - np.tile(_DITHER, (digits.SIDE, digits.SIDE)) / 1000.0
    blocks = order.reshape(digits.SIDE, BLOCK, digits.SIDE, BLOCK).transpose(0, 2, 1, 3)
    ranks = np.argsort(np.argsort(-blocks.reshape(digits.SIDE, digits.SIDE, -1), axis=2),
                       axis=2)
    inked = ranks < counts[:, :, None]
    return inked.reshape(digits.SIDE, digits.SIDE, BLOCK, BLOCK).transpose(0, 2, 1, 3).reshape(
        SIZE, SIZE)


def resized(bitmap: np.ndarray, height: int, width: int) -> np.ndarray:
    """`bitmap` scaled to `height` x `width`, each new pixel taken from the old one under
    its centre (nearest neighbour: a stroke stays solid ink, thicker when enlarged)."""
    old_height, old_width = bitmap.shape
    rows = ((np.arange(height) + 0.5) * old_height / height).astype(int)
    columns = ((np.arange(width) + 0.5) * old_width / width).astype(int)
    return bitmap[rows][:, columns]


def normalised(bitmap: np.ndarray, widths: tuple[int, int] = (MIN_WIDTH, MAX_WIDTH),
               by_mass: bool = True) -> np.ndarray:
    """The ink cropped to its bounding box, scaled to the pad's full height, as wide as its
    shape says but held between `widths`, and centred: on its ink (`by_mass`) or on its box.
    That is how the data's bitmaps look (see the module's docstring). An empty pad stays
    empty."""
    ink = np.asarray(bitmap, dtype=bool)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return ink.copy()
    cropped = ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
    height, width = cropped.shape
    width = round(min(max(width * SIZE / height, widths[0]), widths[1]))
    scaled = resized(cropped, SIZE, width)
    left = (SIZE - width) // 2
    if by_mass:
        left = round((SIZE - 1) / 2 - np.nonzero(scaled)[1].mean())
    left = min(max(left, 0), SIZE - width)
    out = np.zeros((SIZE, SIZE), dtype=bool)
    out[:, left:left + width] = scaled
    return out


def disc(bitmap: np.ndarray, x: float, y: float, radius: float, ink: bool = True) -> None:
    """Ink (or with `ink` False, erase) every pixel of `bitmap` within `radius` of (x, y),
    x the column and y the row, both from 0 at the top left."""
    ys, xs = np.ogrid[:bitmap.shape[0], :bitmap.shape[1]]
    bitmap[(xs - x) ** 2 + (ys - y) ** 2 <= radius * radius] = ink


def line(bitmap: np.ndarray, start: tuple[float, float], end: tuple[float, float],
         radius: float, ink: bool = True) -> None:
    """A stroke from `start` to `end` (x, y): the pen's disc at every half pixel on the way."""
    (x0, y0), (x1, y1) = start, end
    steps = max(1, int(np.ceil(2 * max(abs(x1 - x0), abs(y1 - y0)))))
    for t in np.linspace(0.0, 1.0, steps + 1):
        disc(bitmap, x0 + t * (x1 - x0), y0 + t * (y1 - y0), radius, ink)


@dataclass
class Pad:
    """The learner's drawing: 32x32 pixels of ink, a cursor and a pen that is up or down.

    Keys move the cursor (drawing on the way while the pen is down); the mouse draws or
    erases at the pixels it is pressed and dragged over. `counts()` and `inputs()` are what
    the network reads: the drawing normalised, then counted per 4x4 block.
    """

    bitmap: np.ndarray = field(default_factory=lambda: np.zeros((SIZE, SIZE), dtype=bool))
    cursor: tuple[int, int] = (SIZE // 2, SIZE // 2)  # (x, y)
    pen_down: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing is drawn."""
        return not self.bitmap.any()

    def clear(self) -> None:
        """Wipe the pad (the cursor stays, the pen lifts)."""
        self.bitmap[...] = False
        self.pen_down = False

    def move(self, dx: int, dy: int) -> None:
        """Move the cursor (it stops at the edges); with the pen down, draw on the way."""
        x, y = self.cursor
        new = (min(max(x + dx, 0), SIZE - 1), min(max(y + dy, 0), SIZE - 1))
        if self.pen_down:
            line(self.bitmap, self.cursor, new, PEN_RADIUS)
        self.cursor = new

    def toggle_pen(self) -> None:
        """Put the pen down (inking under the cursor) or lift it."""
        self.pen_down = not self.pen_down
        if self.pen_down:
            disc(self.bitmap, *self.cursor, PEN_RADIUS)

    def erase(self) -> None:
        """Rub out the ink around the cursor (and lift the pen)."""
        self.pen_down = False
        disc(self.bitmap, *self.cursor, ERASER_RADIUS, ink=False)

    def stroke(self, start: tuple[float, float], end: tuple[float, float],
               erase: bool = False) -> None:
        """Draw (or erase) from `start` to `end`, in pixels (x, y): a mouse press or drag.
        The cursor follows the mouse."""
        line(self.bitmap, start, end, ERASER_RADIUS if erase else PEN_RADIUS, ink=not erase)
        self.cursor = (min(max(int(end[0]), 0), SIZE - 1), min(max(int(end[1]), 0), SIZE - 1))

    def counts(self) -> np.ndarray:
        """The 8x8 image the network sees: ink counts 0..16 of the normalised drawing."""
        return block_counts(normalised(self.bitmap))

    def inputs(self) -> np.ndarray:
        """The 64 network inputs in [-1, 1] (all -1 for an empty pad)."""
        return digits.to_inputs(self.counts()).ravel()


def reads_digits(settings: Settings) -> bool:
    """True when a network with these settings reads 8x8 digits (the pad can ask it)."""
    return settings.dataset == "digits" and not settings.data_file


@dataclass(frozen=True)
class DigitReader:
    """A copy of a digits network and what it needs to read a drawing: the session can
    train on (or change) while the copy answers the pad."""

    network: MLP
    loss_name: str
    features: tuple[str, ...] = ()

    @classmethod
    def of(cls, session: TrainingSession) -> DigitReader:
        """Copy `session`'s network (hold the session's lock while calling this); ValueError
        when the network does not read digits."""
        if not reads_digits(session.settings):
            raise ValueError("the pad needs a network trained on the digits dataset")
        # A new network of the same shape given the same numbers: copy.deepcopy would copy the
        # layers' views of the parameter vector as arrays of their own, cut off from it.
        source = session.network
        network = MLP(source.layer_sizes, source.activation, dtype=source.dtype)
        network.parameter_vector[...] = source.parameter_vector
        return cls(network, session.loss_name, session.settings.features)

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        """The network's probability for each digit 0..9, for one image's 64 inputs: the
        engine's forward pass and the session's own probabilities."""
        rows = feature_columns(np.asarray(inputs, dtype=np.float64).reshape(1, -1),
                               self.features)
        with np.errstate(all="ignore"):
            return class_probabilities(self.network.forward(rows), self.loss_name)[0]
