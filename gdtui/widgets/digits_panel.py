"""The Training Lab's digits panel: validation digits with the network's guesses, the confusion
matrix, and the first layer's weights as 8x8 images (training/digits_picture.py makes the data).

Everything reads without colour (NO_COLOR, 16 colours): digits are half blocks (▀ ▄ █), a guess
is marked ✓ or ✗, the matrix's diagonal is [bracketed], and a weight's sign is its glyph family
(░ ▒ ▓ where ink makes the unit fire, - = ≡ where ink quiets it); colour comes on top. When the
three views do not fit the panel (80x24), one shows at a time and `m` moves to the next, with
the network's mistakes as a fourth; from 120x40 all three show and `m` swaps the digits for the
mistakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from rich.style import Style
from textual.color import Color
from textual.message import Message
from textual.strip import Strip

from gdtui.training.digits import MAX_COUNT, N_CLASSES, SIDE
from gdtui.training.digits_picture import Digits, DigitsPicture, by_digit
from gdtui.widgets.repaint import LiveLines, style_runs

VIEWS = ("digits", "mistakes", "confusion", "weights")
GRIDS = ("digits", "mistakes")  # the views of digit images: the top one when all show
VIEW_KEY = "m"
INK = 5  # a pixel count (of 16) from which a pixel is drawn as ink
HALF_BLOCKS = " ▀▄█"  # by which half is ink: none, upper, lower, both
# A weight's glyph by sign and size (level 1..3 of |weight| against the layer's scale).
POSITIVE, NEGATIVE = " ░▒▓", " -=≡"
WEIGHT_LEVELS = (0.25, 0.5, 0.75)  # the sizes where levels 1, 2 and 3 begin
COLOURS = {"right": "#5cb85c", "wrong": "#e4572e", "positive": "#f28e2b",
           "negative": "#4e9de6"}
IMAGE = SIDE  # an image's width in cells
GRID_GAP = 2  # cells between two digits of the grid
WEIGHTS_GAP = 2  # and between two weight images
LABEL_ROWS = 1  # the line under each image
MATRIX_ROWS = 1 + N_CLASSES  # header and one row per digit
DIGIT_TILE = SIDE // 2 + LABEL_ROWS  # a digit in half blocks and its label
WEIGHT_TILE = SIDE + LABEL_ROWS  # a weight image, full size, and its label

Cell = tuple[str, object]  # a character and the kind of style it is drawn in


# a weight's cell by its signed level, -3..3
WEIGHT_CELLS = {**{level: (POSITIVE[level], ("positive", level)) for level in (1, 2, 3)},
                **{-level: (NEGATIVE[level], ("negative", level)) for level in (1, 2, 3)},
                0: (" ", "text")}


def _text(text: str, kind: object = "text") -> list[Cell]:
    return [(char, kind) for char in text]


def guess_label(guess: int, label: int, sureness: float) -> str:
    """What goes under a digit: "7✓ 98%" (right, and how sure) or "3✗ is 8" (wrong)."""
    if guess == label:
        return f"{guess}✓ {sureness:.0%}"
    return f"{guess}✗ is {label}"


def digit_rows(image: np.ndarray) -> list[list[Cell]]:
    """An 8x8 image of pixel counts as 4 lines of half blocks, each cell two pixels."""
    counts = image.astype(np.int64)
    inked = counts >= INK
    upper, lower = inked[0::2], inked[1::2]
    strength = np.maximum(np.where(upper, counts[0::2], 0), np.where(lower, counts[1::2], 0))
    levels = np.minimum(3, strength * 4 // (MAX_COUNT + 1)).tolist()
    glyphs = (upper + 2 * lower).tolist()  # 0 none, 1 upper, 2 lower, 3 both
    return [[(HALF_BLOCKS[glyph], ("ink", level)) for glyph, level in zip(g, v, strict=True)]
            for g, v in zip(glyphs, levels, strict=True)]


def weight_rows(image: np.ndarray, compact: bool) -> list[list[Cell]]:
    """An 8x8 weight image in [-1, 1] as 8 lines, or `compact` as 4 (each cell the mean of two
    rows): each weight a glyph of its sign and size, in a style of both."""
    if compact:
        image = (image[0::2] + image[1::2]) / 2
    levels = np.searchsorted(WEIGHT_LEVELS, np.abs(image), side="right")
    signed = np.where(image > 0, levels, -levels).tolist()
    return [[WEIGHT_CELLS[value] for value in row] for row in signed]


def _across(width: int, gap: int) -> int:
    """How many images (and the gaps between them) fit across `width`."""
    return max(1, (width + gap) // (IMAGE + gap))


def _tiles(n: int, tile: Callable[[int], tuple[list[list[Cell]], list[Cell]]], width: int,
           gap: int, tile_height: int, rows: int) -> list[list[Cell]]:
    """Images with a label under each (`tile(k)`, `tile_height` lines in all), side by side as
    many as `width` holds, in as many rows of images as fit in `rows` lines."""
    across = _across(width, gap)
    lines: list[list[Cell]] = []
    for start in range(0, min(n, across * (rows // tile_height)), across):
        row = [tile(k) for k in range(start, min(start + across, n))]
        for y in range(tile_height):
            line: list[Cell] = []
            for k, (image, label) in enumerate(row):
                if k:
                    line += _text(" " * gap)
                cells = image[y] if y < len(image) else label
                line += cells[:IMAGE] + _text(" " * (IMAGE - len(cells)))
            lines.append(line)
    return lines


def _title(long: str, short: str, width: int) -> list[Cell]:
    return _text(long if len(long) <= width else short, "title")


def _digit_tiles(group: Digits, width: int, rows: int) -> list[list[Cell]]:
    """As many of `group`'s digits as fit, each with its guess marked."""
    labels, guesses = group.labels.tolist(), group.guesses.tolist()
    sureness = group.sureness.tolist()

    def tile(k: int) -> tuple[list[list[Cell]], list[Cell]]:
        guess, label = guesses[k], labels[k]
        return (digit_rows(group.images[k]), _text(guess_label(guess, label, sureness[k]),
                                                   "right" if guess == label else "wrong"))

    return _tiles(len(labels), tile, width, GRID_GAP, DIGIT_TILE, rows)


