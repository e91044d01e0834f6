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


# -- cards list, cards grade, and the warnings of gdtui check ---------------------------------

GRADED = """
## Flashcards

Q: Which loss suits categories? {#category-loss}
T: cross-entropy | log loss | NLL

Q: How far does the weight move? {#step-size}
N: 0.001 +- 0.0001, either sign
A: About the learning rate.

Q: Which way does a weight with a positive gradient move? {#positive}
- [ ] Up
- [x] Down
- [ ] Sideways

C: The gradient points [uphill].

Q: What is a loss? {#loss}
A: One number for how wrong the network is.
"""


def graded_lessons(tmp_path: Path, cards: str = GRADED) -> Path:
    directory = tmp_path / "graded"
    directory.mkdir()
    (directory / "01-g.md").write_text(
        "---\nid: g\ntitle: G\norder: 1\nminutes: 2\nsummary: s\n---\n# G\n\nText.\n" + cards,
        encoding="utf-8")
    return directory


def test_list_json_gives_every_card_its_kind_question_and_answer(tmp_path, capsys):
    lessons = graded_lessons(tmp_path)
    assert main(["cards", "list", "--json", "--lessons", str(lessons)]) == 0
    cards = {card["id"]: card for card in json.loads(capsys.readouterr().out)}
    kinds = {card_id: card["kind"] for card_id, card in cards.items()}
    cloze_id = next(card_id for card_id, kind in kinds.items() if kind == "cloze")
    assert cloze_id.startswith("g-")  # derived from its text
    assert kinds == {"category-loss": "typed", "step-size": "number", "positive": "choice",
                     cloze_id: "cloze", "loss": "recall"}
    assert cards["category-loss"]["answer"] == ["cross-entropy", "log loss", "NLL"]
    assert cards["step-size"]["answer"] == {"value": 0.001, "tolerance": 0.0001,
                                            "either_sign": True}
    assert cards["step-size"]["explanation"] == "About the learning rate."
    assert cards["positive"]["answer"] == ["Down"]
    assert cards["positive"]["options"] == ["Up", "Down", "Sideways"]
    cloze = next(card for card in cards.values() if card["kind"] == "cloze")
    assert (cloze["question"], cloze["answer"]) == ("The gradient points _____.", ["uphill"])
    assert cards["loss"]["answer"] == "One number for how wrong the network is."
    assert all(card["lesson"] == "g" for card in cards.values())


def test_list_json_covers_the_shipped_course(capsys):
    assert main(["cards", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    cards, _ = load_cards(load_course().lessons)
    assert [card["id"] for card in listed] == [card.id for card in cards]
    assert {card["kind"] for card in listed} <= {"recall", "cloze", "choice", "typed", "number"}


def test_grade_uses_the_review_grader_and_changes_no_schedule(tmp_path, capsys):
    lessons, data = graded_lessons(tmp_path), tmp_path / "data"
    store = Store.open(data)
    store.close()
    before = (data / "progress.db").read_bytes() if (data / "progress.db").exists() else None
    files = sorted(path.name for path in data.iterdir())

    def grade(card_id: str, answer: str) -> tuple[int, dict]:
        code = main(["--data-dir", str(data), "cards", "grade", card_id, answer, "--json",
                     "--lessons", str(lessons)])
        return code, json.loads(capsys.readouterr().out)

    assert grade("category-loss", "the cross-entropy loss") == (
        0, {"correct": True, "expected": ["cross-entropy", "log loss", "NLL"]})
    assert grade("category-loss", "mean squared error")[1]["correct"] is False
    assert grade("step-size", "-0.001")[1]["correct"] is True
    assert grade("step-size", "0.01")[1]["correct"] is False
    assert grade("positive", "down")[1]["correct"] is True
    assert grade("positive", "up")[1]["correct"] is False
    code, result = grade("step-size", "-0.00 1")
    assert code == 1 and result["correct"] is None
    assert "space inside the number" in result["message"]
    # Nothing was written: no card state, no review, the same files.
    assert sorted(path.name for path in data.iterdir()) == files
    if before is not None:
        assert (data / "progress.db").read_bytes() == before
    store = Store.open(data)
    try:
        assert store.card_states() == {} and store.card_reviews() == []
    finally:
        store.close()


def test_grade_without_json_says_right_or_wrong_and_what_is_accepted(tmp_path, capsys):
    lessons = graded_lessons(tmp_path)
    assert main(["cards", "grade", "step-size", "1e-3", "--lessons", str(lessons)]) == 0
    assert capsys.readouterr().out == "right: accepted: 0.001 or -0.001 (± 0.0001)\n"
    assert main(["cards", "grade", "category-loss", "MSE", "--lessons", str(lessons)]) == 0
    assert capsys.readouterr().out == "wrong: accepted: cross-entropy · log loss · NLL\n"


def test_grade_an_unknown_or_self_graded_card_is_a_clear_error(tmp_path, capsys):
    lessons = graded_lessons(tmp_path)
    assert main(["cards", "grade", "nope", "x", "--lessons", str(lessons)]) == 2
    assert "no card with the id 'nope'" in capsys.readouterr().err
    assert main(["cards", "grade", "loss", "x", "--json", "--lessons", str(lessons)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "card 'loss' is a recall card: the learner grades it" in captured.err


UNFAIR = """
## Flashcards

Q: Which loss suits categories?
T: cross-entropy

C: Training repeats [predict], [loss], [gradient] and [nudge].

Q: Where does a weight with a positive gradient go?
- [ ] Up
- [x] Down, because raising it makes the loss worse
- [ ] Sideways

Q: Which is the loss of a confident wrong answer?
- [ ] Around half of the loss at a random start
- [x] Big
- [ ] Around a third of the loss at a random start

Q: Which one is right?
- [ ] Short
- [x] Longer
- [ ] Medium
"""


def test_check_warns_about_unfair_cards_without_failing(tmp_path, capsys):
    lessons = graded_lessons(tmp_path, UNFAIR)
    assert main(["check", str(lessons)]) == 0
    captured = capsys.readouterr()
    path = lessons / "01-g.md"
    assert captured.err.splitlines() == [
        f"{path}:14: warning: a typed card with one accepted answer: list the other ways to "
        "say it (T: answer | synonym | abbreviation)",
        f"{path}:17: warning: a cloze with 4 blanks: hide one thing per card",
        f"{path}:19: warning: the right option 'Down, because raising it makes the loss worse' "
        "is much longer than the others (45 characters against at most 8)",
        f"{path}:24: warning: the right option 'Big' is much shorter than the others "
        "(3 characters against at least 41)",
    ]
    assert captured.out == f"ok: 1 lesson file(s) in {lessons}, 4 warning(s)\n"
    # The same warnings for the file alone; a real problem still fails the check.
    assert main(["check", str(path)]) == 0
    assert "4 warning(s)" in capsys.readouterr().out
    path.write_text(path.read_text() + "\nQ: No answer\n")
    assert main(["check", str(lessons)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"1 problem(s), 4 warning(s) in {lessons}"
