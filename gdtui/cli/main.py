"""The ``gdtui`` command: start the app, or run one of the headless subcommands."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from pathlib import Path

from gdtui import __version__
from gdtui.areas import place_names

# One thread for NumPy's matrix products, unless the environment asks for more (set before
# NumPy loads): gdtui's products are small, and on a busy machine a second thread waits for
# a core far longer than it saves. Evaluating a network on the 1,797 digits took 18 ms with
# OpenBLAS's two threads on a loaded 2-core machine, 2 ms with one; `gdtui train --preset
# digits` ran 1,800 steps/s instead of 5,500. (gdtui serve gives its learners one, too.)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Subcommands whose options live next to the code they drive: name -> (module, help). A module
# is imported only when its command is on the command line, so `gdtui`, `gdtui --help` and
# `gdtui --version` stay quick.
SUBCOMMANDS = {
    "check": ("gdtui.cli.check", "validate lesson and flashcard files"),
    "guess": ("gdtui.cli.guess", "play the guessing game without the UI"),
    "train": ("gdtui.cli.train", "train a network without the UI"),
    "cards": ("gdtui.cli.cards", "flashcard statistics and export"),
    "serve": ("gdtui.cli.serve", "host gdtui over SSH: one app per connection"),
}


MIN_FPS, MAX_FPS = 1, 60


def read_fps(text: str | None) -> int | None:
    """The ``--fps`` value as a whole number in range, or ValueError with the message to show."""
    if text is None:
        return None
    from gdtui.numbers import read_number

    return int(read_number(text, "--fps", low=MIN_FPS, high=MAX_FPS, whole=True))


class Parser(argparse.ArgumentParser):
    """argparse, reading ``--option=--`` as the value "--", as Python 3.13 does.

    Before 3.13 argparse drops that "--" and hands the option an empty list, which no check
    expects (a traceback, or an option silently ignored). As text, "--" meets the option's own
    check and gets the message any other bad value gets. Subcommand parsers inherit this.
    """

    def _get_values(self, action: argparse.Action, arg_strings: list[str]):
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


class LazySubcommands(argparse._SubParsersAction):
    """Subcommands listed with their help line; the one on the command line gets its options
    from its module (``configure``) just before argparse reads them."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        name = values[0]
        sub = self._name_parser_map.get(name)
        if sub is not None and not getattr(sub, "configured", False):
            module = importlib.import_module(SUBCOMMANDS[name][0])
            module.configure(sub)
            sub.set_defaults(run=module.run)
            sub.configured = True
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; a subcommand's own options are added when it is parsed."""
    parser = Parser(
        prog="gdtui",
        description="A terminal game and tutor that teaches how a neural network learns.",
        epilog="Run 'gdtui' with no command to start the app. Press ? inside for help.",
    )
    parser.add_argument("--version", action="version", version=f"gdtui {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where progress is stored (default: $GDTUI_DATA_DIR or the user data directory)",
    )
    parser.add_argument(
        "--lessons", type=Path, help="read lessons from this directory instead of the course"
    )
    parser.add_argument(
        "--open",
        metavar="SCREEN",
        help=f"start on a screen: {', '.join(place_names())}",
    )
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="do not track the mouse (saves bandwidth over SSH; every action has a key)",
    )
    parser.add_argument(
        "--fps",
        metavar="N",
        help=f"at most N screen updates a second, {MIN_FPS} to {MAX_FPS}: "
        "fewer saves bandwidth on a slow link (default: live charts pick their own pace)",
    )
    parser.add_argument(
        "--class-root",
        type=Path,
        metavar="DIR",
        help="open the teacher's class screen of the gdtui serve folder DIR (what a --teacher "
        "gets over SSH)",
    )
    # Given by gdtui serve to each learner's gdtui: where to say which area it shows.
    parser.add_argument("--area-file", type=Path, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", action=LazySubcommands)
    for name, (_module, help_text) in SUBCOMMANDS.items():
        commands.add_parser(name, help=help_text, description=help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gdtui`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is not None:
        try:
            return args.run(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
    return run_app(args)


def run_app(args: argparse.Namespace) -> int:
    """Open the store and run the Textual app."""
    from gdtui.store import Store, StoreError

    if args.open is not None and args.open not in place_names():
        names = ", ".join(place_names())
        print(f"gdtui: there is no screen called '{args.open}' (try: {names})", file=sys.stderr)
        return 2
    if args.lessons is not None and not args.lessons.is_dir():
        print(f"gdtui: lesson directory not found: {args.lessons}", file=sys.stderr)
        return 2
    if args.area_file is not None and not args.area_file.is_absolute():
        print(f"gdtui: --area-file needs an absolute path, not {args.area_file}",
              file=sys.stderr)
        return 2
    if args.class_root is not None and not args.class_root.is_dir():
        print(f"gdtui: there is no gdtui serve folder at {args.class_root}", file=sys.stderr)
        return 2
    try:
        fps = read_fps(args.fps)
    except ValueError as error:
        print(f"gdtui: {error}", file=sys.stderr)
        return 2
    # Importing Textual and building the first screen create objects by the hundred thousand,
    # nearly all kept for the whole session: collecting garbage meanwhile only costs time
    # (about a tenth of the start). GdtuiApp turns it back on once the first frame is shown.
    gc.disable()
    if fps is not None:
        # Textual reads its refresh cap once, when it is first imported.
        os.environ["TEXTUAL_FPS"] = str(fps)
    # Exported COLUMNS and LINES would pin the app to one size (Rich reads them first), and a
    # resized window would then be drawn wrong: follow the real terminal instead.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    try:
        store = Store.open(args.data_dir)
    except StoreError as error:
        print(f"gdtui: {error}", file=sys.stderr)
        return 1
    from gdtui.app import GdtuiApp

    app = GdtuiApp(store=store, lessons_dir=args.lessons, start_screen=args.open, fps=fps,
                   build_ahead=True, class_root=args.class_root, area_file=args.area_file)
    try:
        app.run(mouse=not args.no_mouse)
    finally:
        store.close()
    if app.return_code:
        return app.return_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
