"""Does the draw pad read a digit better when it normalises the drawing first? Prints numbers,
asserts nothing.

    python benchmarks/draw_pad.py

Trains the `digits` preset 250 steps, then redraws its validation images through the pad: each
8x8 image blown up to a 32x32 bitmap (training.drawing.blow_up: its blocks hold exactly the
image's counts), then drawn as a learner might: as it is, smaller (3/4, 1/2 of the size) in a
corner or the middle, narrower or wider; and a few digits written with the pad's own pen as
scripted strokes, at several sizes and places. Each is read with and without normalising
(crop to the ink, scale to 32 pixels tall and a width in a range, centre), with several ranges
of widths, centred on the ink's mass ("m") or its box, and the accuracy printed. The pad's choice
(training.drawing.normalised: 12..24 pixels wide, centred on the ink) comes first.
"""

from __future__ import annotations

import numpy as np

from gdtui.training import digits
from gdtui.training.drawing import (
    PEN_RADIUS,
    SIZE,
    DigitReader,
    block_counts,
    blow_up,
    line,
    normalised,
    resized,
)
from gdtui.training.session import TrainingSession
from gdtui.training.settings import preset_settings

# Strokes of each digit in a unit box (x right, y down), as one might write them.
STROKES = {
    0: [[(0.5, 0), (0.15, 0.2), (0.05, 0.5), (0.15, 0.8), (0.5, 1), (0.85, 0.8), (0.95, 0.5),
         (0.85, 0.2), (0.5, 0)]],
    1: [[(0.3, 0.2), (0.6, 0), (0.6, 1)]],
    2: [[(0.1, 0.2), (0.5, 0), (0.9, 0.2), (0.85, 0.45), (0.1, 1), (0.95, 1)]],
    3: [[(0.1, 0.1), (0.5, 0), (0.85, 0.2), (0.5, 0.48), (0.9, 0.75), (0.5, 1), (0.1, 0.9)]],
    4: [[(0.7, 1), (0.7, 0), (0.05, 0.65), (0.95, 0.65)]],
    5: [[(0.9, 0), (0.15, 0), (0.1, 0.45), (0.6, 0.4), (0.9, 0.7), (0.6, 1), (0.1, 0.9)]],
    6: [[(0.8, 0), (0.3, 0.3), (0.1, 0.7), (0.4, 1), (0.85, 0.8), (0.7, 0.5), (0.15, 0.6)]],
    7: [[(0.05, 0), (0.95, 0), (0.4, 1)]],
    8: [[(0.5, 0.5), (0.15, 0.25), (0.5, 0), (0.85, 0.25), (0.5, 0.5), (0.1, 0.75), (0.5, 1),
         (0.9, 0.75), (0.5, 0.5)]],
    9: [[(0.85, 0.3), (0.5, 0), (0.15, 0.25), (0.5, 0.5), (0.85, 0.3), (0.8, 1)]],
}


def written(digit: int, left: float, top: float, width: float, height: float) -> np.ndarray:
    """The digit's strokes drawn with the pad's pen in the given box, in pixels."""
    bitmap = np.zeros((SIZE, SIZE), dtype=bool)
    for stroke in STROKES[digit]:
        points = [(left + x * (width - 1), top + y * (height - 1)) for x, y in stroke]
        for start, end in zip(points, points[1:], strict=False):
            line(bitmap, start, end, PEN_RADIUS)
    return bitmap


