"""The gdtui command line: version, help, and the lesson checker."""

from __future__ import annotations

import subprocess
import sys

from gdtui import __version__
from gdtui.cli.main import main
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


def test_a_missing_lesson_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["--lessons", str(tmp_path / "nope"), "--data-dir", str(tmp_path)]) == 2
    assert "lesson directory not found" in capsys.readouterr().err


def test_an_unknown_start_screen_is_a_clear_error(tmp_path, capsys):
    assert main(["--open", "zoo", "--data-dir", str(tmp_path)]) == 2
    assert "no screen called 'zoo'" in capsys.readouterr().err


def test_startup_does_not_import_heavy_modules():
    # Import hygiene: the app module must not pull numpy or plotext in at startup.
    code = (
        "import sys, gdtui.cli.main, gdtui.app, gdtui.screens.home; "
        "print(','.join(m for m in ('numpy', 'plotext', 'fsrs') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
