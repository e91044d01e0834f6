"""The gdtui command line: version, help, and the lesson checker."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from gdtui import __version__
from gdtui.cli.main import SUBCOMMANDS, Parser, build_parser, main
from gdtui.course.lessons import default_lessons_dir
from tests.conftest import write_lesson


def run_gdtui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gdtui", *args], capture_output=True, text=True, timeout=60
    )


def test_version_and_help():
    result = run_gdtui("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"gdtui {__version__}"
    result = run_gdtui("--help")
    assert result.returncode == 0
    for word in ("check", "guess", "train", "cards", "--data-dir"):
        assert word in result.stdout


def test_check_passes_on_the_shipped_course(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_check_reports_file_and_line_and_fails(tmp_path, capsys):
    write_lesson(tmp_path, "01-a.md", id="a", order=1, body="See [x](lesson:missing).")
    (tmp_path / "02-empty.md").write_text("")
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{tmp_path / '01-a.md'}:10: link to unknown lesson 'missing'" in err
    assert f"{tmp_path / '02-empty.md'}:1: the file is empty" in err
    assert err[-1] == f"2 problem(s) in {tmp_path}"


def test_check_a_single_file(tmp_path, capsys):
    path = tmp_path / "x.md"
    path.write_text("no front matter")
    assert main(["check", str(path)]) == 1
    assert f"{path}:1: missing front matter" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "nope")]) == 1


def folder_of(tmp_path, *names: str) -> Path:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in names:
        (folder / name).write_text("hello\n")
    return folder


def link_loop(tmp_path) -> Path:
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    return loop


@pytest.mark.parametrize("make, reason", [
    pytest.param(folder_of, "no lesson files here (a lesson is a .md file)", id="empty folder"),
    pytest.param(lambda tmp: folder_of(tmp, "README.md", "notes.txt"),
                 "no lesson files here (a lesson is a .md file)", id="no lesson in the folder"),
    pytest.param(lambda tmp: Path("/dev/null"),
                 "not a regular file: give a lesson file (.md) or a folder of them", id="device"),
    pytest.param(lambda tmp: tmp / "nope", "no such file or directory", id="missing"),
    pytest.param(link_loop, "a link to nothing (broken, or a loop)", id="link loop"),
])
def test_check_refuses_a_path_with_no_lesson_in_one_line(tmp_path, capsys, make, reason):
    # Before: "ok: 0 lesson file(s) in /etc" with exit 0, and "/dev/null:1: no such file or
    # directory".
    path = make(tmp_path)
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"gdtui check: {path}: {reason}\n"


def test_check_refuses_a_system_folder_with_no_lessons(capsys):
    assert main(["check", "/etc"]) == 1
    assert capsys.readouterr().err == ("gdtui check: /etc: no lesson files here (a lesson is a "
                                       ".md file)\n")


def test_a_missing_lesson_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["--lessons", str(tmp_path / "nope"), "--data-dir", str(tmp_path)]) == 2
    assert "lesson directory not found" in capsys.readouterr().err


def test_an_unknown_start_screen_is_a_clear_error(tmp_path, capsys):
    assert main(["--open", "zoo", "--data-dir", str(tmp_path)]) == 2
    assert "no screen called 'zoo'" in capsys.readouterr().err


def test_startup_does_not_import_heavy_modules():
    # Import hygiene: starting the app pulls in neither numpy, plotext, the scheduler's FSRS,
    # the SSH server nor any subcommand's module, also once the home screen has read the
    # course (whose lab links name presets).
    heavy = ("numpy", "plotext", "fsrs", "asyncssh", *(m for m, _ in SUBCOMMANDS.values()))
    code = (
        "import sys, gdtui.cli.main, gdtui.app, gdtui.screens.home; "
        "from gdtui.course.lessons import load_course; "
        "assert 'random+guess' in load_course().get('guessing-network').body; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def subcommand_modules_loaded(*argv: str) -> tuple[list[str], subprocess.CompletedProcess]:
    """Run `gdtui ARGV` in a fresh interpreter: the subcommand modules it imported, and what it
    printed."""
    code = (
        "import sys\n"
        "from gdtui.cli.main import SUBCOMMANDS, main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m, _ in SUBCOMMANDS.values() if m in sys.modules]\n"
        "print('LOADED:' + ','.join(loaded), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    marks = [line for line in result.stderr.splitlines() if line.startswith("LOADED:")]
    assert marks, result.stderr
    return [m for m in marks[-1].removeprefix("LOADED:").split(",") if m], result


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_import_no_subcommand(option):
    loaded, result = subcommand_modules_loaded(option)
    assert loaded == []
    assert result.stdout.strip()  # and still printed what it should


def test_help_lists_every_subcommand_with_its_help_line():
    result = run_gdtui("--help")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        assert any(line.split() == [name, *help_text.split()]
                   for line in result.stdout.splitlines()), name


# An option of each subcommand that only its own module adds.
OWN_OPTIONS = {"check": "path", "guess": "--sweep", "train": "--hidden", "cards": "export",
               "serve": "--max-sessions"}


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_a_subcommands_help_shows_its_options_and_imports_only_it(name):
    loaded, result = subcommand_modules_loaded(name, "--help")
    assert loaded == [SUBCOMMANDS[name][0]]
    assert result.stdout.startswith(f"usage: gdtui {name}")
    assert OWN_OPTIONS[name] in result.stdout


def test_command_line_errors_still_name_the_problem(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["zoo"])
    assert exit_.value.code == 2
    assert "invalid choice: 'zoo'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["guess", "--bogus"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
    # The global options before a command, the command's own after it, in one command line.
    lessons = str(default_lessons_dir())
    assert main(["--lessons", lessons, "check", lessons]) == 0


# `--option=--` is the value "--" (as in Python 3.13), never the empty list argparse 3.11 gave.
# A path or a host name takes "--" as a name like any other; every other option refuses it
# with its own one-line message, as it refuses any bad value.
NAMES = {"--data-dir", "--root", "--authorized-keys", "--host"}
# The required arguments to put before the option.
NEEDS = {("cards", "export"): ["-"], ("cards", "grade"): ["some-id", "an answer"]}


def one_value_options(parser: argparse.ArgumentParser, command: list[str]):
    """(command, option, dest) for each option of `parser` (and its subcommands) taking one
    value."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from one_value_options(sub, [*command, name])
        elif action.option_strings and action.nargs is None:
            yield ([*command, *NEEDS.get(tuple(command), [])], action.option_strings[-1],
                   action.dest)


