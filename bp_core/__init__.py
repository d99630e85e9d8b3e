"""bp_core: the backpropagation engine of Backprop Lab (numpy only).

Notation follows Andrew Ng's Machine Learning course.  The index rule (Python index =
course superscript − 1, so ``Theta[l - 1]`` is Θ^(l)) and the (l, j, k) numbering of one
weight are stated once, in the docstring of ``bp_core.network``; ``bp_core.indexing``
converts and names weights.  Rows are examples; everything is float64.

Besides the engine: ``bp_core.presets`` (ready-made lessons with a checked claim each),
``bp_core.health`` (what the gradients say, in words), ``bp_core.io`` (saving runs) and
``bp_core.datasets``.
"""

from .activations import ACTIVATIONS, Activation
from .bugs import PLANTED_BUGS, PlantedBug
from .config import DEFAULT_REGULARIZATION, REGULARIZATIONS, NetConfig, Regularization
from .gradcheck import GradientCheck, gradient_check, numerical_gradient, relative_difference
from .health import HEALTH_KINDS, Finding, dead_units, diagnose
from .indexing import weight_from_index, weight_name, weight_to_index
from .initializers import INITIALIZERS, Initializer, debug_weights, init_weights
from .losses import LOSSES, OUTPUTS, Loss, Output
from .network import (
    CORRECT_STEPS,
    BackpropTrace,
    BackwardSteps,
    ForwardTrace,
    add_bias,
    backprop,
    check_inputs,
    cost,
    decode_outputs,
    encode_targets,
    forward,
    predict,
    reshape_params,
    unroll,
)
from .presets import (
    PRESETS,
    Claim,
    Mistake,
    Preset,
    PresetOutcome,
    PresetRun,
    build_preset,
    evaluate_preset,
    misclassified,
    train_preset,
)

__all__ = [
    "ACTIVATIONS",
    "CORRECT_STEPS",
    "DEFAULT_REGULARIZATION",
    "HEALTH_KINDS",
    "INITIALIZERS",
    "LOSSES",
    "OUTPUTS",
    "PLANTED_BUGS",
    "PRESETS",
    "REGULARIZATIONS",
    "Activation",
    "BackpropTrace",
    "BackwardSteps",
    "Claim",
    "Finding",
    "ForwardTrace",
    "GradientCheck",
    "Initializer",
    "Loss",
    "Mistake",
    "NetConfig",
    "Output",
    "PlantedBug",
    "Preset",
    "PresetOutcome",
    "PresetRun",
    "Regularization",
    "add_bias",
    "backprop",
    "build_preset",
    "check_inputs",
    "cost",
    "dead_units",
    "debug_weights",
    "decode_outputs",
    "diagnose",
    "encode_targets",
    "evaluate_preset",
    "forward",
    "gradient_check",
    "init_weights",
    "misclassified",
    "numerical_gradient",
    "predict",
    "relative_difference",
    "reshape_params",
    "train_preset",
    "unroll",
    "weight_from_index",
    "weight_name",
    "weight_to_index",
]
