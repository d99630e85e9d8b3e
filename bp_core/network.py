"""Forward propagation, the cost J(Θ) and backpropagation, in the course's notation.

The index rule — stated here once; every other module points to it:

**Python index = course superscript − 1**, for every per-layer sequence.

* ``a[l - 1]`` is a^(l): ``a[0]`` is a^(1) = x, ``a[-1]`` is a^(L) = h_Θ(x).
* ``z[l - 1]`` is z^(l) and ``delta[l - 1]`` is δ^(l); ``z[0]`` and ``delta[0]`` are
  ``None`` (the input layer has neither).
* ``Theta[l - 1]`` is Θ^(l), which maps layer l to layer l + 1, shape (s_{l+1}, s_l + 1)
  with the bias in column 0; ``Delta[l - 1]`` and ``D[l - 1]`` are Δ^(l) and D^(l), same
  shape.  ``cfg.units[l - 1]`` is layer l's activation (None for the input layer).

The loops below run over the course superscript ``l`` and index with ``[l - 1]``, so the
course equation in the comment above a line uses the same l as the code below it.

One weight is Θ^(l)_{jk} with l = 1 … L − 1 the course layer of Θ, j = 1 … s_{l+1} the row
(unit j of layer l + 1, 1-based) and k = 0 … s_l the column (unit k of layer l, 0 = the
bias unit), so it sits at ``Theta[l - 1][j - 1, k]``.  ``bp_core.indexing`` converts
between (l, j, k) and (Python index, row, column) and names the weight.

Rows are examples: ``X`` is (m, s_1) and a^(l) is (m, s_l), so the course's column-vector
equation z^(l+1) = Θ^(l) a^(l) becomes ``z[l] = add_bias(a[l - 1]) @ Theta[l - 1].T`` for all
m examples at once.  ``a`` is stored without the bias unit; ``add_bias`` puts a_0 = 1 in
front when it is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .config import DEFAULT_REGULARIZATION, REGULARIZATIONS, NetConfig
from .losses import LOSSES, OUTPUTS, Loss, Output

Array = np.ndarray


def add_bias(a: Array) -> Array:
    """Put the bias unit a_0 = 1 in front of every example.

    Parameters
    ----------
    a : ndarray of shape (m, s)

    Returns
    -------
    ndarray of shape (m, s + 1), column 0 all ones.
    """
    a1 = np.empty((a.shape[0], a.shape[1] + 1))  # (m, s + 1)
    a1[:, 0] = 1.0
    a1[:, 1:] = a
    return a1


def unroll(Theta: Sequence[Array]) -> Array:
    """The course's "unrolling": all Θ^(l) flattened into one vector, Θ^(1) first.

    Returns
    -------
    ndarray of shape (n_weights,)
    """
    return np.concatenate([T.ravel() for T in Theta])


def reshape_params(cfg: NetConfig, theta_vec: Array) -> tuple[Array, ...]:
    """Undo ``unroll``: views of ``theta_vec`` (n_weights,) with the shapes of Θ^(1) … Θ^(L−1)."""
    o = cfg.theta_offsets  # Θ^(l) starts at o[l - 1]
    return tuple(
        theta_vec[o[l - 1] : o[l]].reshape(shape)  # (s_{l+1}, s_l + 1)
        for l, shape in enumerate(cfg.theta_shapes, start=1)
    )


# --------------------------------------------------------------------------------------
# Traces: small frozen records of what was computed, kept for inspection.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardTrace:
    """Result of a forward pass over m examples.

    Attributes
    ----------
    a : tuple of ndarray
        ``a[l - 1]`` is a^(l), shape (m, s_l); ``a[0]`` is X and ``a[-1]`` is h_Θ(x).
    z : tuple
        ``z[l - 1]`` is z^(l), shape (m, s_l); ``z[0]`` is None.
    """

    a: tuple[Array, ...]
    z: tuple[Array | None, ...]

    @property
    def h(self) -> Array:
        """The hypothesis h_Θ(x) = a^(L), shape (m, s_L)."""
        return self.a[-1]


@dataclass(frozen=True)
class BackpropTrace:
    """Everything backpropagation computed for one batch of m examples.

    Attributes
    ----------
    J : float or None
        Cost J(Θ) including regularization (None when not asked for).
    a, z : tuple
        As in ``ForwardTrace``.
    delta : tuple
        ``delta[l - 1]`` is δ^(l), shape (m, s_l), one row per example; ``delta[0]`` is None.
    Delta : tuple of ndarray
        ``Delta[l - 1]`` is Δ^(l) = Σ_i δ^(l+1)_i (a^(l)_i with bias)ᵀ, shape of Θ^(l).
    D : tuple of ndarray
        ``D[l - 1]`` = ∂J/∂Θ^(l) = Δ^(l)/m + (λ/m)Θ^(l) with the bias column unregularized
        (L1: + (λ/m) sign(Θ^(l)) instead).
    """

    J: float | None
    a: tuple[Array, ...]
    z: tuple[Array | None, ...]
    delta: tuple[Array | None, ...]
    Delta: tuple[Array, ...]
    D: tuple[Array, ...]

    @property
    def m(self) -> int:
        """Number of examples in the batch."""
        return self.a[0].shape[0]

    def Delta_per_example(self, index: int) -> Array:
        """Each example's contribution δ^(l+1)_i (a^(l)_i)ᵀ to Δ^(l), l = ``index`` + 1.

        Parameters
        ----------
        index : int
            Python index of Θ: 0 for Θ^(1), i.e. l − 1.

        Returns
        -------
        ndarray of shape (m, s_{l+1}, s_l + 1)
            Summing over axis 0 gives ``Delta[index]``.
        """
        l = index + 1  # course layer of Θ
        # δ^(l+1)_i (a^(l)_i)ᵀ for every example i
        return np.einsum("ij,ik->ijk", self.delta[l], add_bias(self.a[l - 1]))

    def example_contributions(self, index: int, row: int, col: int) -> Array:
        """Each example's share of ``Delta[index][row, col]``, all three Python indices
        (column 0 is the bias).  ``weight_contributions`` takes the course's (l, j, k).

        Returns
        -------
        ndarray of shape (m,)
            δ^(l+1)_{i,j} · a^(l)_{i,k} with l = index + 1, j = row + 1, k = col; the sum is
            ``Delta[index][row, col]``.
        """
        l = index + 1  # course layer of Θ
        a_col = 1.0 if col == 0 else self.a[l - 1][:, col - 1]  # (m,) or the bias unit a_0 = 1
        return self.delta[l][:, row] * a_col  # (m,)

    def weight_contributions(self, l: int, j: int, k: int) -> Array:
        """Each example's share δ^(l+1)_{i,j} · a^(l)_{i,k} of Δ^(l)_{jk}, (l, j, k) in the
        course's numbering (j from 1, k = 0 the bias; see ``bp_core.indexing``).  (m,)"""
        from .indexing import weight_to_index

        return self.example_contributions(*weight_to_index(l, j, k, self.theta_shapes))

    @property
    def theta_shapes(self) -> tuple[tuple[int, int], ...]:
        """Shape of every Θ^(l) (= shape of Δ^(l) and D^(l))."""
        return tuple(D.shape for D in self.D)


