"""The draw pad's core: a 32x32 bitmap the learner inks, counted into the 8x8 image the digits
network reads, and read by a copy of the session's network."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.training import digits
from gdtui.training.drawing import (
    MAX_WIDTH,
    MIN_WIDTH,
    SIZE,
    DigitReader,
    Pad,
    block_counts,
    blow_up,
    normalised,
    reads_digits,
)
from gdtui.training.session import TrainingSession
from gdtui.training.settings import Settings, preset_settings


@pytest.fixture(scope="module")
def trained() -> TrainingSession:
    """The digits preset after 250 steps (95%+ validation accuracy: tests/test_digits.py)."""
    session = TrainingSession(preset_settings("digits"))
    session.run(250)
    return session


def draw(pad: Pad, start: tuple[int, int], moves: list[tuple[int, int, int]]) -> None:
    """As a learner with the keys: the cursor to `start`, pen down (space), then each
    (dx, dy, times) as arrow presses, pen up."""
    pad.cursor = start
    pad.toggle_pen()
    for dx, dy, times in moves:
        for _ in range(times):
            pad.move(dx, dy)
    pad.toggle_pen()


ONE = ((16, 3), [(0, 1, 26)])  # one straight stroke down
ZERO = ((16, 2), [(-1, 1, 6), (0, 1, 14), (1, 1, 6), (1, -1, 6), (0, -1, 14), (-1, -1, 6)])


def test_each_4x4_block_counts_its_ink_pixels():
    bitmap = np.zeros((SIZE, SIZE), dtype=bool)
    bitmap[0:4, 0:4] = True  # a full block: 16
    bitmap[4:6, 8:12] = True  # half of the block at row 1, column 2: 8
    bitmap[31, 31] = True  # one pixel of the last block
    counts = block_counts(bitmap)
    assert counts.shape == (8, 8)
    assert (counts[0, 0], counts[1, 2], counts[7, 7]) == (16, 8, 1)
    assert counts.sum() == 16 + 8 + 1


def test_an_empty_pad_is_all_white_minus_1_inputs():
    pad = Pad()
    assert pad.empty
    assert pad.inputs().shape == (64,)
    assert np.all(pad.inputs() == -1.0)


def test_every_image_of_the_data_blown_up_to_32x32_counts_back_to_itself():
    pixels, _ = digits.load_digits()
    for image in pixels:
        counts = image.reshape(8, 8)
        bitmap = blow_up(counts)
        assert bitmap.shape == (SIZE, SIZE) and bitmap.dtype == bool
        assert np.array_equal(block_counts(bitmap), counts)


def test_normalising_fills_the_height_keeps_a_digit_s_width_in_range_and_centres_it():
    pixels, _ = digits.load_digits()
    small = np.zeros((SIZE, SIZE), dtype=bool)
    small[2:14, 3:9] = blow_up(pixels[0].reshape(8, 8))[::2, ::2][:12, 5:11]  # a corner
    for bitmap in (small, blow_up(pixels[5].reshape(8, 8))):
        out = normalised(bitmap)
        rows, columns = np.flatnonzero(out.any(1)), np.flatnonzero(out.any(0))
        assert (rows[0], rows[-1]) == (0, SIZE - 1)
        assert MIN_WIDTH <= len(columns) <= MAX_WIDTH
        assert abs(np.nonzero(out)[1].mean() - (SIZE - 1) / 2) <= 1
    # where the digit was drawn does not matter
    moved = np.roll(np.roll(small, 15, axis=0), 20, axis=1)
    assert np.array_equal(normalised(moved), normalised(small))
    assert not normalised(np.zeros((SIZE, SIZE), dtype=bool)).any()


def test_keys_move_the_cursor_within_the_pad_and_draw_only_with_the_pen_down():
    pad = Pad()
    pad.cursor = (0, 0)
    pad.move(-1, -1)
    assert pad.cursor == (0, 0) and pad.empty  # the edge stops it; the pen is up
    for _ in range(40):
        pad.move(1, 0)
    assert pad.cursor == (SIZE - 1, 0) and pad.empty
    pad.toggle_pen()
    assert pad.pen_down and pad.bitmap[0, SIZE - 1]
    pad.move(0, 10)
    assert pad.bitmap[:11, SIZE - 1].all()  # the whole way down is inked
    pad.toggle_pen()
    pad.move(-10, 0)
    assert not pad.bitmap[10, SIZE - 11]


def test_erasing_rubs_out_around_the_cursor_and_clearing_wipes_the_pad():
    pad = Pad()
    draw(pad, *ONE)
    pad.cursor = (16, 15)
    pad.erase()
    assert not pad.bitmap[13:18, 14:19].any()
    assert pad.bitmap[5, 16] and pad.bitmap[27, 16]  # the rest of the stroke stays
    pad.stroke((16, 4), (16, 10), erase=True)  # the mouse's right button
    assert not pad.bitmap[5, 16] and pad.cursor == (16, 10)
    pad.clear()
    assert pad.empty and not pad.pen_down


def test_the_reader_answers_like_the_session_and_is_a_copy(trained):
    pad = Pad()
    draw(pad, *ZERO)
    reader = DigitReader.of(trained)
    expected = trained.probabilities(trained.network.forward(pad.inputs()[None]))[0]
    assert np.allclose(reader.probabilities(pad.inputs()), expected)
    assert reader.probabilities(pad.inputs()).sum() == pytest.approx(1.0)
    reader.network.parameter_vector[...] = 0.0  # a copy: the session's network is untouched
    assert np.allclose(trained.probabilities(trained.network.forward(pad.inputs()[None]))[0],
                       expected)
    assert np.allclose(reader.probabilities(pad.inputs()), 0.1)  # (and a whole network)


@pytest.mark.parametrize(("digit", "strokes"), [(0, ZERO), (1, ONE)])
def test_a_digit_drawn_with_the_keys_is_read_as_that_digit(trained, digit, strokes):
    pad = Pad()
    draw(pad, *strokes)
    probabilities = DigitReader.of(trained).probabilities(pad.inputs())
    assert int(np.argmax(probabilities)) == digit
    assert probabilities[digit] > 0.5


def test_a_digit_drawn_half_size_in_a_corner_is_read_as_well(trained):
    pad = Pad()
    draw(pad, (22, 12), [(-1, 1, 4), (0, 1, 8), (1, 1, 4), (1, 0, 2), (1, -1, 4), (0, -1, 8),
                         (-1, -1, 4), (-1, 0, 2)])
    assert not pad.bitmap[:10].any() and not pad.bitmap[:, :15].any()  # bottom right
    probabilities = DigitReader.of(trained).probabilities(pad.inputs())
    assert int(np.argmax(probabilities)) == 0


def test_only_a_digits_network_can_read_the_pad():
    assert reads_digits(preset_settings("digits"))
    assert not reads_digits(Settings(dataset="moons"))
    assert not reads_digits(preset_settings("digits").replace(data_file="mine.csv"))
    with pytest.raises(ValueError, match="digits"):
        DigitReader.of(TrainingSession(Settings(dataset="moons")))
