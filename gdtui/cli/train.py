"""``gdtui train``: train a network without the UI and show how the loss fell.

    gdtui train [--dataset moons] [--hidden 8,8] [--activation tanh] [--optimizer adam]
                [--lr 0.01] [--batch-size 32] [--steps 2000] [--seed 0] [--noise 0.1]
                [--data FILE.csv] [--preset NAME] [--json] ...

Prints a loss table and a chart, or with --json exactly one JSON object:
{"status": "ok"|"diverged"|"stuck"|"worse", "history": [{"step", "train_loss", "val_loss"}, ...],
 "final": {"train_loss", "val_loss", "train_accuracy", "val_accuracy"}, "steps_per_second"}
(accuracies are null for regression; a number that is not finite is written as null).
The history has one entry per evaluation (see --eval-every) plus the last step; past
1,024 evaluations it is thinned evenly as training goes (every 2nd evaluation, then every 4th,
...), and always keeps the first, the one with the lowest validation loss and the last.

Exit codes: 0 trained; 1 the run went wrong by itself (the output still shows the run, and
stderr says why and which rate to lower): it stopped, as the Training Lab's would, because the
loss diverged or the network got stuck with its outputs pinned at 0 or 1 (training.trouble), or
it ran to the end but got worse, its training loss above where it started and over twice its
lowest (training.hints.got_worse, which the Lab's hint tells too); 2 a bad option or
unreadable data (one line on stderr).

Options arrive as text and go through the same checks as the Training Lab's fields, so a bad
value gets the same message. NumPy is imported only when training starts, to keep the
``gdtui`` command quick to start.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from gdtui.numbers import format_accuracy, read_number

DEFAULT_STEPS = 2000
MAX_STEPS = 1_000_000
TABLE_ROWS = 10
CHART_WIDTH, CHART_HEIGHT = 80, 18


# (group, option, metavar, help); every value arrives as text and is checked in run()
OPTIONS = (
    ("data", "--dataset", "NAME",
     "circle, xor, gaussians, moons, spiral, spiral3, digits (real 8x8 handwritten digits), "
     "sine or plane (default: moons)"),
    ("data", "--data", "FILE.csv", "learn from a CSV of numbers instead: inputs, then the target"),
    ("data", "--points", "N", "number of points to draw, or of digits images, at most 1797 "
     "(default: 500)"),
    ("data", "--noise", "X", "noise, 0 to 1 (default: 0.1)"),
    ("data", "--validation-share", "X", "share kept for validation (default: 0.5)"),
    ("data", "--features", "LIST", "input features, like x1,x2,x1^2 (default: raw inputs)"),
    ("training", "--preset", "NAME",
     "start from a named preset, like 'overfit me'; other options change it"),
    ("training", "--hidden", "LIST",
     "units per hidden layer, like 8,8; 'none' for no hidden layer (default: 8,8)"),
    ("training", "--activation", "NAME", "linear, sigmoid, tanh or relu (default: tanh)"),
    ("training", "--loss", "NAME", "auto, mse or cross_entropy (default: auto)"),
    ("training", "--optimizer", "NAME", "sgd, momentum or adam (default: adam)"),
    ("training", "--lr", "X", "learning rate (default: 0.01)"),
    ("training", "--batch-size", "N", "points per step (default: 32)"),
    ("training", "--regularization", "NAME", "none, l1 or l2 (default: none)"),
    ("training", "--regularization-rate", "X", "strength of l1/l2 (default: 0.001)"),
    ("training", "--steps", "N", f"training steps (default: {DEFAULT_STEPS})"),
    ("training", "--seed", "N", "seed for data, weights and batches (default: 0)"),
    ("training", "--eval-every", "N", "evaluate on all points every N steps, N times "
     "points/500 on more than 500 points (default: 10)"),
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``gdtui train``."""
    groups = {"data": parser.add_argument_group("data"),
              "training": parser.add_argument_group("network and training")}
    for group, option, metavar, help_text in OPTIONS:
        groups[group].add_argument(option, metavar=metavar, help=help_text)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _whole_option(text: str, option: str, low: int, high: int) -> int:
    """A whole-number option, with the message the other options use:
    "--seed must be a whole number from 0 to 4294967295"."""
    return int(read_number(text, low=low, high=high, whole=True,
                           message=f"{option} must be a whole number from {low} to {high}"))


def _settings(args: argparse.Namespace):
    """Settings from the options (ValueError with a field-level message when one is bad)."""
    from gdtui.training import settings as ts

    if args.preset is not None:
        if args.preset not in ts.PRESETS:
            raise ValueError(f"unknown preset {args.preset!r}; choose one of "
                             f"{', '.join(repr(name) for name in ts.PRESETS)}")
        values = dict(ts.PRESETS[args.preset])
    else:
        values = {}
    text_options = {"dataset": args.dataset, "activation": args.activation, "loss": args.loss,
                    "optimizer": args.optimizer, "regularization": args.regularization,
                    "data_file": args.data}
    values.update({k: v.strip() for k, v in text_options.items() if v is not None})
    if args.points is not None:
        values["n_points"] = _whole_option(args.points, "--points", *ts.POINTS_RANGE)
    for name in ("noise", "validation_share", "regularization_rate"):
        text = getattr(args, name)
        if text is not None:
            option = "--" + name.replace("_", "-")
            values[name] = read_number(text, message=f"{option} must be a number, like 0.1")
    if args.lr is not None:
        values["learning_rate"] = ts.parse_learning_rate(args.lr)
    if args.hidden is not None:
        values["hidden_layers"] = ts.parse_hidden_layers(args.hidden)
    if args.features is not None:
        values["features"] = ts.parse_features(args.features)
    if args.batch_size is not None:
        values["batch_size"] = _whole_option(args.batch_size, "--batch-size", 1,
                                             ts.MAX_BATCH_SIZE)
    if args.seed is not None:
        values["seed"] = _whole_option(args.seed, "--seed", 0, 2**32 - 1)
    if args.eval_every is not None:
        values["eval_every"] = _whole_option(args.eval_every, "--eval-every", 1, 10_000)
    return ts.settings_from_dict(values)