def placed(bitmap: np.ndarray, scale_y: float, scale_x: float, where: str) -> np.ndarray:
    """The bitmap's ink box scaled and put in the middle or a corner of an empty pad."""
    rows, columns = np.flatnonzero(bitmap.any(1)), np.flatnonzero(bitmap.any(0))
    ink = bitmap[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
    height = max(1, min(SIZE, round(ink.shape[0] * scale_y)))
    width = max(1, min(SIZE, round(ink.shape[1] * scale_x)))
    small = resized(ink, height, width)
    top = {"middle": (SIZE - height) // 2, "top left": 1, "bottom right": SIZE - height - 1}[where]
    left = {"middle": (SIZE - width) // 2, "top left": 1, "bottom right": SIZE - width - 1}[where]
    top, left = max(0, top), max(0, left)
    out = np.zeros((SIZE, SIZE), dtype=bool)
    out[top:top + height, left:left + width] = small
    return out


READINGS = {  # the pad's choice first
    "chosen": normalised,
    "as drawn": lambda b: b,
    "16..24 m": lambda b: normalised(b, (16, 24)),
    "8..24 m": lambda b: normalised(b, (8, 24)),
    "12..28 m": lambda b: normalised(b, (12, 28)),
    "aspect m": lambda b: normalised(b, (1, SIZE)),
    "20 m": lambda b: normalised(b, (20, 20)),
    "20 box": lambda b: normalised(b, (20, 20), by_mass=False),
    "12..24 box": lambda b: normalised(b, by_mass=False),
}


def accuracy(reader: DigitReader, bitmaps: list[np.ndarray], labels: list[int],
             read) -> float:
    inputs = np.array([digits.to_inputs(block_counts(read(b))).ravel() for b in bitmaps])
    guesses = [int(np.argmax(reader.probabilities(row))) for row in inputs]
    return float(np.mean(np.array(guesses) == np.array(labels)))


def main() -> None:
    session = TrainingSession(preset_settings("digits"))
    session.run(250)
    reader = DigitReader.of(session)
    counts = digits.to_counts(session.dataset.validation_inputs).round().astype(int)
    labels = list(session.dataset.validation_targets)
    blown = [blow_up(c.reshape(8, 8)) for c in counts]
    print(f"digits preset, 250 steps: validation accuracy "
          f"{session.history.latest.validation_accuracy:.1%} on {len(labels)} images\n")
    cases = {
        "validation images, as they are": blown,
        "3/4 size, middle": [placed(b, 0.75, 0.75, "middle") for b in blown],
        "3/4 size, top left": [placed(b, 0.75, 0.75, "top left") for b in blown],
        "1/2 size, bottom right": [placed(b, 0.5, 0.5, "bottom right") for b in blown],
        "full height, half as wide": [placed(b, 1.0, 0.5, "middle") for b in blown],
        "3/4 height, 1.4x as wide": [placed(b, 0.75, 1.4, "middle") for b in blown],
    }
    written_cases, written_labels = [], []
    for digit in STROKES:
        for left, top, width, height in [(6, 1, 20, 30), (2, 2, 28, 28), (1, 1, 14, 16),
                                          (16, 14, 14, 16), (10, 4, 12, 24)]:
            written_cases.append(written(digit, left, top, width, height))
            written_labels.append(digit)
    names = list(READINGS)
    print(f"{'':36}" + "".join(f"{n:>11}" for n in names))
    for case, bitmaps in cases.items():
        row = [accuracy(reader, bitmaps, labels, READINGS[n]) for n in names]
        print(f"{case:36}" + "".join(f"{v:11.1%}" for v in row))
    row = [accuracy(reader, written_cases, written_labels, READINGS[n]) for n in names]
    print(f"{'scripted strokes (50)':36}" + "".join(f"{v:11.1%}" for v in row))
    ones = []  # a 1 as most people draw it on a pad: one straight stroke, nothing else
    for x, top, bottom in [(16, 2, 29), (8, 4, 20), (24, 10, 30), (15, 0, 31), (20, 6, 26)]:
        ones.append(np.zeros((SIZE, SIZE), dtype=bool))
        line(ones[-1], (x, top), (x, bottom), PEN_RADIUS)
    row = [accuracy(reader, ones, [1] * len(ones), READINGS[n]) for n in names]
    print(f"{'a 1 as one straight stroke (5)':36}" + "".join(f"{v:11.1%}" for v in row))


if __name__ == "__main__":
    main()
