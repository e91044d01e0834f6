"""Which of the flashcards screen's keys apply at a given moment.

Several keys mean different things in different views and moments (space shows the answer, or
goes to the next card; 1-4 grade, or pick a choice), so the screen binds each meaning apart and
lets through, and shows in its footer, only the ones that apply now (its check_action).
"""

from __future__ import annotations

from textual.binding import Binding

from gdtui.course.cardfile import CHOICE, Flashcard

OWN_ACTIONS = frozenset(
    {"review", "resume", "cram", "stats", "reveal", "type_answer", "next_card", "grade", "pick",
     "recall_first", "undo", "lesson", "leave_field", "pause", "leave", "overrule"}
)
"""The screen's actions this rule decides on (any other is always let through)."""


def number_keys(action: str, description: str) -> list[Binding]:
    """Keys 1-4 for one action, shown once in the footer as '1-4 description'."""
    return [Binding(str(n), f"{action}({n})", description if n == 1 else "", show=n == 1,
                    key_display="1-4" if n == 1 else None) for n in range(1, 5)]


def actions_now(view: str, phase: str, card: Flashcard | None, *, in_field: bool,
                paused: bool, can_undo: bool, can_overrule: bool = False) -> set[str]:
    """The actions that apply: in `view` ('start', 'review', 'summary'), at the card's `phase`
    ('question', 'answer', 'result'), with a field focused or not, a session paused or not,
    a grade to take back or not, and a wrong typed answer the learner may say was right."""
    if in_field:
        return {"leave_field"}  # the field has the keys: escape takes them back
    undo = {"undo"} if can_undo else set()
    review_or_resume = {"resume" if paused else "review"}
    if view == "start":  # (escape there is the app's: back home)
        return {"cram", "stats", "lesson"} | review_or_resume
    if view == "summary":
        return {"stats", "leave"} | review_or_resume | undo
    during = {"lesson", "pause"} | undo
    if card is None or phase == "result":
        return during | {"next_card"} | ({"overrule"} if can_overrule else set())
    if phase == "answer":
        return during | {"grade"}
    if card.kind == CHOICE:
        return during | {"pick"}
    return during | ({"reveal", "recall_first"} if card.self_graded else {"type_answer"})
