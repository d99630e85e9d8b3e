"""bp_core: the backpropagation engine of Backprop Lab (numpy only).

Notation follows Andrew Ng's Machine Learning course.  The index rule (Python index =
course superscript − 1, so ``Theta[l - 1]`` is Θ^(l)) and the (l, j, k) numbering of one
weight are stated once, in the docstring of ``bp_core.network``; ``bp_core.indexing``
converts and names weights.  Rows are examples; everything is float64.

Besides the engine: ``bp_core.runs`` (settings → data set, network and trainer, the one
builder: ``RunSettings``, ``build_run``), ``bp_core.presets`` (ready-made lessons with a
checked claim each), ``bp_core.health`` (what the gradients say, in words), ``bp_core.io``
(saving runs) and ``bp_core.datasets``.  A new data set or optimizer is one registry entry:
``register_dataset``, ``register_optimizer``.  A new activation too: ``register_activation``.
"""

from .activations import ACTIVATIONS, Activation, register_activation, unregister_activation
from .bugs import PLANTED_BUGS, PlantedBug
from .config import DEFAULT_REGULARIZATION, REGULARIZATIONS, NetConfig, Regularization
from .datasets import DATASET_INFO, DatasetInfo, register_dataset, unregister_dataset
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
from .optimizers import OPTIMIZERS, Optimizer, register_optimizer, unregister_optimizer
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
from .runs import (
    SNAPSHOT_BYTES,
    SNAPSHOT_OVERHEAD,
    BuiltRun,
    RunSettings,
    build_run,
    csv_dataset,
    snapshots_kept,
)
from .training import Trainer, TrainSettings

__all__ = [
    "ACTIVATIONS",
    "CORRECT_STEPS",
    "DATASET_INFO",
    "DEFAULT_REGULARIZATION",
    "HEALTH_KINDS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUTS",
    "PLANTED_BUGS",
    "PRESETS",
    "REGULARIZATIONS",
    "SNAPSHOT_BYTES",
    "SNAPSHOT_OVERHEAD",
    "Activation",
    "BackpropTrace",
    "BackwardSteps",
    "BuiltRun",
    "Claim",
    "DatasetInfo",
    "Finding",
    "ForwardTrace",
    "GradientCheck",
    "Initializer",
    "Loss",
    "Mistake",
    "NetConfig",
    "Optimizer",
    "Output",
    "PlantedBug",
    "Preset",
    "PresetOutcome",
    "PresetRun",
    "Regularization",
    "RunSettings",
    "TrainSettings",
    "Trainer",
    "add_bias",
    "backprop",
    "build_preset",
    "build_run",
    "check_inputs",
    "cost",
    "csv_dataset",
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
    "register_activation",
    "register_dataset",
    "register_optimizer",
    "relative_difference",
    "reshape_params",
    "snapshots_kept",
    "train_preset",
    "unregister_activation",
    "unregister_dataset",
    "unregister_optimizer",
    "unroll",
    "weight_from_index",
    "weight_name",
    "weight_to_index",
]