def every_one_value_option():
    # the global options; each subcommand's own are added when it is parsed, so add them here
    top = [(command, option, dest) for command, option, dest
           in one_value_options(build_parser(), []) if not command]
    for name, (module_name, _help) in SUBCOMMANDS.items():
        parser = Parser(prog=f"gdtui {name}")
        importlib.import_module(module_name).configure(parser)
        top.extend(one_value_options(parser, [name]))
    return top


OPTIONS = every_one_value_option()


def test_every_option_is_probed():
    probed = {(command[0] if command else "gdtui", option) for command, option, _ in OPTIONS}
    assert {("train", "--steps"), ("train", "--lr"), ("train", "--data"),
            ("train", "--dataset"), ("guess", "--start"), ("cards", "--lessons"),
            ("cards", "--lesson"), ("serve", "--port"), ("gdtui", "--fps")} <= probed
    assert len(OPTIONS) >= 40


def probes(options):
    return [pytest.param(command, option, dest, id=" ".join([*command, f"{option}=--"]))
            for command, option, dest in options]


@pytest.mark.parametrize("command, option, dest", probes(OPTIONS))
def test_an_option_given_double_dash_reads_it_as_its_value(command, option, dest):
    args = build_parser().parse_args([*command, f"{option}=--"])
    value = getattr(args, dest)
    assert str(value[-1] if isinstance(value, list) else value) == "--"  # (a repeatable one)


@pytest.mark.parametrize("command, option, dest",
                         probes(o for o in OPTIONS if o[1] not in NAMES))
def test_an_option_given_double_dash_gets_the_line_any_bad_value_gets(command, option, dest,
                                                                      capsys,
                                                                      tmp_path, monkeypatch):
    monkeypatch.setenv("GDTUI_DATA_DIR", str(tmp_path))

    def answer(value: str) -> tuple[int, str, str]:
        code = main([*command, f"{option}={value}"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, out, err = answer("--")
    assert (code, out) == (2, "")
    assert err.startswith("gdtui") and err.count("\n") == 1, err
    bad = answer("@@")
    assert (code, out, err) == (bad[0], bad[1], bad[2].replace("@@", "--"))
