"""``gdtui serve``: host gdtui over SSH, one app in its own terminal per connection.

    gdtui serve [--host 127.0.0.1] [--port 2222] [--root DIR] [--authorized-keys FILE] [--open]
                [--max-sessions 20] [--idle-timeout 1800] [--fps N] [--no-mouse]
                [--login-grace-time 20] [--max-startups 20:30:100] [--per-source-max-startups 20]
                [--max-memory 512] [--teacher NAME ...]
    gdtui serve report [--root DIR] [--json | --csv]

The server itself (asyncssh) is imported only when the command runs, so that ``gdtui`` starts
fast. Options are checked here and a bad one is one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gdtui.serve.config import ServeConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2222
DEFAULT_MAX_SESSIONS = 20
MAX_SESSIONS_LIMIT = 1000
DEFAULT_IDLE_TIMEOUT = 1800
DEFAULT_LOGIN_GRACE, MIN_LOGIN_GRACE, MAX_LOGIN_GRACE = 20, 5, 600
DEFAULT_MAX_STARTUPS = "20:30:100"
DEFAULT_PER_SOURCE = 20
# Measured with the lab training: a session's data memory peaks near 150 MiB at 80x24, 175 MiB
# at 250x80 and 300 MiB at 640x270 (a 4K screen in a small font).
DEFAULT_MAX_MEMORY, MIN_MAX_MEMORY, MAX_MAX_MEMORY = 512, 256, 1 << 20
ROOT_FOLDER = "serve"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``gdtui serve``."""
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"the address to listen on (default: {DEFAULT_HOST}, this machine "
                        "only; 0.0.0.0 for every network)")
    parser.add_argument("--port", default=str(DEFAULT_PORT),
                        help=f"the port to listen on (default: {DEFAULT_PORT}; 0 picks a free "
                        "one, shown in the log)")
    parser.add_argument("--root", type=Path, metavar="DIR",
                        help="the server's folder: host key, authorized_keys, each learner's "
                        "progress (default: --data-dir, else a 'serve' folder in the user "
                        "data directory)")
    parser.add_argument("--authorized-keys", type=Path, metavar="FILE",
                        help="public keys allowed to log in, OpenSSH format "
                        "(default: ROOT/authorized_keys)")
    parser.add_argument("--open", dest="open_to_all", action="store_true",
                        help="no authentication: anyone who can reach the port comes in as a "
                        "guest under any name they choose")
    parser.add_argument("--max-sessions", default=str(DEFAULT_MAX_SESSIONS), metavar="N",
                        help=f"sessions at once (default: {DEFAULT_MAX_SESSIONS})")
    parser.add_argument("--idle-timeout", default=str(DEFAULT_IDLE_TIMEOUT), metavar="SECONDS",
                        help="end a session after this long without a key pressed "
                        f"(default: {DEFAULT_IDLE_TIMEOUT}; 0: never)")
    parser.add_argument("--login-grace-time", default=str(DEFAULT_LOGIN_GRACE), metavar="SECONDS",
                        help="time a connection has to log in and start its app "
                        f"(default: {DEFAULT_LOGIN_GRACE}; {MIN_LOGIN_GRACE} to {MAX_LOGIN_GRACE})")
    parser.add_argument("--max-startups", default=DEFAULT_MAX_STARTUPS,
                        metavar="START:RATE:FULL",
                        help="connections waiting to log in: past START, RATE percent of "
                        "newcomers are refused at random; past FULL, the stalest gives way to "
                        f"the newcomer (default: {DEFAULT_MAX_STARTUPS})")
    parser.add_argument("--per-source-max-startups", default=str(DEFAULT_PER_SOURCE),
                        metavar="N",
                        help="connections waiting to log in from one address (an IPv6 /64); "
                        f"past N the stalest of them gives way (default: {DEFAULT_PER_SOURCE})")
    parser.add_argument("--max-memory", default=str(DEFAULT_MAX_MEMORY), metavar="MIB",
                        help="memory each learner's gdtui may use, in MiB: past it, that gdtui "
                        f"alone stops (default: {DEFAULT_MAX_MEMORY}; at least {MIN_MAX_MEMORY})")
    parser.add_argument("--teacher", action="append", default=[], metavar="NAME",
                        help="NAME gets the class screen (every learner's progress, who is "
                        "where) besides their own app, when they log in with the key whose "
                        "line in authorized_keys ends with NAME; repeat for several teachers")
    # Own names: the global --fps/--no-mouse would otherwise be overwritten by these defaults.
    parser.add_argument("--fps", dest="serve_fps", metavar="N",
                        help="passed to each learner's gdtui: at most N screen updates a second")
    parser.add_argument("--no-mouse", dest="serve_no_mouse", action="store_true",
                        help="passed to each learner's gdtui: no mouse tracking (less traffic)")
    parser.add_argument("--lessons", dest="serve_lessons", type=Path, metavar="DIR",
                        help="passed to each learner's gdtui: the lessons to read")
    # Optional: 'gdtui serve' alone runs the server.
    actions = parser.add_subparsers(dest="serve_command", metavar="[report]",
                                    title="instead of running the server")
    report = actions.add_parser(
        "report", help="print the teacher's class table without the server",
        description="Print one row per learner of a gdtui serve folder: online and where, last "
        "active, lessons read, exercises, flashcards due and recall, the guessing game's best "
        "and lab challenges passed, with the class summary. Reads each learner's progress "
        "read-only, so it can run beside the server.")
    # SUPPRESS: a `gdtui serve --root X report` keeps its X.
    report.add_argument("--root", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="the server's folder (as for gdtui serve)")
    report.add_argument("--lessons", dest="serve_lessons", type=Path, metavar="DIR",
                        default=argparse.SUPPRESS,
                        help="the lessons the server was given (for the lessons finished)")
    shape = report.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true",
                       help="print the rows and the class summary as JSON")
    shape.add_argument("--csv", action="store_true", help="print one CSV row per learner")
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    """``gdtui serve report``."""
    from gdtui.cli import serve_report

    return serve_report.run(args, serve_root(args))