# --------------------------------------------------------------------------------------
# Validation: clear messages instead of numpy's broadcasting errors.
# --------------------------------------------------------------------------------------


def _as_matrix(name: str, M: Array, cols: int) -> Array:
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"{name} must be a table with one row per example (got {M.ndim} dims).")
    if M.shape[0] < 1:
        raise ValueError(f"{name} has no examples (no rows).")
    if M.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns for this network, but has {M.shape[1]}.")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} contains a missing or infinite value (NaN or inf).")
    return M


def check_inputs(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array | None = None
) -> tuple[list[Array], Array, Array | None]:
    """Check shapes and values and return float64 copies-as-needed of Θ, X and Y.

    Raises
    ------
    ValueError
        Saying which matrix is wrong and what shape it should have.
    """
    if len(Theta) != cfg.L - 1:
        raise ValueError(f"A {cfg.L}-layer network needs {cfg.L - 1} Θ matrices, got {len(Theta)}.")
    Th = []
    for l, (T, shape) in enumerate(zip(Theta, cfg.theta_shapes, strict=True), start=1):
        T = np.asarray(T, dtype=np.float64)
        if T.shape != shape:
            raise ValueError(
                f"Θ^({l}) must have shape {shape} (s_{l + 1} rows, s_{l} + 1 columns with the "
                f"bias first), but has shape {T.shape}."
            )
        if not np.all(np.isfinite(T)):
            raise ValueError(f"Θ^({l}) contains NaN or inf: the weights have diverged.")
        Th.append(T)
    X = _as_matrix("X", X, cfg.layer_sizes[0])
    if Y is not None:
        Y = _as_matrix("Y", Y, cfg.layer_sizes[-1])
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} examples but Y has {Y.shape[0]}.")
    return Th, X, Y