def grid_lines(picture: DigitsPicture, width: int, rows: int) -> list[list[Cell]]:
    """The title and as many of the sample's digits as fit, each with its guess marked."""
    n, right = picture.n_validation, picture.n_right
    share = f" ({right / n:.1%})" if n else ""
    # at this step, which may be later than the status line's last evaluation
    short = f"step {picture.step:,}: {right} of {n} right{share}"
    return [_title(f"validation digits, {short}", short, width),
            *_digit_tiles(picture.sample, width, rows - 1)]


def mistakes_lines(picture: DigitsPicture, width: int, rows: int) -> list[list[Cell]]:
    """The title and as many of the digits the network reads wrong as fit."""
    wrong = picture.n_validation - picture.n_right
    if not wrong:
        return [_text(f"step {picture.step:,}: no mistakes, all {picture.n_validation} right",
                      "title")]
    lines = _digit_tiles(picture.mistakes, width, rows - 1)
    shown = min(wrong, len(lines) // DIGIT_TILE * _across(width, GRID_GAP))
    first = f" (the first {shown})" if shown < wrong else ""
    short = f"{wrong} mistakes of {picture.n_validation}{first}"
    return [_title(f"step {picture.step:,}: {short}", short, width), *lines]


def _count(count: int) -> str:
    return str(count) if count else "·"


def matrix_lines(confusion: np.ndarray, width: int) -> list[list[Cell]]:
    """The confusion matrix: a row per true digit, a column per guess, the diagonal (the
    images read right) [bracketed]; numbers line up under their guess."""
    digits_wide = len(str(int(confusion.max())))
    cell = digits_wide + 2  # "[44]", or "  3 " off the diagonal
    label = 2 if width >= 2 + N_CLASSES * cell else 1
    lines = [_text(" " * label + "".join(f"{k:>{cell - 1}} " for k in range(N_CLASSES)),
                   "muted")]
    for true, counts in enumerate(confusion.tolist()):
        line = _text(f"{true:<{label}}", "muted")
        for guess, count in enumerate(counts):
            if guess == true:
                line += _text(f"[{count:>{digits_wide}}]", "diagonal")
            else:
                line += _text(f"{_count(count):>{cell - 1}} ", "missed" if count else "muted")
        lines.append(line)
    return lines


def summary_lines(confusion: np.ndarray, width: int) -> list[list[Cell]]:
    """The confusion matrix in four lines, for a short panel: per digit, how many read
    right, how many wrong, and the guess it is most often taken for."""
    cell = 4 if 9 + N_CLASSES * 4 <= width else 3
    right, wrong, taken_for = by_digit(confusion)
    rows = [("digit", [str(k) for k in range(N_CLASSES)], "muted"),
            ("right", [str(c) for c in right], "diagonal"),
            ("wrong", [_count(c) for c in wrong], "missed"),
            ("taken for", [str(k) if k >= 0 else "·" for k in taken_for], "missed")]
    return [_text(f"{name:<9}", "muted") + _text("".join(v.rjust(cell) for v in values), kind)
            for name, values, kind in rows]


def confusion_lines(picture: DigitsPicture, width: int, rows: int) -> list[list[Cell]]:
    """The title and the matrix, or its four-line summary when the matrix does not fit."""
    if rows >= 1 + MATRIX_ROWS:
        return [_text("confusion: rows digits, columns guesses", "title"),
                *matrix_lines(picture.confusion, width)]
    n, right = picture.n_validation, picture.n_right
    return [_text(f"confusion: {right} of {n} right, by digit", "title"),
            *summary_lines(picture.confusion, width)]


def weights_lines(picture: DigitsPicture, width: int, rows: int) -> list[list[Cell]]:
    """The title and as many weight images as fit: full size (8 lines) when a row of them
    fits, else at half height."""
    compact = rows < 1 + SIDE + LABEL_ROWS
    what = "each hidden unit" if picture.weights_of == "unit" else "each digit's output"
    first = "h1" if picture.weights_of == "unit" else "0"  # how the units are named

    def tile(k: int) -> tuple[list[list[Cell]], list[Cell]]:
        name = f"h{k + 1}" if first == "h1" else str(k)
        return weight_rows(picture.weights[k], compact), _text(name, "muted")

    n = len(picture.weights)
    tile_height = (SIDE // 2 if compact else SIDE) + LABEL_ROWS
    lines = _tiles(n, tile, width, WEIGHTS_GAP, tile_height, rows - 1)
    shown = min(n, len(lines) // tile_height * _across(width, WEIGHTS_GAP))
    more = f" ({shown} of {n})" if shown < n else ""
    return [_text(f"what {what} looks for{more}", "title"), *lines]


SECTIONS = {"digits": grid_lines, "mistakes": mistakes_lines, "confusion": confusion_lines,
            "weights": weights_lines}
# The fewest lines each view needs to be worth showing next to the others.
# ("digits" stands for the grid on top: the digits or the mistakes)
ALL_THREE = {"digits": 1 + DIGIT_TILE, "confusion": 1 + MATRIX_ROWS,
             "weights": 1 + WEIGHT_TILE}


def layout(width: int, height: int, n_units: int) -> dict[str, int] | None:
    """Lines for each view when all three fit in `height`, or None: then one view shows at a
    time. Spare lines go to another row of weight images and of digits in turn, while a whole
    row fits (and there are units left to show)."""
    spare = height - sum(ALL_THREE.values())
    if spare < 0:
        return None
    plan = dict(ALL_THREE)
    weight_rows_left = -(-n_units // _across(width, WEIGHTS_GAP)) - 1
    weights_first = True
    while spare >= DIGIT_TILE:
        if weight_rows_left and spare >= WEIGHT_TILE and weights_first:
            plan["weights"] += WEIGHT_TILE
            spare -= WEIGHT_TILE
            weight_rows_left -= 1
        else:
            plan["digits"] += DIGIT_TILE
            spare -= DIGIT_TILE
        weights_first = not weights_first
    return plan


def panel_lines(picture: DigitsPicture, view: str, width: int,
                height: int) -> list[list[Cell]]:
    """Every line of the panel: the digits (or the mistakes, as `view` says), the confusion
    matrix and the weights if they fit, else the one view chosen."""
    plan = layout(width, height, len(picture.weights)) or {view: height}
    top = view if view in GRIDS else "digits"
    lines: list[list[Cell]] = []
    for name, rows in plan.items():
        lines += SECTIONS[top if name == "digits" else name](picture, width, rows)[:rows]
    return lines[:height]


def next_view(view: str, all_shown: bool) -> str:
    """The view `m` moves to: the next of the four, or with all shown, the other grid (the
    digits or the mistakes) above the matrix and the weights."""
    if all_shown:
        return "mistakes" if view == "digits" else "digits"
    return VIEWS[(VIEWS.index(view) + 1) % len(VIEWS)]


def legend(view: str, all_shown: bool, width: int = 80) -> str:
    """The key to the panel, for its bottom border (markup: "\\[" is a bracket): what the
    marks mean, and where `m` goes; shortened to fit `width`."""
    keys = {"digits": "✓ right  ✗ wrong (is: the digit)", "mistakes": "✗ wrong (is: the digit)",
            "confusion": "\\[n] read right  · none",
            "weights": "░▒▓ ink fires it  -=≡ ink quiets it"}
    goes = f"{VIEW_KEY}: {next_view(view, all_shown)}"
    if all_shown:
        full = f"✓ right ✗ wrong  ░▒▓ fires -=≡ quiets  {goes}"
        return full if len(full) <= width else f"✓ right ✗ wrong  {goes}"
    return f"{keys[view]}  {goes}"


class DigitsPanel(LiveLines):
    """The digits panel: the grid, the confusion matrix and the weights, or one of them."""

    DEFAULT_CSS = "DigitsPanel { width: 1fr; height: 1fr; }"

    class Resized(Message):
        """The panel changed size: all three views may fit now, or no longer."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.view = VIEWS[0]
        self.picture: DigitsPicture | None = None
        self._styles: dict[object, Style] = {}
        self._colours: tuple[Color, Color] | None = None  # (background, text) of the styles

    @property
    def all_shown(self) -> bool:
        """True when the panel is tall enough for all three views at once."""
        return self.size.height >= sum(ALL_THREE.values())

    def show(self, picture: DigitsPicture) -> None:
        """Draw `picture` (only the lines that changed go out)."""
        self.picture = picture
        self.repaint_changes()

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    def next_view(self) -> str:
        """Move to the next view (see `next_view`) and return its name."""
        self.view = next_view(self.view, self.all_shown)
        self.repaint_changes()
        return self.view

    def legend(self) -> str:
        """The key to what the panel shows now, for its border."""
        return legend(self.view, self.all_shown, self.size.width - 4)

    def _style(self, kind: object) -> Style:
        style = self._styles.get(kind)
        if style is None:
            style = self._styles[kind] = self._make_style(kind)
        return style

    def _make_style(self, kind: object) -> Style:
        base, text = self._colours or (Color(0, 0, 0), Color(255, 255, 255))
        background = base.rich_color
        name, level = kind if isinstance(kind, tuple) else (kind, 3)
        bold = name in ("title", "right", "wrong", "diagonal")
        if self.app.no_color or name in ("text", "title"):
            colour = text
        elif name == "ink":
            colour = base.blend(text, 0.45 + 0.55 * level / 3)
        elif name == "muted":
            colour = base.blend(text, 0.5)
        else:
            hue = COLOURS.get(name, COLOURS["right" if name == "diagonal" else "wrong"])
            colour = base.blend(Color.parse(hue), 0.4 + 0.6 * level / 3)
        return Style(color=colour.rich_color, bgcolor=background, bold=bold)

    def _layout(self) -> tuple:
        return (*super()._layout(), self.view)

    def _build(self) -> list[Strip]:
        colours = (self.background_colors[1], self.colors[3])
        if colours != self._colours:  # a new theme
            self._styles.clear()
            self._colours = colours
        width, height = self.size.width, self.size.height
        if self.picture is None or not width or not height:
            return []
        plain = self.rich_style
        return [Strip(style_runs(self._styled(line)), len(line)).adjust_cell_length(width, plain)
                .crop(0, width) for line in panel_lines(self.picture, self.view, width, height)]

    def _styled(self, line: Iterable[Cell]) -> list[tuple[str, Style]]:
        return [(char, self._style(kind)) for char, kind in line]