def run(args: argparse.Namespace) -> int:
    """Check the options, then run the server until Ctrl-C; 1 or 2 with a message if it can't."""
    try:
        # imports gdtui.serve.users, and so asyncssh: not at gdtui's start
        config = build_config(args)
    except ValueError as error:
        print(f"gdtui serve: {error}", file=sys.stderr)
        return 2
    from gdtui.serve import server

    return server.run(config)


def serve_root(args: argparse.Namespace) -> Path:
    """The server's folder: --root, else --data-dir, else 'serve' in the user data directory."""
    root = getattr(args, "root", None) or args.data_dir
    if root is None:
        from gdtui.store import default_data_dir

        root = default_data_dir() / ROOT_FOLDER
    return root.expanduser().absolute()


def build_config(args: argparse.Namespace) -> ServeConfig:
    """The ServeConfig for these options; ValueError with the message to show if one is bad."""
    from gdtui.cli.main import read_fps
    from gdtui.numbers import read_number

    if not args.host.strip():
        # asyncssh reads an empty host as "every interface": the opposite of what was typed
        raise ValueError("--host needs an address: 127.0.0.1 for this machine only, "
                         "0.0.0.0 for every network")
    port = int(read_number(args.port, "--port", low=0, high=65535, whole=True))
    max_sessions = int(read_number(args.max_sessions, "--max-sessions", low=1,
                                   high=MAX_SESSIONS_LIMIT, whole=True))
    idle_timeout = read_number(args.idle_timeout, "--idle-timeout", low=0)
    login_grace = read_number(args.login_grace_time, "--login-grace-time", low=MIN_LOGIN_GRACE,
                              high=MAX_LOGIN_GRACE)
    per_source = int(read_number(args.per_source_max_startups, "--per-source-max-startups",
                                 low=1, high=10000, whole=True))
    max_memory = int(read_number(args.max_memory, "--max-memory", low=MIN_MAX_MEMORY,
                                 high=MAX_MAX_MEMORY, whole=True))
    from gdtui.serve.startups import StartupLimits

    startup_limits = StartupLimits.parse(args.max_startups, per_source)
    fps = read_fps(args.serve_fps if args.serve_fps is not None else args.fps)
    app_args: list[str] = []
    if fps is not None:
        app_args += ["--fps", str(fps)]
    if args.serve_no_mouse or args.no_mouse:
        app_args.append("--no-mouse")
    lessons = args.serve_lessons or args.lessons
    if lessons is not None:
        if not lessons.is_dir():
            raise ValueError(f"lesson directory not found: {lessons}")
        app_args += ["--lessons", str(lessons.resolve())]
    root = serve_root(args)
    if args.teacher and args.open_to_all:
        raise ValueError("--teacher cannot go with --open: anyone could log in under the "
                         "teacher's name")
    from gdtui.serve.config import ServeConfig
    from gdtui.serve.users import AUTHORIZED_KEYS_NAME

    keys = args.authorized_keys or root / AUTHORIZED_KEYS_NAME
    return ServeConfig(
        host=args.host, port=port, root=root, authorized_keys=keys.expanduser().absolute(),
        open_to_all=args.open_to_all, max_sessions=max_sessions, idle_timeout=idle_timeout,
        app_args=app_args, startup_limits=startup_limits, login_grace=login_grace,
        memory_ceiling=max_memory * 1024 * 1024, teachers=tuple(dict.fromkeys(args.teacher)),
    )