# --------------------------------------------------------------------------------------
# Forward propagation and the cost
# --------------------------------------------------------------------------------------


def _forward(cfg: NetConfig, Theta: Sequence[Array], X: Array) -> tuple[list, list, list]:
    """Forward pass without input checks; returns a, z and the a's with their bias unit
    (``a1[l - 1]`` is a^(l) with a_0 = 1, for l = 1 … L − 1)."""
    L, units = cfg.L, cfg.units  # units[l - 1] is layer l's g
    a: list = [None] * L
    z: list = [None] * L
    a1: list = [None] * (L - 1)
    a[0] = X  # a^(1) = x
    for l in range(1, L):  # course layer l feeds layer l + 1
        a1[l - 1] = add_bias(a[l - 1])  # (m, s_l + 1): a^(l) with a_0 = 1
        # z^(l+1) = Θ^(l) a^(l)
        z[l] = a1[l - 1] @ Theta[l - 1].T  # (m, s_{l+1})
        # a^(l+1) = g(z^(l+1))
        a[l] = units[l].g(z[l])  # (m, s_{l+1})
    return a, z, a1


def forward(cfg: NetConfig, Theta: Sequence[Array], X: Array) -> ForwardTrace:
    """Forward propagation for m examples.

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l), of shape (s_{l+1}, s_l + 1).
    X : ndarray of shape (m, s_1)

    Returns
    -------
    ForwardTrace
    """
    Theta, X, _ = check_inputs(cfg, Theta, X)
    a, z, _ = _forward(cfg, Theta, X)
    return ForwardTrace(a=tuple(a), z=tuple(z))


def regularization(cfg: NetConfig, Theta: Sequence[Array], m: int) -> float:
    """The regularization term of J, the bias column (k = 0) excluded.

    The term is the entry's own (``REGULARIZATIONS[cfg.regularization].cost``): L2, the
    course's, λ/(2m) Σ_l Σ_{j,k≥1} (Θ^(l)_{jk})²; L1, (λ/m) Σ_l Σ_{j,k≥1} |Θ^(l)_{jk}|.
    """
    if cfg.lambda_ == 0.0:
        return 0.0
    # the entry's own term over the non-bias weights Θ^(l)_{jk}, k ≥ 1:
    # λ/(2m) Σ_l Σ_{j,k≥1} (Θ^(l)_{jk})² for L2, (λ/m) Σ_l Σ_{j,k≥1} |Θ^(l)_{jk}| for L1
    penalty = REGULARIZATIONS[cfg.regularization]
    return penalty.cost((T[:, 1:] for T in Theta), cfg.lambda_, m)


def _cost(cfg: NetConfig, Theta: Sequence[Array], z_L: Array, a_L: Array, Y: Array) -> float:
    loss, out = LOSSES[cfg.loss], OUTPUTS[cfg.output]
    m = Y.shape[0]
    # J = (1/m) Σ_i cost_i + λ/(2m) Σ Θ²   (L1: + (λ/m) Σ |Θ|)
    return float(loss.example_cost(out, z_L, a_L, Y).sum() / m) + regularization(cfg, Theta, m)


def cost(cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array) -> float:
    """The cost J(Θ), regularization included.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
        Encoded targets (see ``encode_targets``).
    """
    Theta, X, Y = check_inputs(cfg, Theta, X, Y)
    a, z, _ = _forward(cfg, Theta, X)
    return _cost(cfg, Theta, z[-1], a[-1], Y)


# --------------------------------------------------------------------------------------
# Backpropagation, one named step per course equation
# --------------------------------------------------------------------------------------


def output_delta(loss: Loss, out: Output, z_L: Array, a_L: Array, Y: Array) -> Array:
    """δ^(L), owned by the loss: ŷ − y for sigmoid/softmax + cross-entropy.  (m, s_L)"""
    return loss.delta(out, z_L, a_L, Y)


