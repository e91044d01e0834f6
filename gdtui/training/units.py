"""A network's units and weights as the learner counts and names them ("x2", "h1.3", "out",
"w h1.3←x2"): for the Lab's network view and for the changes a learner makes by hand.

Layers are counted from 0, the inputs; 1 is the first hidden layer, the last the output. A
weight is (layer, source, target): from unit `source` of layer `layer - 1` into unit `target`
of layer `layer`; `source` equal to the width of layer `layer - 1` is the target's bias. Units
are numbered from 0 here and from 1 in their names.
"""

from __future__ import annotations

from collections.abc import Sequence

WEIGHT_LIMIT = 100.0  # the largest weight a learner may type


def input_names(features: Sequence[str], n_inputs: int) -> tuple[str, ...]:
    """The inputs' names: the chosen feature columns, else x1, x2, ..."""
    return tuple(features) if features else tuple(f"x{k + 1}" for k in range(n_inputs))


def unit_name(layer_sizes: Sequence[int], inputs: Sequence[str], layer: int, unit: int) -> str:
    """Like "x2" (an input), "h1.3" (hidden layer 1, unit 3), "out" or "out3" (class 3)."""
    if layer == 0:
        return inputs[unit] if unit < len(inputs) else f"x{unit + 1}"
    if layer == len(layer_sizes) - 1:
        return "out" if layer_sizes[-1] == 1 else f"out{unit}"
    return f"h{layer}.{unit + 1}"


def weight_name(layer_sizes: Sequence[int], inputs: Sequence[str], layer: int, source: int,
                target: int) -> str:
    """Like "w h1.3←x2" for a weight, "b h1.3" for a bias: what a chart marker says."""
    into = unit_name(layer_sizes, inputs, layer, target)
    if source == layer_sizes[layer - 1]:
        return f"b {into}"
    return f"w {into}←{unit_name(layer_sizes, inputs, layer - 1, source)}"


def check_weight(layer_sizes: Sequence[int], layer: int, source: int, target: int) -> None:
    """ValueError, in the learner's words, unless (layer, source, target) is a weight."""
    if not 1 <= layer < len(layer_sizes):
        raise ValueError(f"there is no layer {layer} of weights: the network has layers 1 "
                         f"to {len(layer_sizes) - 1}")
    if not 0 <= target < layer_sizes[layer]:
        raise ValueError(f"layer {layer} has units 1 to {layer_sizes[layer]}")
    if not 0 <= source <= layer_sizes[layer - 1]:
        raise ValueError(f"a unit of layer {layer} has {layer_sizes[layer - 1]} weights in "
                         "and a bias")

