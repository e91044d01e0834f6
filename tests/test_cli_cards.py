"""``gdtui cards stats`` and ``gdtui cards export`` on small lesson directories."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from gdtui.cli.cards import ANKI_HEADER
from gdtui.cli.main import main
from gdtui.course.cardfile import load_cards
from gdtui.course.lessons import load_course
from gdtui.course.review import ReviewSession
from gdtui.course.schedule import EASY, GOOD
from gdtui.store import Store

CARDS = """
## Flashcards

Q: What does a loss function produce? {#loss-output}
A: One number that says how wrong the prediction is.

C: Mean squared error takes the [mean] of the squares.

Q: Which loss is the usual choice for categories?
- [ ] Mean squared error
- [x] Cross-entropy
A: It measures "surprise".

Q: Broken card with no answer
"""


def make_lessons(tmp_path: Path) -> Path:
    directory = tmp_path / "lessons"
    directory.mkdir()
    (directory / "01-loss.md").write_text(
        "---\nid: loss\ntitle: Loss\norder: 1\nminutes: 2\nsummary: s\n---\n# Loss\n\nText.\n"
        + CARDS,
        encoding="utf-8",
    )
    (directory / "02-rate.md").write_text(
        "---\nid: rate\ntitle: Rate\norder: 2\nminutes: 2\nsummary: s\n---\n# Rate\n\nText.\n"
        "\n## Flashcards\n\nQ: What is the learning rate?\nT: step size | learning rate\n",
        encoding="utf-8",
    )
    return directory


def test_stats_json_counts_reviews_from_the_store(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    data = tmp_path / "data"
    store = Store.open(data)
    cards, _ = load_cards(load_course(lessons).lessons)
    session = ReviewSession(store, cards, cards[:2], clock=lambda: datetime.now(UTC))
    session.grade(EASY)
    session.grade(GOOD)
    store.close()

    assert main(["--data-dir", str(data), "--lessons", str(lessons), "cards", "stats", "--json"]) \
        == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["total_cards"] == 4
    assert figures["studied"] == 2
    assert figures["reviews_total"] == 2
    assert figures["retention"] == 1.0
    assert figures["streak"] == 1
    assert figures["reviews_per_day"][-1]["reviews"] == 2
    assert [(m["lesson_id"], m["cards"], m["studied"]) for m in figures["mastery"]] == [
        ("loss", 3, 2), ("rate", 1, 0)
    ]
    assert figures["mastery"][0]["mastered"] == 1  # Easy gives a first stability above 7 days


def test_stats_as_text_with_options_after_the_action(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    code = main(["cards", "stats", "--data-dir", str(tmp_path / "d"), "--lessons", str(lessons)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Cards: 4 (0 studied, 4 new)" in out
    assert "Retention (reviews not graded Again): no reviews yet" in out
    assert "  Loss: 0/3 mastered (0%), 0 studied" in out


def test_export_writes_a_file_anki_understands(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    target = tmp_path / "cards.txt"
    assert main(["--lessons", str(lessons), "cards", "export", str(target)]) == 0
    err = capsys.readouterr().err
    assert "wrote 4 card(s)" in err
    assert "skipped: " in err and "this Q: has no answer" in err
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[:3] == list(ANKI_HEADER)
    rows = list(csv.reader(text.splitlines()[3:], delimiter="\t"))
    assert rows[0] == ["What does a loss function produce?",
                       "One number that says how wrong the prediction is.", "gdtui gdtui::loss"]
    assert rows[1][:2] == ["Mean squared error takes the _____ of the squares.",
                           "Mean squared error takes the mean of the squares."]
    choice = list(csv.reader(text.splitlines(keepends=True)[3:], delimiter="\t"))[2]
    assert choice[0].endswith("\n1. Mean squared error\n2. Cross-entropy")
    assert choice[1] == 'Cross-entropy\nIt measures "surprise".'
    assert all(len(row) == 3 for row in rows if row)


def test_export_one_lesson_to_stdout(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    assert main(["--lessons", str(lessons), "cards", "export", "-", "--lesson", "rate"]) == 0
    out = capsys.readouterr().out
    row = "What is the learning rate?\tstep size / learning rate\tgdtui gdtui::rate\n"
    assert out.endswith(row)


def test_bad_input_gets_a_clear_message(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    assert main(["--lessons", str(lessons), "cards", "export", "-", "--lesson", "nope"]) == 2
    assert "no lesson 'nope' (lessons: loss, rate)" in capsys.readouterr().err
    assert main(["--lessons", str(tmp_path / "missing"), "cards", "stats"]) == 2
    assert "lesson directory not found" in capsys.readouterr().err
    missing_dir = tmp_path / "no" / "such" / "dir" / "x.txt"
    assert main(["--lessons", str(lessons), "cards", "export", str(missing_dir)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["cards"]) == 2
    assert "choose an action" in capsys.readouterr().err


def test_stats_names_a_broken_lesson_it_leaves_out(tmp_path, capsys):
    lessons = make_lessons(tmp_path)
    (lessons / "09-broken.md").write_text("no front matter here\n", encoding="utf-8")
    code = main(["cards", "stats", "--data-dir", str(tmp_path / "d"), "--lessons", str(lessons)])
    captured = capsys.readouterr()
    assert code == 0 and "Cards: 4 (0 studied, 4 new)" in captured.out
    assert "skipped: " in captured.err and "09-broken.md:1: missing front matter" in captured.err
