"""Flashcard statistics: what is due, reviews per day, retention, streak and mastery."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual_plotext import PlotextPlot

from gdtui.course import schedule
from gdtui.store import now
from gdtui.widgets.footer import KeysFooter


class CardStatsScreen(Screen[None]):
    """The figures of ``gdtui cards stats``, with a chart of the last 30 days."""

    HELP_TITLE = "Flashcard statistics"
    HELP = f"""
- **Due**: cards you have studied that come back today (overdue ones included), tomorrow, and
  within the next 7 days.
- **Reviews per day**: every grade you gave in the last {schedule.STATS_DAYS} days (cram is not
  counted, and grades you took back with `u` are left out).
- **Retention**: the share of all your reviews that were not graded *Again*.
- **Streak**: days in a row with at least one review, up to today (or yesterday, if you have
  not reviewed yet today).
- **Mastered**: a card you would still recall 9 times in 10 a week after reviewing it (its
  stability is at least {schedule.MASTERY_STABILITY_DAYS:g} days).

`gdtui cards stats` prints the same figures in the terminal (`--json` for a script).
"""
    CSS_PATH = "../../styles/cards.tcss"
    BINDINGS = [Binding("r", "refresh_stats", "Refresh")]

    def __init__(self, clock: schedule.Clock = now) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="stats"):
            with Horizontal(id="stats-top"):
                yield Static(id="stats-figures")
                yield PlotextPlot(id="reviews-chart")
            yield DataTable(id="mastery", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Flashcard statistics"
        table = self.query_one("#mastery", DataTable)
        table.add_columns("Lesson", "Cards", "Studied", "Mastered", "Share")
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        """Recompute every figure from the store."""
        stats = schedule.stats_for(self.app.store, self.app.course.lessons, self.clock)
        retention = "–" if stats.retention is None else f"{stats.retention:.0%}"
        self.query_one("#stats-figures", Static).update(
            f"[b]Due[/b]\n  now       {stats.due_now}\n  today     {stats.due_today}\n"
            f"  tomorrow  {stats.due_tomorrow}\n  this week {stats.due_week}\n\n"
            f"[b]Cards[/b]  {stats.studied} of {stats.total_cards} studied\n"
            f"[b]Reviews[/b] {stats.reviews_total}\n"
            f"[b]Retention[/b] {retention}\n"
            f"[b]Streak[/b] {stats.streak} day{'s' if stats.streak != 1 else ''}"
        )
        table = self.query_one("#mastery", DataTable)
        table.clear()
        for lesson in stats.mastery:
            table.add_row(Text(lesson.title), lesson.cards, lesson.studied, lesson.mastered,
                          f"{lesson.share:.0%}")

        plot = self.query_one("#reviews-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        days = [day.strftime("%d/%m") for day, _ in stats.reviews_per_day]
        counts = [count for _, count in stats.reviews_per_day]
        plt.bar(list(range(len(days))), counts, width=0.6)
        plt.xticks(list(range(0, len(days), 7)) + [len(days) - 1],
                   days[::7] + [days[-1]])
        step = max(1, -(-max(counts) // 5))  # whole-number ticks: reviews come in ones
        plt.yticks(list(range(0, max(counts) + step, step)))
        plt.title(f"Reviews per day, last {schedule.STATS_DAYS} days")
        plot.refresh()
