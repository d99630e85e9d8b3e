"""Checks behind the Gradients and Derivation views, composed from the rest of ``bp_core``.

Pure functions (no streamlit, no session), each a thin composition of ``bp_core`` pieces:
choosing the examples to look at, a gradient check on a sample of the weights when the
network is too big to check them all within ~2 s, finite-difference derivatives of one
example's cost J_i with respect to z^(l) or h (the "other side" of each derivation line),
and a one-weight slice of J(Θ).

Index rule as in ``bp_core``: Python index = course superscript − 1.  Arguments named
``layer`` are *course* layer numbers (2 … L); ``l`` in ``(l, j, k)`` is the course l of Θ^(l).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import (
    ACTIVATIONS,
    LOSSES,
    OUTPUTS,
    PLANTED_BUGS,
    NetConfig,
    add_bias,
    backprop,
    cost,
    encode_targets,
    gradient_check,
    relative_difference,
    weight_name,
)
from .network import regularization

Array = np.ndarray

#: Networks with at most this many weights get the full check (every entry of every Θ).
FULL_CHECK_MAX_WEIGHTS = 600
#: Otherwise this many entries in all are checked, spread over the layers.
SAMPLED_ENTRIES = 360
#: The gradient check uses at most this many examples.
MAX_CHECK_EXAMPLES = 20


def examples(cfg: NetConfig, X: Array, y: Array, task: str, start: int, count: int):
    """Rows start … start + count − 1 of (X, y) with their encoded targets Y.

    Returns
    -------
    X : ndarray of shape (k, s_1)
    Y : ndarray of shape (k, s_L)
    """
    m = X.shape[0]
    if m == 0:
        raise ValueError("There are no training examples.")
    start = min(max(int(start), 0), m - 1)
    stop = min(start + max(int(count), 1), m)
    return X[start:stop], encode_targets(cfg, np.asarray(y)[start:stop], task)


@dataclass(frozen=True)
class SampledCheck:
    """A gradient check on some (or all) entries of Θ.

    Attributes
    ----------
    entries : tuple of (int, int, int)
        (l, row, col) of each checked weight: l the course's Θ^(l), row = j − 1 the Python
        row, col = k (0 = the bias), so the entry is ``Theta[l - 1][row, col]``.  ``weights``
        gives the course's (l, j, k).
    numeric, backprop : ndarray of shape (n_entries,)
        Centred finite difference and backprop's D at those entries.
    relative_difference : float
        ‖n − g‖ / ‖n + g‖ over the checked entries (bp_core.relative_difference).
    tolerance : float
    complete : bool
        True when every weight of the network was checked.
    n_weights : int
        Number of weights in the network.
    m : int
        Number of examples the check used.
    """

    entries: tuple[tuple[int, int, int], ...]
    numeric: Array
    backprop: Array
    relative_difference: float
    tolerance: float
    complete: bool
    n_weights: int
    m: int

    @property
    def passed(self) -> bool:
        return self.relative_difference < self.tolerance

    @property
    def weights(self) -> tuple[tuple[int, int, int], ...]:
        """The checked weights in the course's (l, j, k): j from 1, k = 0 the bias
        (``entries`` keeps the Python row j − 1 for older callers)."""
        return tuple((l, j + 1, k) for l, j, k in self.entries)

    @property
    def names(self) -> tuple[str, ...]:
        """``weight_name`` of every checked weight, e.g. "Θ^(1)_1,0"."""
        return tuple(weight_name(*w) for w in self.weights)

    @property
    def errors(self) -> Array:
        """|numeric − backprop| per checked entry, shape (n_entries,)."""
        return np.abs(self.numeric - self.backprop)

    def table(self) -> dict[str, list]:
        """The course's two columns (numeric, backprop) and |difference|, one row per weight,
        as columns keyed by name; the first, "weight", names the entry Θ^(l)_{j,k}."""
        return {
            "weight": list(self.names),
            "numeric": self.numeric.tolist(),
            "backprop": self.backprop.tolist(),
            "|difference|": self.errors.tolist(),
        }

    def worst_layer(self) -> int:
        """Course l of the Θ^(l) holding the largest |numeric − backprop|."""
        return int(self.entries[int(np.argmax(self.errors))][0]) if self.entries else 1

    def error_maps(self, shapes: Sequence[tuple[int, int]]) -> list[Array]:
        """|n − g| placed in each Θ's shape, NaN where an entry was not checked."""
        maps = [np.full(s, np.nan) for s in shapes]
        for (l, j, k), e in zip(self.entries, self.errors, strict=True):
            maps[l - 1][j, k] = e
        return maps


