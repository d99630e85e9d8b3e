"""A standalone PyTorch script that reproduces a training run: ``torch_script``.

The script is text: bp_core never imports torch.  What it holds, and why it gives the same Θ:

* the training set exactly, as base64 of float64 bytes (``X`` (m, s_1) and the encoded
  targets ``Y`` (m, s_L) — at most :data:`MAX_EMBEDDED_VALUES` numbers, ~11 MB of text at
  the limit; every data set the app makes is far below it: the digits, the largest, are
  1,437 × 74 values, ~1.4 MB);
* the initial Θ^(1) … Θ^(L−1) (course shapes, bias in column 0), copied into
  ``torch.nn.Linear`` layers: ``bias`` ← column 0, ``weight`` ← columns 1…;
* the same g per layer, output unit and loss, each written by its registry entry
  (``Activation.torch``, ``Output.torch``, ``Loss.torch_cost``), and the course's J with the
  regularization term over the non-bias weights (``Regularization.torch``), so autograd's
  gradient is the course's D^(l) = Δ^(l)/m + (λ/m)Θ^(l);
* the same update rule from ``torch.optim`` with the same constants
  (``Optimizer.torch``), in float64;
* the same mini-batch order: numpy's ``default_rng`` with the trainer's seed, one
  ``permutation(m)`` per epoch, exactly as ``bp_core.training.Trainer`` draws it;
* the number of gradient steps the run took, and the final Θ bp_core reached, so the script
  ends by printing the largest |Θ_torch − Θ_bp_core| (expected ≤ 1e-9: the two sum in
  different orders, so they agree to rounding, not bit for bit).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from ..activations import ACTIVATIONS
from ..config import REGULARIZATIONS, NetConfig
from ..losses import LOSSES, OUTPUTS
from ..optimizers import OPTIMIZERS
from ..training import TrainSettings

Array = np.ndarray
#: A seed as ``numpy.random.default_rng`` takes it: a whole number or a list of them.
Seed = int | tuple[int, ...]

#: Marks the start of a notebook cell (the "percent" format editors and jupytext read): the
#: text after it on the line is the cell's title.  ``lab_ui`` splits the script there to
#: write the same code as a Jupyter notebook.
CELL = "# %%"

#: The most numbers (X, Y and every Θ together) a script embeds.
MAX_EMBEDDED_VALUES = 1_000_000


def _b64(A: Array) -> str:
    return base64.b64encode(np.ascontiguousarray(A, dtype="<f8").tobytes()).decode("ascii")


def _array(A: Array) -> str:
    shape = ", ".join(str(int(s)) for s in A.shape)
    return f'array("{_b64(A)}", ({shape}{"," if A.ndim == 1 else ""}))'


def _seed(seed: Seed) -> str:
    if isinstance(seed, int | np.integer):
        return repr(int(seed))
    return "[" + ", ".join(repr(int(s)) for s in seed) + "]"


def _need(entry: object, field: str, what: str) -> str:
    value = getattr(entry, field)
    if not value:
        raise ValueError(f"The {what} has no PyTorch equivalent, so the run cannot be exported.")
    return value


def _torch_parts(cfg: NetConfig, settings: TrainSettings) -> tuple[list[str], str, str, str, str]:
    """Each part's PyTorch text, from its registry entry: (hidden g's, output g, summed cost,
    one layer's penalty, the optimizer's constructor).  Raises ValueError naming the part
    that has none."""
    hidden = [
        _need(ACTIVATIONS[name], "torch", f"activation {ACTIVATIONS[name].label!r}")
        for name in cfg.activations
    ]
    output = OUTPUTS[cfg.output]
    g_out = _need(output, "torch", f"output unit {output.label!r}")
    loss = LOSSES[cfg.loss]
    cost = loss.torch_cost(output) if loss.torch_cost is not None else None
    if not cost:
        raise ValueError(f"The loss {loss.label!r} has no PyTorch equivalent for this output.")
    reg = REGULARIZATIONS[cfg.regularization]
    penalty = _need(reg, "torch", f"regularization {reg.label!r}")
    opt = OPTIMIZERS[settings.optimizer]
    make_opt = _need(opt, "torch", f"optimizer {opt.label!r}").format(**asdict(settings))
    return hidden, g_out, cost, penalty, make_opt


def torch_export_problem(cfg: NetConfig, settings: TrainSettings) -> str | None:
    """Why this network and training cannot be exported to PyTorch, in a sentence; None when
    they can (every part's registry entry has its PyTorch form)."""
    try:
        _torch_parts(cfg, settings)
    except ValueError as err:
        return str(err)
    return None


def torch_script(
    cfg: NetConfig,
    settings: TrainSettings,
    Theta0: Sequence[Array],
    X: Array,
    Y: Array,
    batch_seed: Seed,
    steps: int,
    Theta_final: Sequence[Array],
    notes: Sequence[str] = (),
) -> str:
    """A PyTorch script that trains ``cfg`` from ``Theta0`` as bp_core's Trainer did.

    Parameters
    ----------
    cfg : NetConfig
    settings : TrainSettings
        α, batch size, optimizer and its constants.
    Theta0 : sequence of ndarray
        Θ^(l) before the first step, shapes ``cfg.theta_shapes``.
    X : ndarray of shape (m, s_1)
        The training inputs, in the trainer's row order.
    Y : ndarray of shape (m, s_L)
        The encoded targets (``bp_core.encode_targets``).
    batch_seed : int or tuple of int
        The seed of the trainer's generator (``default_rng(batch_seed)`` draws the order).
    steps : int
        Gradient steps to take (the run's ``trainer.steps``).
    Theta_final : sequence of ndarray
        Θ after the run in bp_core, embedded for the comparison the script prints.
    notes : sequence of str
        Sentences written as comments at the top (e.g. why the run is not reproduced
        exactly); newlines are removed.

    Returns
    -------
    str
        Python source needing numpy and torch only.

    Raises
    ------
    ValueError
        When a part of the run has no PyTorch equivalent, or the data are too big to embed.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    m = X.shape[0]
    if X.ndim != 2 or Y.ndim != 2 or Y.shape[0] != m or m == 0:
        raise ValueError("X and Y must be 2-D with one row per training example.")
    if X.shape[1] != cfg.layer_sizes[0] or Y.shape[1] != cfg.layer_sizes[-1]:
        raise ValueError("X and Y do not fit the network's input and output layers.")
    shapes = [tuple(T.shape) for T in Theta0]
    if shapes != list(cfg.theta_shapes) or [T.shape for T in Theta_final] != shapes:
        raise ValueError("Θ does not have the network's shapes.")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"The number of steps must be a whole number ≥ 0 (got {steps!r}).")
    n_values = X.size + Y.size + 2 * sum(T.size for T in Theta0)
    if n_values > MAX_EMBEDDED_VALUES:
        raise ValueError(
            f"The run has {n_values:,} numbers to embed; a PyTorch script holds at most "
            f"{MAX_EMBEDDED_VALUES:,}."
        )
    hidden, g_out, cost, penalty, make_opt = _torch_parts(cfg, settings)
    batch = m if settings.batch_size is None else min(int(settings.batch_size), m)

    lines = [
        '"""Backprop Lab run, reproduced in PyTorch (float64).',
        "",
        f"Network {'-'.join(str(s) for s in cfg.layer_sizes)}, {steps} gradient steps, "
        f"batch {batch} of m = {m}, {OPTIMIZERS[settings.optimizer].label}.",
        "Needs numpy and torch only.  Prints the largest |Θ_torch − Θ_bp_core| at the end.",
        '"""',
        "",
        *[f"# {' '.join(str(n).split())}" for n in notes],
        CELL + " The libraries",
        "import base64",
        "",
        "import numpy as np",
        "import torch",
        "",
        "torch.set_default_dtype(torch.float64)",
        "",
        "",
        "def array(text, shape):",
        '    """float64 values from base64 (exact: no decimal rounding)."""',
        '    return np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(shape).copy()',
        "",
        "",
        CELL + " The data and Θ, exactly as Backprop Lab had them",
        "# The training set, rows in the trainer's order; Y as the output layer encodes it.",
        f"X = {_array(X)}",
        f"Y = {_array(Y)}",
        "# Θ^(l) before training and after it in Backprop Lab: (s_{l+1}, s_l + 1), bias column 0.",
        "THETA_0 = [",
        *[f"    {_array(T)}," for T in Theta0],
        "]",
        "THETA_BP_CORE = [",
        *[f"    {_array(T)}," for T in Theta_final],
        "]",
        f"LAMBDA = {float(cfg.lambda_)!r}",
        f"BATCH = {batch}  # examples per gradient step",
        f"STEPS = {int(steps)}",
        f"SEED = {_seed(batch_seed)}  # the trainer's generator: one permutation per epoch",
        "",
        CELL + " The network: one torch.nn.Linear per Θ^(l)",
        "# One Linear layer per Θ^(l): bias ← column 0, weight ← the other columns.",
        "layers = torch.nn.ModuleList()",
        "for T in THETA_0:",
        "    layer = torch.nn.Linear(T.shape[1] - 1, T.shape[0])",
        "    with torch.no_grad():",
        "        layer.bias.copy_(torch.from_numpy(T[:, 0]))",
        "        layer.weight.copy_(torch.from_numpy(T[:, 1:]))",
        "    layers.append(layer)",
        "",
        "# g of each hidden layer, then the output unit",
        "G = [",
        *[f"    lambda z: {expr}," for expr in hidden],
        "]",
        "",
        "",
        "def forward(x):",
        '    """z^(L) and h = a^(L): a^(l+1) = g(Θ^(l) a^(l)) with the bias unit a_0 = 1."""',
        "    a = x",
        "    for layer, g in zip(layers[:-1], G):",
        "        a = g(layer(a))",
        "    z = layers[-1](a)",
        f"    return z, {g_out}",
        "",
        "",
        "def J(x, y):",
        '    """The course\'s J on a batch: mean cost + the penalty on non-bias weights."""',
        "    m = x.shape[0]",
        "    z, h = forward(x)",
        f"    penalty = sum({penalty} for layer in layers)",
        f"    return ({cost}) / m + LAMBDA / m * penalty",
        "",
        "",
        CELL + " Training: the same update rule, constants and mini-batch order",
        "params = list(layers.parameters())",
        f"optimizer = {make_opt}",
        "rng = np.random.default_rng(SEED)",
        "m = X.shape[0]",
        "per_epoch = -(-m // BATCH)",
        "Xp, Yp = X, Y",
        "for step in range(STEPS):",
        "    k = step % per_epoch",
        "    if k == 0 and BATCH < m:  # a fresh order each epoch, as bp_core draws it",
        "        order = rng.permutation(m)",
        "        Xp, Yp = X[order], Y[order]",
        "    xb = torch.from_numpy(Xp[k * BATCH : (k + 1) * BATCH])",
        "    yb = torch.from_numpy(Yp[k * BATCH : (k + 1) * BATCH])",
        "    optimizer.zero_grad()",
        "    J(xb, yb).backward()",
        "    optimizer.step()",
        "",
        CELL + " Compare with Backprop Lab's Θ",
        "theta_torch = [",
        "    np.column_stack([layer.bias.detach().numpy(), layer.weight.detach().numpy()])",
        "    for layer in layers",
        "]",
        "gap = max(float(np.max(np.abs(a - b))) for a, b in zip(theta_torch, THETA_BP_CORE))",
        'print(f"largest |Θ_torch − Θ_bp_core| = {gap:.3e}")',
        "",
    ]
    return "\n".join(lines)
