"""bp_core: the backpropagation engine of Backprop Lab (numpy only).

Notation follows Andrew Ng's Machine Learning course.  Index rule, used throughout:
Python index = course superscript − 1, so ``a[0]`` is a^(1) = x, ``Theta[0]`` is Θ^(1),
``z[l]`` is z^(l+1) and ``delta[l]`` is δ^(l+1) (``z[0]`` and ``delta[0]`` are None).
Rows are examples: X is (m, s_1); ``Theta[l]`` is (s_{l+1}, s_l + 1) with the bias in
column 0; ``Delta[l]`` and ``D[l]`` have ``Theta[l]``'s shape.  Everything is float64.
"""

from .activations import ACTIVATIONS, Activation
from .bugs import PLANTED_BUGS, PlantedBug
from .config import NetConfig
from .gradcheck import GradientCheck, gradient_check, numerical_gradient, relative_difference
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
]