def _sample_entries(cfg: NetConfig, total: int, seed: int) -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(seed)
    per_layer = max(total // (cfg.L - 1), 4)
    out = []
    for l, (r, c) in enumerate(cfg.theta_shapes, start=1):
        if r * c <= per_layer:
            out += [(l, j, k) for j in range(r) for k in range(c)]
            continue
        bias = [(l, j, 0) for j in range(min(r, max(per_layer // 4, 1)))]  # bias column
        flat = rng.choice(r * (c - 1), size=per_layer - len(bias), replace=False)
        out += bias + sorted((l, int(f // (c - 1)), int(f % (c - 1)) + 1) for f in flat)
    return out


def sampled_gradient_check(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    bug: str | None = None,
    eps: float = 1e-4,
    tolerance: float = 1e-7,
    seed: int = 0,
) -> SampledCheck:
    """The course's gradient check, on every weight of a small network or a sample of a big one.

    Networks with at most ``FULL_CHECK_MAX_WEIGHTS`` weights use ``bp_core.gradient_check``
    itself; bigger ones compare ``SAMPLED_ENTRIES`` entries (always some of each bias column)
    so the check stays under ~2 s.  Either way at most ``MAX_CHECK_EXAMPLES`` examples.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
    bug : str or None
        A key of ``bp_core.PLANTED_BUGS``.
    """
    X, Y = X[:MAX_CHECK_EXAMPLES], Y[:MAX_CHECK_EXAMPLES]
    if cfg.n_weights <= FULL_CHECK_MAX_WEIGHTS:
        chk = gradient_check(cfg, Theta, X, Y, eps=eps, tolerance=tolerance, bug=bug)
        rows = chk.rows()
        return SampledCheck(
            entries=tuple((l, j, k) for l, j, k, _, _ in rows),
            numeric=np.array([r[3] for r in rows]),
            backprop=np.array([r[4] for r in rows]),
            relative_difference=chk.relative_difference,
            tolerance=tolerance,
            complete=True,
            n_weights=cfg.n_weights,
            m=X.shape[0],
        )
    if bug is not None and bug not in PLANTED_BUGS:
        raise ValueError(f"Unknown planted bug {bug!r}.")
    steps = PLANTED_BUGS[bug].steps if bug else None
    trace = backprop(cfg, Theta, X, Y, steps) if steps else backprop(cfg, Theta, X, Y)
    entries = _sample_entries(cfg, SAMPLED_ENTRIES, seed)
    Th = [np.array(T, dtype=np.float64) for T in Theta]
    numeric = np.empty(len(entries))
    for n, (l, j, k) in enumerate(entries):
        keep = Th[l - 1][j, k]
        Th[l - 1][j, k] = keep + eps
        J_plus = cost(cfg, Th, X, Y)
        Th[l - 1][j, k] = keep - eps
        J_minus = cost(cfg, Th, X, Y)
        Th[l - 1][j, k] = keep
        numeric[n] = (J_plus - J_minus) / (2 * eps)  # centred difference
    analytic = np.array([trace.D[l - 1][j, k] for l, j, k in entries])
    return SampledCheck(
        entries=tuple(entries),
        numeric=numeric,
        backprop=analytic,
        relative_difference=relative_difference([numeric], [analytic]),
        tolerance=tolerance,
        complete=False,
        n_weights=cfg.n_weights,
        m=X.shape[0],
    )


# ---------------------------------------------------------------------------------------------
# Derivation checks: finite differences of one example's cost J_i
# ---------------------------------------------------------------------------------------------


def _g(cfg: NetConfig, layer: int):
    """g of course layer ``layer`` (2 … L): the hidden activation or the output unit."""
    return (
        OUTPUTS[cfg.output].g
        if layer == cfg.L
        else ACTIVATIONS[cfg.hidden_activations[layer - 2]].g
    )


def cost_from_z(cfg: NetConfig, Theta: Sequence[Array], layer: int, z: Array, Y: Array) -> Array:
    """Each example's unregularized cost J_i when z^(layer) is set to ``z`` (m, s_layer)."""
    a = _g(cfg, layer)(z)
    for p in range(layer - 1, cfg.L - 1):  # Python index p is layer p + 1
        # z^(p+2) = Θ^(p+1) a^(p+1)
        z = add_bias(a) @ np.asarray(Theta[p]).T  # (m, s_{p+2})
        a = _g(cfg, p + 2)(z)
    return LOSSES[cfg.loss].example_cost(OUTPUTS[cfg.output], z, a, Y)  # (m,)


def fd_dJ_dz(
    cfg: NetConfig, Theta: Sequence[Array], layer: int, z: Array, Y: Array, eps: float = 1e-5
) -> Array:
    """∂J_i/∂z^(layer) by centred differences, one entry at a time; shape of z (m, s_layer)."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += eps
        zm[idx] -= eps
        i = idx[0]
        out[idx] = (
            cost_from_z(cfg, Theta, layer, zp, Y)[i] - cost_from_z(cfg, Theta, layer, zm, Y)[i]
        ) / (2 * eps)
    return out


def fd_slope(name: str, z: Array, eps: float = 1e-5) -> Array:
    """(g(z + ε) − g(z − ε)) / 2ε for the activation ``name`` of ``bp_core.ACTIVATIONS``."""
    g = ACTIVATIONS[name].g
    return (g(z + eps) - g(z - eps)) / (2 * eps)


def example_cost_of_h(loss: str, output: str, h: Array, Y: Array) -> Array:
    """J_i as a function of the output h alone: ``LOSSES[loss].J_of_h`` (kept as an alias).

    Shape (m,).
    """
    return LOSSES[loss].J_of_h(OUTPUTS[output], h, Y)


def dJ_dh_formula(loss: str, output: str, h: Array, Y: Array) -> Array:
    """The course's ∂J_i/∂h: ``LOSSES[loss].dJ_dh`` (kept as an alias).  Shape of h."""
    return LOSSES[loss].dJ_dh(OUTPUTS[output], h, Y)


def fd_dJ_dh(loss: str, output: str, h: Array, Y: Array, eps: float = 1e-7) -> Array:
    """∂J_i/∂h by centred differences of ``example_cost_of_h``; shape of h."""
    out = np.empty_like(h)
    for idx in np.ndindex(h.shape):
        hp, hm = h.copy(), h.copy()
        hp[idx] += eps
        hm[idx] -= eps
        i = idx[0]
        diff = example_cost_of_h(loss, output, hp, Y)[i] - example_cost_of_h(loss, output, hm, Y)[i]
        out[idx] = diff / (2 * eps)
    return out


def max_abs_diff(A: Array, B: Array) -> float:
    """max |A − B| over all entries (0 for empty arrays)."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    return float(np.max(np.abs(A - B))) if A.size else 0.0


def output_delta_curves(output: str, z: Array | None = None, y: float = 1.0) -> dict[str, Array]:
    """δ^(L) of one output unit with target y along z, for cross-entropy and squared error.

    Both come from ``bp_core.LOSSES[...].delta``; ``z`` defaults to −8 … 8.
    Returns {"z", "h", "cross_entropy", "mse"}.
    """
    z = np.linspace(-8.0, 8.0, 161) if z is None else z
    out = OUTPUTS[output]
    Z = np.asarray(z, dtype=np.float64).reshape(-1, 1)  # (n, 1)
    A = out.g(Z)
    Y = np.full_like(Z, y)
    res = {"z": Z[:, 0], "h": A[:, 0]}
    for name in ("cross_entropy", "mse"):
        if output in LOSSES[name].outputs:
            res[name] = LOSSES[name].delta(out, Z, A, Y)[:, 0]
    return res


@dataclass(frozen=True)
class CostSlice:
    """J along one weight Θ^(l)_{jk}: values t, J(t), and the two slopes at the current value."""

    t: Array
    J: Array
    t0: float
    J0: float
    slope_fd: float
    slope_bp: float


def cost_slice(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    entry: tuple[int, int, int],
    half_width: float = 1.0,
    n: int = 41,
    eps: float = 1e-4,
) -> CostSlice:
    """J(Θ) with only Θ^(l)_{jk} varied over t0 ± half_width; ``entry`` = (l, j, k), l 1-based.

    The finite-difference slope is (J(t0 + ε) − J(t0 − ε)) / 2ε; the backprop slope is D^(l)_{jk}.
    """
    l, j, k = entry
    r, c = cfg.theta_shapes[l - 1] if 1 <= l < cfg.L else (0, 0)
    if not (0 <= j < r and 0 <= k < c):
        raise ValueError(f"Θ^({l}) has no entry ({j}, {k}).")
    Th = [np.array(T, dtype=np.float64) for T in Theta]
    t0 = float(Th[l - 1][j, k])

    def J_at(t: float) -> float:
        Th[l - 1][j, k] = t
        return cost(cfg, Th, X, Y)

    ts = np.linspace(t0 - half_width, t0 + half_width, n)
    Js = np.array([J_at(t) for t in ts])
    slope_fd = (J_at(t0 + eps) - J_at(t0 - eps)) / (2 * eps)
    J0 = J_at(t0)
    slope_bp = float(backprop(cfg, Th, X, Y).D[l - 1][j, k])
    return CostSlice(ts, Js, t0, J0, float(slope_fd), slope_bp)


# ---------------------------------------------------------------------------------------------
# The derivation, line by line: both sides of each equation on the current network
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineCheck:
    """One line of the derivation with both sides computed.

    Attributes
    ----------
    key, title, latex, explanation : str
    left_name, right_name : str
        What each side is (e.g. "backprop δ^(3)", "finite difference ∂J_i/∂z^(3)").
    left, right : ndarray
        The two sides, same shape (a vector for one example).
    labels : tuple of str
        One label per entry, e.g. "unit 2".
    tolerance : float
        The line checks out when ``max_diff < tolerance``.
    """

    key: str
    title: str
    latex: str
    explanation: str
    left_name: str
    right_name: str
    left: Array
    right: Array
    labels: tuple[str, ...]
    tolerance: float = 1e-6

    @property
    def max_diff(self) -> float:
        return max_abs_diff(self.left, self.right)

    @property
    def ok(self) -> bool:
        return self.max_diff < self.tolerance

    def table(self) -> dict[str, list]:
        """The two sides side by side with their difference, one row per entry, as columns
        keyed by name; the first, "entry", names the row."""
        left, right = np.ravel(self.left), np.ravel(self.right)
        return {
            "entry": list(self.labels),
            self.left_name: left.tolist(),
            self.right_name: right.tolist(),
            "difference": (left - right).tolist(),
        }


def _units(layer: int, n: int, first: int = 1) -> tuple[str, ...]:
    return tuple(f"unit {j} of layer {layer}" for j in range(first, first + n))


def derivation_checks(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array, X_all: Array, Y_all: Array
) -> list[LineCheck]:
    """Every line of the derivation checked on the current network.

    Parameters
    ----------
    X, Y : ndarray of shape (1, s_1), (1, s_L)
        The one example the per-example lines use.
    X_all, Y_all : ndarray of shape (m, s_1), (m, s_L)
        The examples J(Θ) and the gradient are checked on.
    """
    L, loss, out = cfg.L, cfg.loss, cfg.output
    tr = backprop(cfg, Theta, X, Y)
    h, zL = tr.a[-1], tr.z[-1]  # (1, s_L)
    outs = _units(L, h.shape[1])
    checks = []

    tr_all = backprop(cfg, Theta, X_all, Y_all)
    textbook = example_cost_of_h(loss, out, tr_all.a[-1], Y_all).mean() + regularization(
        cfg, Theta, X_all.shape[0]
    )
    checks.append(
        LineCheck(
            "J",
            "The cost J(Θ)",
            LOSSES[loss].formula
            + (r" + \frac{\lambda}{2m}\sum_{l}\sum_{j}\sum_{k\ge 1}(\Theta^{(l)}_{jk})^2"),
            "bp_core computes the log terms from z (log-sum-exp form) so log 0 never happens; "
            "the right side is the textbook formula evaluated on h.",
            "bp_core J(Θ)",
            "textbook formula",
            np.array([tr_all.J]),
            np.array([textbook]),
            (f"m = {X_all.shape[0]}",),
            1e-8,
        )
    )
    z_s = tr.z[1] if L > 2 else zL
    layer_s = 2
    sig = ACTIVATIONS["sigmoid"]
    checks.append(
        LineCheck(
            "sigmoid_prime",
            "The sigmoid's slope",
            r"\sigma'(z) = \frac{e^{-z}}{(1+e^{-z})^2} = \sigma(z)\,\big(1 - \sigma(z)\big)",
            f"Evaluated at this example's z^({layer_s}); "
            "the right side is (σ(z + ε) − σ(z − ε)) / 2ε.",
            "σ(z)(1 − σ(z))",
            "finite difference",
            sig.g_prime(z_s, sig.g(z_s))[0],
            fd_slope("sigmoid", z_s)[0],
            _units(layer_s, z_s.shape[1]),
            1e-8,
        )
    )
    checks.append(
        LineCheck(
            "dJ_dh",
            "How the cost changes with the output",
            (
                r"\frac{\partial J_i}{\partial \hat y_k} = "
                r"\frac{\hat y_k - y_k}{\hat y_k(1-\hat y_k)}"
                if loss == "cross_entropy" and out == "sigmoid"
                else r"\frac{\partial J_i}{\partial \hat y_k} = -\frac{y_k}{\hat y_k}"
                if loss == "cross_entropy"
                else r"\frac{\partial J_i}{\partial \hat y_k} = \hat y_k - y_k"
            ),
            "J_i is one example's cost and ŷ = h_Θ(x) = a^(L); the right side nudges ŷ_k by ±ε.",
            "formula",
            "finite difference",
            dJ_dh_formula(loss, out, h, Y)[0],
            fd_dJ_dh(loss, out, h, Y)[0],
            outs,
            1e-4,
        )
    )
    out_latex = (
        rf"\delta^{{({L})}} = \frac{{\partial J_i}}{{\partial z^{{({L})}}}} = "
        r"\frac{\partial J_i}{\partial \hat y}\,.\!*\,g'(z^{(" + str(L) + r")})"
    )
    checks.append(
        LineCheck(
            "delta_L",
            "The output error",
            out_latex + (r" = \hat y - y" if loss == "cross_entropy" else ""),
            "For sigmoid + cross-entropy ŷ(1 − ŷ) cancels the denominator of ∂J/∂ŷ. The right "
            f"side nudges each z^({L})_k by ±ε and recomputes J_i.",
            f"backprop δ^({L})",
            f"finite difference ∂J_i/∂z^({L})",
            tr.delta[-1][0],
            fd_dJ_dz(cfg, Theta, L, zL, Y)[0],
            outs,
        )
    )
    for layer in range(L - 1, 1, -1):
        checks.append(
            LineCheck(
                f"delta_{layer}",
                f"The error of hidden layer {layer}",
                rf"\delta^{{({layer})}} = \frac{{\partial J_i}}{{\partial z^{{({layer})}}}} = "
                rf"\big[(\Theta^{{({layer})}})^T\delta^{{({layer + 1})}}\big]_{{1:s_{{{layer}}}}}"
                rf"\,.\!*\,g'(z^{{({layer})}})",
                "Chain rule through the next layer: z^(l+1) = Θ^(l) a^(l) and a^(l) = g(z^(l)).",
                f"backprop δ^({layer})",
                f"finite difference ∂J_i/∂z^({layer})",
                tr.delta[layer - 1][0],
                fd_dJ_dz(cfg, Theta, layer, tr.z[layer - 1], Y)[0],
                _units(layer, tr.z[layer - 1].shape[1]),
            )
        )
    chk = sampled_gradient_check(cfg, Theta, X_all, Y_all)
    which = "every weight" if chk.complete else f"{len(chk.entries)} of the {chk.n_weights} weights"
    which += "" if chk.complete else " (a sample, to stay fast)"
    checks.append(
        LineCheck(
            "D",
            "The gradient",
            r"\frac{\partial J}{\partial \Theta^{(l)}_{jk}} = D^{(l)}_{jk} = "
            r"\frac{1}{m}\Delta^{(l)}_{jk}"
            r" + \frac{\lambda}{m}\Theta^{(l)}_{jk}\,[k\ge1],\quad "
            r"\Delta^{(l)} = \sum_{i=1}^m \delta^{(l+1)}_{(i)}\big(a^{(l)}_{(i)}\big)^T",
            f"On {chk.m} examples; {which} nudged by ±ε.",
            "backprop D",
            "finite difference ∂J/∂Θ",
            chk.backprop,
            chk.numeric,
            chk.names,
            1e-6,
        )
    )
    mse_cfg = NetConfig(cfg.layer_sizes, cfg.hidden_activation, out, "mse", cfg.lambda_)
    checks.append(
        LineCheck(
            "delta_L_mse",
            "The output error under squared error",
            rf"J_i = \tfrac12\sum_k(\hat y_k - y_k)^2 \;\Rightarrow\; \delta^{{({L})}} = "
            r"(\hat y - y)\,.\!*\,g'(z^{("
            + str(L)
            + r")})"
            + (r" = (\hat y - y)\,.\!*\,\hat y(1-\hat y)" if out == "sigmoid" else ""),
            "The same network and example with squared error instead: the output's slope stays in.",
            f"bp_core squared-error δ^({L})",
            f"finite difference ∂J_i/∂z^({L})",
            LOSSES["mse"].delta(OUTPUTS[out], zL, h, Y)[0],
            fd_dJ_dz(mse_cfg, Theta, L, zL, Y)[0],
            outs,
        )
    )
    return checks