def hidden_delta(Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation) -> Array:
    """δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* g'(z^(l)), without the bias row.

    Shapes: Θ^(l) (s_{l+1}, s_l + 1), δ^(l+1) (m, s_{l+1}), z^(l) and a^(l) (m, s_l).
    Returns (m, s_l).
    """
    back = delta_next @ Theta_l  # (m, s_l + 1): row i is ((Θ^(l))ᵀ δ^(l+1)_i)ᵀ
    # drop column 0, the bias unit's error: a_0 = 1 is not computed from z, so it has no δ
    return back[:, 1:] * g.g_prime(z_l, a_l)  # (m, s_l)


def accumulate(delta_next: Array, a1_l: Array) -> Array:
    """Δ^(l) = Σ_i δ^(l+1)_i (a^(l)_i)ᵀ, with a^(l) including the bias unit.

    Shapes: δ^(l+1) (m, s_{l+1}), a^(l) with bias (m, s_l + 1). Returns (s_{l+1}, s_l + 1).
    """
    return delta_next.T @ a1_l


def gradient(
    Delta_l: Array,
    Theta_l: Array,
    m: int,
    lambda_: float,
    regularization: str = DEFAULT_REGULARIZATION,
) -> Array:
    """D^(l) = Δ^(l)/m + (λ/m) Θ^(l), the bias column (k = 0) not regularized.

    With ``regularization="l1"``: D^(l) = Δ^(l)/m + (λ/m) sign(Θ^(l)), bias column again
    unregularized (sign(0) = 0: at exactly Θ = 0, |Θ| has no slope and this is the
    subgradient 0).  Shapes: Δ^(l) and Θ^(l) (s_{l+1}, s_l + 1); returns the same shape.
    """
    D_l = Delta_l / m  # (s_{l+1}, s_l + 1)
    if lambda_:
        slope = REGULARIZATIONS[regularization].slope  # Θ for L2, sign(Θ) for L1
        # D^(l)_{jk} = Δ^(l)_{jk}/m + (λ/m) Θ^(l)_{jk} for k ≥ 1   (L1: (λ/m) sign(Θ^(l)_{jk}))
        D_l[:, 1:] += (lambda_ / m) * slope(Theta_l[:, 1:])  # (s_{l+1}, s_l)
    return D_l


@dataclass(frozen=True)
class BackwardSteps:
    """The four steps of the backward pass; planted bugs swap one of them for a wrong one."""

    output_delta: Callable[[Loss, Output, Array, Array, Array], Array] = output_delta
    hidden_delta: Callable[[Array, Array, Array, Array, Activation], Array] = hidden_delta
    accumulate: Callable[[Array, Array], Array] = accumulate
    #: ``gradient(Delta_l, Theta_l, m, lambda_)``; for an L1 network also the 5th argument
    #: ``regularization="l1"``.
    gradient: Callable[..., Array] = gradient


CORRECT_STEPS = BackwardSteps()


def _backprop(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    steps: BackwardSteps = CORRECT_STEPS,
    with_cost: bool = True,
) -> BackpropTrace:
    """Backpropagation without input checks (the trainer's inner loop calls this)."""
    L, m = cfg.L, X.shape[0]
    loss, out = LOSSES[cfg.loss], OUTPUTS[cfg.output]
    units = cfg.units  # units[l - 1] is layer l's g
    a, z, a1 = _forward(cfg, Theta, X)

    delta: list[Array | None] = [None] * L
    # δ^(L) = ∂J_i/∂z^(L)  (= ŷ − y for a sigmoid output with cross-entropy)
    delta[L - 1] = steps.output_delta(loss, out, z[L - 1], a[L - 1], Y)  # (m, s_L)
    for l in range(L - 1, 1, -1):  # hidden layers L − 1 … 2, back from the output
        # δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* g'(z^(l))
        delta[l - 1] = steps.hidden_delta(
            Theta[l - 1], delta[l], z[l - 1], a[l - 1], units[l - 1]
        )  # (m, s_l)
    # Δ^(l) = Σ_i δ^(l+1)_i (a^(l)_i)ᵀ, a^(l) with its bias unit, for l = 1 … L − 1
    Delta = [steps.accumulate(delta[l], a1[l - 1]) for l in range(1, L)]
    # D^(l) = Δ^(l)/m + (λ/m) Θ^(l), the bias column not regularized
    # (L1: D^(l) = Δ^(l)/m + (λ/m) sign(Θ^(l)); only then is the 5th argument passed, so a
    # gradient step written for L2 alone, with four parameters, keeps working)
    extra = () if cfg.regularization == DEFAULT_REGULARIZATION else (cfg.regularization,)
    D = [steps.gradient(Delta[l - 1], Theta[l - 1], m, cfg.lambda_, *extra) for l in range(1, L)]
    J = _cost(cfg, Theta, z[-1], a[-1], Y) if with_cost else None
    return BackpropTrace(
        J=J, a=tuple(a), z=tuple(z), delta=tuple(delta), Delta=tuple(Delta), D=tuple(D)
    )