def run(args: argparse.Namespace) -> int:
    """Train as the options say and print the result; see the module docstring for exits."""
    try:
        steps = DEFAULT_STEPS if args.steps is None else _whole_option(
            args.steps, "--steps", 1, MAX_STEPS)
        settings = _settings(args)
        from gdtui.training.session import TrainingSession

        session = TrainingSession(settings)
    except ValueError as error:  # SettingsError and DataError are ValueErrors
        print(f"gdtui train: {error}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    taken = session.run(steps, save_undo=False)
    elapsed = time.perf_counter() - start
    steps_per_second = taken / elapsed if elapsed > 0 else 0.0
    final = session.evaluate()
    if session.history.latest.step != final.step:
        session.history.add(final)  # the last step, when no evaluation fell on it
    history = session.history.evaluations
    from gdtui.training.hints import got_worse

    worse = got_worse(session.history) if session.trouble is None else None
    status = "worse" if worse else session.status
    if args.json:
        print(json.dumps(_as_json(status, history, final, steps_per_second)))
    else:
        print(_report(session, status, history, final, taken, elapsed))
    if session.trouble is not None:
        print(f"gdtui train: {session.message} (at step {session.trouble.step}); "
              f"{_advice(session.trouble.remedy)}", file=sys.stderr)
        return 1
    if worse:
        from gdtui.training.trouble import remedy

        print(f"gdtui train: worse: the training loss rose from {worse.lowest:.3g} to "
              f"{worse.now:.3g}, above where it started ({worse.start:.3g}); "
              f"{_advice(remedy(settings))}", file=sys.stderr)
        return 1
    return 0


def _advice(remedy) -> str:
    """The remedy as options: "try a smaller learning rate, like --lr 3"."""
    option = {"learning_rate": "--lr"}.get(remedy.setting,
                                            "--" + remedy.setting.replace("_", "-"))
    return f"try a smaller {remedy.label}, like {option} {remedy.value:g}"


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _as_json(status: str, history, final, steps_per_second: float) -> dict:
    return {
        "status": status,
        "history": [{"step": e.step, "train_loss": _finite(e.train_loss),
                     "val_loss": _finite(e.validation_loss)} for e in history],
        "final": {"train_loss": _finite(final.train_loss),
                  "val_loss": _finite(final.validation_loss),
                  "train_accuracy": final.train_accuracy,
                  "val_accuracy": final.validation_accuracy},
        "steps_per_second": round(steps_per_second, 1),
    }


def _report(session, status: str, history, final, taken: int, elapsed: float) -> str:
    s = session.settings
    data = (s.data_file if s.data_file else
            f"{s.dataset} ({s.n_points} points, noise {s.noise:g})")
    shape = "-".join(str(n) for n in session.network.layer_sizes)
    lines = [f"data: {data}, seed {s.seed}",
             f"network: {shape} {s.activation}, {session.loss_name} loss, {s.optimizer}, "
             f"learning rate {s.learning_rate:g}, batch {s.batch_size}", ""]
    lines.append(f"{'step':>8}  {'train loss':>11}  {'val loss':>11}  {'train acc':>9}  "
                 f"{'val acc':>9}")
    every = max(1, math.ceil((len(history) - 1) / TABLE_ROWS))
    rows = history[::every]
    if rows[-1] is not history[-1]:
        rows.append(history[-1])
    for e in rows:
        accuracies = (format_accuracy(e.train_accuracy), format_accuracy(e.validation_accuracy))
        lines.append(f"{e.step:>8}  {e.train_loss:>11.4f}  {e.validation_loss:>11.4f}  "
                     f"{accuracies[0]:>9}  {accuracies[1]:>9}")
    lines += ["", _chart(history), ""]
    rate = f"{taken / elapsed:,.0f} steps/s" if elapsed > 0 else "instantly"
    outcome = (f"validation accuracy {format_accuracy(final.validation_accuracy)}"
               if session.is_classification else f"validation loss {final.validation_loss:.4f}")
    steps = f"{taken} step{'' if taken == 1 else 's'}"
    lines.append(f"{status}: {steps} in {elapsed:.2f} s ({rate}); {outcome}")
    return "\n".join(lines)


def _chart(history) -> str:
    """The train and validation loss as a plotext chart (colour only on a terminal)."""
    import plotext as plt

    thin = max(1, len(history) // (2 * CHART_WIDTH))  # about two points per column is plenty
    points = [e for e in history[::thin] if math.isfinite(e.train_loss)
              and math.isfinite(e.validation_loss)]
    if not points:  # (plotext cannot draw an empty chart)
        return "(no chart: no loss was a finite number)"
    steps = [e.step for e in points]
    plt.clear_figure()
    plt.plotsize(CHART_WIDTH, CHART_HEIGHT)
    plt.theme("pro" if sys.stdout.isatty() else "clear")
    plt.plot(steps, [e.validation_loss for e in points], label="validation", marker="x")
    plt.plot(steps, [e.train_loss for e in points], label="train", marker="dot")
    log = min(min(e.train_loss, e.validation_loss) for e in points) > 0
    if log:
        plt.yscale("log")
    plt.title("loss (log scale)" if log else "loss")
    plt.xlabel("step")
    chart = plt.build()
    plt.clear_figure()
    return chart if sys.stdout.isatty() else plt.uncolorize(chart)
