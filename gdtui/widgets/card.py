"""One flashcard on screen: its question, choices or answer field, the answer, grade buttons.

The widget only shows things and reports what the learner did (messages); the screen decides
what happens next.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from gdtui.course.cardfile import CHOICE, CLOZE, NUMERIC, RECALL, TYPED, Flashcard
from gdtui.course.grading import accepted_text

RATING_LABELS = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))
# After a multiple-choice answer: the right option and a wrong pick say so, not only by colour.
RIGHT_CHOICE = "✓ right answer"
WRONG_CHOICE = "✗ your answer"
HINTS = {
    RECALL: "Recall the answer, then press space (or click the question) to check.",
    CLOZE: "Fill the blanks in your head, then press space (or click) to check.",
    CHOICE: "Pick an answer: press its number or click it.",
    TYPED: "Type the answer and press enter.",
    NUMERIC: "Type a number and press enter (0.5, -2, 1/3 and 1 2/3 all work).",
}
OVERRULE_HINT = "Press space or enter for the next card, or i if your answer was right."


def cloze_content(card: Flashcard, filled: bool) -> Content:
    """A cloze text with blanks, or with the hidden words filled in and highlighted."""
    parts: list[str | tuple[str, str]] = []
    for text, is_fill in card.cloze_parts():
        if not is_fill:
            parts.append(text)
        elif filled:
            parts.append((text, "bold underline $success"))
        else:
            parts.append(("[" + "_" * max(5, len(text)) + "]", "bold $accent"))
    return Content.assemble(*parts)


class QuestionText(Static):
    """The question; a click on it asks to see the answer."""

    def on_click(self) -> None:
        self.post_message(CardView.RevealRequested())


class ChoiceRow(Static):
    """One option of a multiple-choice card, at a shown position (its number key); a click
    picks it. ``index`` is its place in the card file."""

    def __init__(self, position: int, index: int, text: str) -> None:
        super().__init__(Content(f"{position + 1}  {text}"),
                         classes=f"choice choice-{position + 1}")
        self.position = position
        self.index = index
        self.choice_text = text

    def mark(self, right: bool) -> None:
        """Show that this option is the right answer, or the learner's wrong pick, in words as
        well as colour."""
        self.add_class("right" if right else "wrong")
        word = RIGHT_CHOICE if right else WRONG_CHOICE
        self.update(Content(f"{self.position + 1}  {self.choice_text}  {word}"))

    def on_click(self) -> None:
        self.post_message(CardView.ChoicePicked(self.position))


class GradeButton(Button, can_focus=False):
    """A grade button; it never takes focus, so space and enter stay with the screen."""


class CardView(Vertical):
    """Shows one card in one of three phases: question, answer (learner grades), result."""

    class RevealRequested(Message):
        """The learner asked to see the answer."""

    class ChoicePicked(Message):
        """The learner picked the option shown at ``index`` (0-based)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Graded(Message):
        """The learner graded the card: 1 Again .. 4 Easy."""

        def __init__(self, rating: int) -> None:
            super().__init__()
            self.rating = rating

    class TextAnswered(Message):
        """The learner submitted a typed answer."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Static(id="card-hint", classes="hint")
        yield QuestionText(id="question")
        yield Vertical(id="choices")
        # back in the field after escape, typing goes on after what is there
        yield Input(id="answer-input", placeholder="your answer", select_on_focus=False)
        yield Static(id="input-error", classes="error")
        yield Static(id="answer")
        with Horizontal(id="grades"):
            for rating, name in RATING_LABELS:
                yield GradeButton(f"{rating} {name}", id=f"grade-{rating}", compact=True)

    def show_question(self, card: Flashcard, order: list[int] | None = None) -> None:
        """Show a card's question and whatever the learner answers with; a choice card's
        options in ``order`` (indices into its choices; file order without one)."""
        self.query_one("#card-hint", Static).update(HINTS[card.kind])
        question = cloze_content(card, filled=False) if card.kind == CLOZE else card.question
        self.query_one("#question", QuestionText).update(Content(question)
                                                         if isinstance(question, str)
                                                         else question)
        choices = self.query_one("#choices", Vertical)
        choices.remove_children()
        shown = order if order else list(range(len(card.choices)))
        choices.mount_all(ChoiceRow(position, index, card.choices[index].text)
                          for position, index in enumerate(shown))
        choices.display = bool(card.choices)
        field = self.query_one("#answer-input", Input)
        field.display = card.kind in (TYPED, NUMERIC)
        field.disabled = False
        field.value = ""
        self._set_error("")
        self.query_one("#answer", Static).display = False
        self.query_one("#grades").display = False
        if field.display:
            field.focus()

    def focus_answer(self) -> None:
        """Put the cursor in the answer field (a typed card whose field the learner left)."""
        field = self.query_one("#answer-input", Input)
        if field.display and not field.disabled:
            field.focus()

    def show_answer(self, card: Flashcard, previews: dict[int, str]) -> None:
        """Reveal the answer of a card the learner grades, with the grade buttons."""
        if card.kind == CLOZE:
            self.query_one("#question", QuestionText).update(cloze_content(card, filled=True))
        answer = self.query_one("#answer", Static)
        answer.update(Content(card.answer) if card.answer else Content(""))
        answer.display = bool(card.answer)
        self.query_one("#card-hint", Static).update(
            "How well did you remember? Press 1-4 or click a grade."
        )
        for rating, name in RATING_LABELS:
            label = f"{rating} {name}" + (f" · {previews[rating]}" if rating in previews else "")
            self.query_one(f"#grade-{rating}", GradeButton).label = label
        self.query_one("#grades").display = True

    def show_result(self, card: Flashcard, right: bool, picked: int | None = None,
                    overruled: bool = False) -> None:
        """Show whether an app-graded answer was right, the right answer and the explanation.
        After a wrong typed answer: every accepted form, and the "I was right" key; after
        that key (``overruled``), that the answer now counts as right."""
        for row in self.query(ChoiceRow):
            if card.choices[row.index].correct:
                row.mark(right=True)
            elif row.index == picked:
                row.mark(right=False)
        field = self.query_one("#answer-input", Input)
        field.disabled = True
        self._set_error("")
        verdict = ("✓ Right!", "bold $success") if right else ("✗ Not quite.", "bold $error")
        if overruled:
            verdict = ("✓ Graded Good: you said your answer was right.", "bold $success")
        parts: list[str | tuple[str, str]] = [verdict]
        typed = card.kind in (TYPED, NUMERIC)
        if typed and (overruled or not right):
            label = "Accepted answers" if card.kind == TYPED else "The answer"
            parts.append(f"\n{label}: {accepted_text(card)}")
        elif card.kind == TYPED:  # right: the usual form is enough
            parts.append(f"  The answer: {card.accepted[0]}")
        elif card.kind == NUMERIC or not right:
            parts.append(f"  The answer: {card.back().splitlines()[0]}")
        if card.answer:
            parts.append("\n" + card.answer)
        answer = self.query_one("#answer", Static)
        answer.update(Content.assemble(*parts))
        answer.display = True
        hint = OVERRULE_HINT if typed and not right else "Press space or enter for the next card."
        self.query_one("#card-hint", Static).update(hint)

    def show_input_error(self, message: str) -> None:
        """Say what is wrong with the typed text; the card stays unanswered."""
        self._set_error(message)

    def _set_error(self, message: str) -> None:
        error = self.query_one("#input-error", Static)
        error.update(Content(message))
        error.display = bool(message)

    @on(Button.Pressed, "GradeButton")
    def grade_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Graded(int(str(event.button.id).removeprefix("grade-"))))

    @on(Input.Submitted, "#answer-input")
    def text_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.TextAnswered(event.value))

    @on(Input.Changed, "#answer-input")
    def text_changed(self, event: Input.Changed) -> None:
        self._set_error("")
