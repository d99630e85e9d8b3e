"""bp_core: the backpropagation engine of Backprop Lab (numpy only).

Notation follows Andrew Ng's Machine Learning course.  The index rule (Python index =
course superscript − 1, so ``Theta[l - 1]`` is Θ^(l)) and the (l, j, k) numbering of one
weight are stated once, in the docstring of ``bp_core.network``; ``bp_core.indexing``
converts and names weights.  Rows are examples; everything is float64.
"""

from .activations import ACTIVATIONS, Activation
from .bugs import PLANTED_BUGS, PlantedBug
from .config import NetConfig
from .gradcheck import GradientCheck, gradient_check, numerical_gradient, relative_difference
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

__all__ = [
    "ACTIVATIONS",
    "CORRECT_STEPS",
    "INITIALIZERS",
    "LOSSES",
    "OUTPUTS",
    "PLANTED_BUGS",
    "Activation",
    "BackpropTrace",
    "BackwardSteps",
    "ForwardTrace",
    "GradientCheck",
    "Initializer",
    "Loss",
    "NetConfig",
    "Output",
    "PlantedBug",
    "add_bias",
    "backprop",
    "check_inputs",
    "cost",
    "debug_weights",
    "decode_outputs",
    "encode_targets",
    "forward",
    "gradient_check",
    "init_weights",
    "numerical_gradient",
    "predict",
    "relative_difference",
    "reshape_params",
    "unroll",
    "weight_from_index",
    "weight_name",
    "weight_to_index",
]
