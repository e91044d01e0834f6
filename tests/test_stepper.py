"""The backprop stepper's core: its numbers are the engine's, and they match the lesson."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.nn.network import numerical_gradient
from gdtui.numbers import format_significant, read_field
from gdtui.stepper import (
    NETWORKS,
    STAGES,
    Stepper,
    parse_inputs,
    parse_learning_rate,
    parse_target,
    parse_weight,
    relative_error,
)

NETWORKS = [(preset, activation) for preset in NETWORKS for activation in ("sigmoid", "tanh")]


def engine_gradients(stepper: Stepper) -> dict[str, float]:
    """The engine's own loss_and_gradients, read by the weights' places in parameters()."""
    inputs, targets = stepper.inputs[None, :], np.array([[stepper.target]])
    _, gradients = stepper.network.loss_and_gradients(inputs, targets, "mse")
    return {s.name: float(gradients[s.array][s.index]) for s in stepper.slots}


def all_chains(stepper: Stepper):
    return [chain for step in stepper.steps for chain in step.chains]


def test_default_network_reproduces_the_lessons_prediction_and_loss():
    stepper = Stepper()
    loss_step = stepper.steps[3]
    assert [s.stage for s in stepper.steps[:4]] == ["forward"] * 3 + ["loss"]
    assert stepper.steps[2].number("y") == pytest.approx(0.30, abs=0.005)
    assert loss_step.number("L") == pytest.approx(0.49, abs=0.005)
    output = stepper.steps[4]
    assert format_significant(output.number("dL/dy")) == "−1.40"
    assert format_significant(output.number("dy/dz")) == "0.210"


def test_lesson_preset_gives_the_lessons_exact_numbers():
    stepper = Stepper(preset="lesson")
    forward, loss, backward, nudge, update = stepper.steps
    assert forward.number("z") == pytest.approx(-0.85)
    assert forward.number("y") == pytest.approx(0.2994, abs=5e-5)
    assert loss.number("L") == pytest.approx(0.490794, abs=5e-7)
    assert "      = (−1.40)(0.210)(2) = −0.588" in backward.formulas
    # the lesson: raise w by 0.001 and the loss goes from 0.490794 to 0.490206
    stepper.set_weight("w", -0.299)
    assert stepper.loss() == pytest.approx(0.490206, abs=5e-7)
    # and with learning rate 0.5 one round takes the loss to about 0.28
    stepper.set_weight("w", -0.3)
    assert stepper.steps[-1].number("new loss") == pytest.approx(0.28, abs=0.005)


@pytest.mark.parametrize(("preset", "activation"), NETWORKS)
def test_every_shown_gradient_is_the_engines_and_matches_a_nudge(preset, activation):
    stepper = Stepper(preset=preset, activation=activation)
    expected = engine_gradients(stepper)
    chains = all_chains(stepper)
    assert sorted(c.parameter for c in chains) == sorted(stepper.weight_names)
    for chain in chains:
        assert chain.gradient == expected[chain.parameter]
        # the written-out chain-rule factors multiply to the engine's gradient
        assert chain.product == pytest.approx(chain.gradient, rel=1e-12, abs=1e-15)
        assert chain.formulas()[1].endswith(f"= {format_significant(chain.gradient)}")
        slot = stepper.slot(chain.parameter)
        slope = numerical_gradient(stepper.loss, stepper.network.parameters()[slot.array],
                                   slot.index, eps=1e-6)
        assert relative_error(slope, chain.gradient) < 1e-6


def test_backward_pass_goes_output_layer_first():
    stepper = Stepper()
    backward = [s for s in stepper.steps if s.stage == "backward"]
    assert [s.focus[0] for s in backward] == ["y", "h1", "h2"]
    assert [c.parameter for c in backward[0].chains] == ["v1", "v2", "c"]
    assert [f.label for f in backward[1].chains[0].factors] == [
        "dL/dy", "dy/dz", "dz/dh1", "dh1/dz1", "dz1/dw1"]


@pytest.mark.parametrize("weight", ["w1", "b2", "v2", "c"])
def test_nudge_check_measures_the_slope_the_gradient_predicts(weight):
    stepper = Stepper()
    stepper.choose(weight)
    nudge = next(s for s in stepper.steps if s.stage == "nudge")
    gradient = engine_gradients(stepper)[weight]
    assert nudge.number(f"dL/d{weight}") == gradient
    assert nudge.number("relative error") < 1e-6
    slot = stepper.slot(weight)
    array = stepper.network.parameters()[slot.array]
    array[slot.index] += 1e-4
    assert nudge.number("nudged loss") == stepper.loss()
    assert "they agree" in nudge.formulas[-1]


def test_update_is_minus_learning_rate_times_gradient_and_shows_the_new_loss():
    stepper = Stepper()
    stepper.set_learning_rate(0.5)
    gradients = engine_gradients(stepper)
    update = stepper.steps[-1]
    for name, gradient in gradients.items():
        assert update.number(f"new {name}") == pytest.approx(
            stepper.weight(name) - 0.5 * gradient, rel=1e-15, abs=1e-15)
    assert update.number("new loss") < update.number("loss")
    assert "smaller" in update.formulas[-1]
    stepper.go_to("update")
    stepper.next()  # applies the update
    assert stepper.loss() == update.number("new loss")
    assert stepper.weight("w1") == update.number("new w1")


def test_too_big_a_learning_rate_makes_the_loss_larger_with_a_note():
    stepper = Stepper()
    stepper.set_target(0.5)  # with the target inside 0..1 a big step can jump past it
    stepper.set_learning_rate(20)
    update = stepper.steps[-1]
    assert update.number("new loss") > update.number("loss")
    assert "LARGER" in update.formulas[-1]
    assert "too big" in update.note


def test_stepping_past_the_update_starts_the_next_round_and_back_undoes_it():
    stepper = Stepper()
    before = stepper.network.parameter_vector.copy()
    stages = []
    for _ in range(len(stepper.steps)):
        stages.append(stepper.step.stage)
        stepper.next()
    assert list(dict.fromkeys(stages)) == list(STAGES)
    assert (stepper.rounds, stepper.position, len(stepper.losses)) == (1, 0, 2)
    assert stepper.losses[1] < stepper.losses[0]
    stepper.back()
    assert stepper.step.stage == "update"
    assert np.array_equal(stepper.network.parameter_vector, before)
    assert (stepper.rounds, len(stepper.losses)) == (0, 1)


def test_run_applies_many_updates_with_the_engines_sgd():
    stepper = Stepper(preset="lesson")
    stepper.run(20)
    assert len(stepper.losses) == 21
    assert all(b < a for a, b in zip(stepper.losses, stepper.losses[1:], strict=False))
    # the lesson: y ≈ 0.92 after 20 rounds at learning rate 0.5
    assert stepper.steps[0].number("y") == pytest.approx(0.92, abs=0.01)
    stepper.back()
    assert len(stepper.losses) == 1


def test_diagram_shows_values_as_they_are_computed_and_gradients_on_the_way_back():
    stepper = Stepper()
    layers = stepper.diagram()
    assert [[u.name for u in layer] for layer in layers] == [["x"], ["h1", "h2"], ["y"], ["L"]]
    h1, h2 = layers[1]
    assert h1.focus and h1.value is not None and h2.value is None and h1.gradient is None
    stepper.go_to("backward")
    layers = stepper.diagram()
    assert layers[2][0].gradient == pytest.approx(stepper.step.number("dL/dz"))
    assert layers[1][0].gradient is None  # not reached yet
    stepper.go_to("update")
    assert all(u.gradient is not None for u in stepper.diagram()[1])


def test_edits_change_the_numbers_and_switching_to_tanh_keeps_the_weights():
    stepper = Stepper()
    stepper.set_inputs([3.0])
    assert "(0.500)(3)" in stepper.steps[0].formulas[1]
    stepper.set_weight("v1", 1.0)
    assert stepper.weight("v1") == 1.0
    stepper.set_activation("tanh")
    assert stepper.weight("v1") == 1.0
    assert "tanh(z1)" in stepper.steps[0].formulas[2]
    stepper.set_target(-0.5)
    stepper.set_activation("sigmoid")
    assert stepper.target == 0.0  # moved into the sigmoid's reach


def test_bad_values_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="not a number"):
        read_field("abc", "w1", -1, 1)
    with pytest.raises(ValueError, match="between"):
        read_field("5", "w1", -1, 1)
    assert parse_weight(" −0.5", "w1") == -0.5
    with pytest.raises(ValueError, match="^w1 must be between -100 and 100$"):
        parse_weight("500", "w1")
    with pytest.raises(ValueError, match="2 numbers"):
        parse_inputs("1", 2)
    assert parse_inputs("1, −0.5", 2) == (1.0, -0.5)
    with pytest.raises(ValueError, match="above 0"):
        parse_learning_rate("0")
    with pytest.raises(ValueError, match="sigmoid"):
        parse_target("1.5", "sigmoid")
    assert parse_target("-0.5", "tanh") == -0.5
    stepper = Stepper()
    with pytest.raises(ValueError, match="no weight"):
        stepper.set_weight("w9", 1.0)
    with pytest.raises(ValueError):
        stepper.set_learning_rate(-1)


def test_numbers_are_written_the_way_the_lessons_write_them():
    assert [format_significant(v) for v in (-1.4012, 0.20976, 2.0, -0.58784, 0.0, 1.5e-5)] == [
        "−1.40", "0.210", "2", "−0.588", "0", "1.50e-05"]


def test_each_stage_writes_its_lines_in_the_lessons_words():
    steps = Stepper().steps
    assert [step.title for step in steps] == [
        "Forward pass: unit h1", "Forward pass: unit h2", "Forward pass: unit y",
        "Loss: how wrong is the prediction?", "Backward pass: the output unit",
        "Backward pass: hidden unit h1", "Backward pass: hidden unit h2", "Nudge check on w1",
        "Update: a small step against every gradient"]
    assert steps[0].lines == (
        "z1 = w1·x + b1", "   = (0.500)(2) + (0.100) = 1.10", "h1 = σ(z1) = σ(1.10) = 0.750")
    assert steps[3].lines == (
        "L = (y − t)²", "  = (0.299 − 1)² = 0.491",
        "0 means perfect; the further y is from the target t, the bigger L.")
    assert steps[4].lines[:4] == (
        "dL/dy = 2(y − t) = 2(0.299 − 1) = −1.40",
        "dy/dz = y(1 − y) = 0.210     so dL/dz = −0.294",
        "dL/dv1 = dL/dy·dy/dz·dz/dv1", "       = (−1.40)(0.210)(0.750) = −0.221")
    assert steps[5].lines[:2] == (
        "dz/dh1 = v1 = −0.400    dh1/dz1 = h1(1 − h1) = 0.187",
        "dL/dz1 = dL/dz·dz/dh1·dh1/dz1 = 0.0220  (reuses dL/dz)")
    assert steps[7].lines[1:3] == (
        "  L = 0.49084019  →  0.49084460   change 4.41e-06", "  h × gradient predicted 4.41e-06")
    assert steps[8].lines[2] == "w1 0.500 − 0.5×(0.0441) = 0.478"