def backprop(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    steps: BackwardSteps = CORRECT_STEPS,
) -> BackpropTrace:
    """Forward then backward propagation over a batch of m examples.

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l), of shape (s_{l+1}, s_l + 1).
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
        Encoded targets (see ``encode_targets``).
    steps : BackwardSteps
        The backward pass to use; ``PLANTED_BUGS[name].steps`` plants a classic mistake.

    Returns
    -------
    BackpropTrace
        J, a, z, δ, Δ and D; ``D[l - 1]`` is ∂J/∂Θ^(l).
    """
    Theta, X, Y = check_inputs(cfg, Theta, X, Y)
    return _backprop(cfg, Theta, X, Y, steps)


# --------------------------------------------------------------------------------------
# Targets and predictions
# --------------------------------------------------------------------------------------


def encode_targets(cfg: NetConfig, y: Array, task: str = "classification") -> Array:
    """Write labels as the output layer's targets Y.

    Parameters
    ----------
    y : ndarray of shape (m,)
        Class labels 0 … K−1 (classification) or real targets (regression).
    task : {"classification", "regression"}

    Returns
    -------
    ndarray of shape (m, s_L)
        One output unit: y itself (0/1; −1/+1 for a tanh output).  K units: one-hot rows
        (with −1 for "no" under a tanh output).  Regression: y as a column.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"Labels must be a single column (got shape {y.shape}).")
    out, K = OUTPUTS[cfg.output], cfg.layer_sizes[-1]
    if task == "regression":
        if K != 1:
            raise ValueError(f"Regression needs exactly 1 output unit, but the network has {K}.")
        return y.astype(np.float64).reshape(-1, 1)
    if task != "classification":
        raise ValueError(f"Unknown task {task!r}; use 'classification' or 'regression'.")
    labels = y.astype(np.int64)
    if not np.array_equal(labels, y) or (labels.size and labels.min() < 0):
        raise ValueError("Class labels must be whole numbers 0, 1, 2, …")
    n_classes = int(labels.max()) + 1 if labels.size else 0
    if K == 1:
        if n_classes > 2:
            raise ValueError(
                f"The data has {n_classes} classes but the network has 1 output unit: "
                f"give the output layer {n_classes} units (one per class)."
            )
        Y = labels.reshape(-1, 1).astype(np.float64)  # (m, 1)
    else:
        if n_classes > K:
            raise ValueError(
                f"The data has {n_classes} classes but the output layer has only {K} units."
            )
        Y = np.eye(K)[labels]  # (m, K) one-hot
    return np.where(Y > 0, out.target_high, out.target_low)


def decode_outputs(cfg: NetConfig, h: Array, task: str = "classification") -> Array:
    """Turn outputs h (m, s_L) into predictions (m,): a class label, or a value for regression.

    One output unit predicts class 1 when h is above the midpoint of its two targets
    (0.5 for sigmoid, 0 for tanh); K units predict the unit with the largest output.
    """
    if task == "regression":
        return h[:, 0].copy()
    if h.shape[1] == 1:
        out = OUTPUTS[cfg.output]
        return (h[:, 0] >= 0.5 * (out.target_low + out.target_high)).astype(np.int64)
    return h.argmax(axis=1)


def predict(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, task: str = "classification"
) -> Array:
    """Predicted class labels (or values, for regression) for X (m, s_1); returns (m,)."""
    return decode_outputs(cfg, forward(cfg, Theta, X).h, task)
