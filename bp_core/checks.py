"""Checks of the derivation's lines against finite differences.

Each line of the backprop derivation has a side ``bp_core`` computes (backprop's δ and D, the
loss's J and ∂J/∂h, the layer's own g') and a side got by nudging the input of that line by
±ε and recomputing (``gradcheck.central_difference``, the one finite-difference loop).  The
functions here return both sides as numbers, with the layer, the g and the weights they used
(``LineCheck``).  The LaTeX and the prose that go with each line live in
``lab_ui.derivation.derivation``; nothing here is text for a page.

Arguments named ``layer`` are course layer numbers (2 … L); a weight is the course's
(l, j, k) — see the index rule in ``bp_core.network``.

Older import paths keep working: ``examples`` (now in ``bp_core.examples``),
``SampledCheck``, ``sampled_gradient_check`` and their limits (``bp_core.gradcheck``) and
``output_delta_curves`` (``bp_core.losses``) are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation
from .config import NetConfig
from .examples import examples
from .gradcheck import (
    FULL_CHECK_MAX_WEIGHTS,
    MAX_CHECK_EXAMPLES,
    SAMPLED_ENTRIES,
    SampledCheck,
    _J_of_unrolled,
    central_difference,
    sampled_gradient_check,
)
from .indexing import weight_to_index
from .losses import LOSSES, OUTPUTS, Output, output_delta_curves
from .network import add_bias, backprop, check_inputs, regularization, unroll

Array = np.ndarray

__all__ = [
    "FULL_CHECK_MAX_WEIGHTS",
    "MAX_CHECK_EXAMPLES",
    "SAMPLED_ENTRIES",
    "CostSlice",
    "LineCheck",
    "SampledCheck",
    "cost_from_z",
    "cost_slice",
    "dJ_dh_formula",
    "derivation_checks",
    "example_cost_of_h",
    "examples",
    "fd_dJ_dh",
    "fd_dJ_dz",
    "fd_slope",
    "layer_slope",
    "max_abs_diff",
    "output_delta_curves",
    "sampled_gradient_check",
]


# ---------------------------------------------------------------------------------------------
# One example's cost J_i, and its finite-difference derivatives
# ---------------------------------------------------------------------------------------------


def cost_from_z(cfg: NetConfig, Theta: Sequence[Array], layer: int, z: Array, Y: Array) -> Array:
    """Each example's unregularized cost J_i when z^(layer) is set to ``z`` (m, s_layer).

    Forward propagation from layer ``layer`` on, with each layer's own g.  Returns (m,).
    """
    a = cfg.unit(layer).g(z)  # a^(layer)
    for l in range(layer, cfg.L):  # course layer l feeds layer l + 1
        # z^(l+1) = Θ^(l) a^(l)
        z = add_bias(a) @ np.asarray(Theta[l - 1]).T  # (m, s_{l+1})
        # a^(l+1) = g(z^(l+1))
        a = cfg.unit(l + 1).g(z)  # (m, s_{l+1})
    return LOSSES[cfg.loss].example_cost(OUTPUTS[cfg.output], z, a, Y)  # (m,)


def fd_dJ_dz(
    cfg: NetConfig, Theta: Sequence[Array], layer: int, z: Array, Y: Array, eps: float = 1e-5
) -> Array:
    """∂J_i/∂z^(layer) by centred differences, one entry at a time; shape of z (m, s_layer).

    Rows are examples and do not interact, so nudging z_ij changes only J_i:
    ∂(Σ_i J_i)/∂z_ij = ∂J_i/∂z_ij, and one scalar function serves every entry.
    """
    return central_difference(lambda v: float(cost_from_z(cfg, Theta, layer, v, Y).sum()), z, eps)


def _fd_diagonal(g, z: Array, eps: float) -> Array:
    """(g(z + ε e)_e − g(z − ε e)_e) / 2ε for every entry e of z: each unit's own slope
    (for softmax, the diagonal of ∂a/∂z)."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty(z.size)
    for i in range(z.size):
        out[i] = central_difference(lambda v, i=i: float(g(v).flat[i]), z, eps, entries=[i])[0]
    return out.reshape(z.shape)


def fd_slope(name: str, z: Array, eps: float = 1e-5) -> Array:
    """(g(z + ε) − g(z − ε)) / 2ε for the activation ``name`` of ``bp_core.ACTIVATIONS``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}.")
    return _fd_diagonal(ACTIVATIONS[name].g, z, eps)


def _slope(unit: Activation | Output, z: Array) -> Array:
    """g'(z) from the registry entry: an activation's ``g_prime``, or for an output unit the
    diagonal ∂a_j/∂z_j of its Jacobian (from its ``vjp``, one unit vector at a time)."""
    a = unit.g(z)
    if isinstance(unit, Activation):
        return unit.g_prime(z, a)
    out = np.empty_like(z)
    for j in range(z.shape[1]):
        e = np.zeros_like(z)
        e[:, j] = 1.0
        out[:, j] = unit.vjp(z, a, e)[:, j]  # ((∂a/∂z)ᵀ e_j)_j = ∂a_j/∂z_j
    return out


def layer_slope(cfg: NetConfig, layer: int, z: Array, eps: float = 1e-5) -> LineCheck:
    """g'(z^(layer)) from layer ``layer``'s own g (2 … L) against its centred difference.

    ``unit`` of the result names the g that was used (a key of ``ACTIVATIONS``, or of
    ``OUTPUTS`` for layer L), so a page labels the line with the right function.
    """
    unit = cfg.unit(layer)
    z = np.asarray(z, dtype=np.float64)
    return LineCheck(
        key="g_prime",
        left=_slope(unit, z)[0],
        right=_fd_diagonal(unit.g, z, eps)[0],
        tolerance=1e-8,
        layer=layer,
        unit=unit.name,
        entries=tuple((layer, j) for j in range(1, z.shape[1] + 1)),
    )


def example_cost_of_h(loss: str, output: str, h: Array, Y: Array) -> Array:
    """J_i as a function of the output h alone: ``LOSSES[loss].J_of_h`` (kept as an alias).

    Shape (m,).
    """
    return LOSSES[loss].J_of_h(OUTPUTS[output], h, Y)


def dJ_dh_formula(loss: str, output: str, h: Array, Y: Array) -> Array:
    """The course's ∂J_i/∂h: ``LOSSES[loss].dJ_dh`` (kept as an alias).  Shape of h."""
    return LOSSES[loss].dJ_dh(OUTPUTS[output], h, Y)


def fd_dJ_dh(loss: str, output: str, h: Array, Y: Array, eps: float = 1e-7) -> Array:
    """∂J_i/∂h by centred differences of the loss's ``J_of_h``; shape of h.

    As in ``fd_dJ_dz``, nudging h_ij changes only J_i, so the sum over examples serves.
    """
    lo, out = LOSSES[loss], OUTPUTS[output]
    return central_difference(lambda v: float(lo.J_of_h(out, v, Y).sum()), h, eps)


def max_abs_diff(A: Array, B: Array) -> float:
    """max |A − B| over all entries (0 for empty arrays)."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    return float(np.max(np.abs(A - B))) if A.size else 0.0


# ---------------------------------------------------------------------------------------------
# J along one weight: the gradient as a slope
# ---------------------------------------------------------------------------------------------


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
    entry: tuple[int, int, int] | None = None,
    half_width: float = 1.0,
    n: int = 41,
    eps: float = 1e-4,
    *,
    weight: tuple[int, int, int] | None = None,
) -> CostSlice:
    """J(Θ) with only one weight varied over t0 ± half_width.

    Give the weight as ``weight=(l, j, k)``, the course's numbering (j from 1, k = 0 the
    bias), or — the older form — as ``entry=(l, row, col)`` with the Python row j − 1.

    The finite-difference slope is (J(t0 + ε) − J(t0 − ε)) / 2ε (``central_difference``);
    the backprop slope is D^(l)_{jk}.
    """
    if (entry is None) == (weight is None):
        raise ValueError("Give the weight once: weight=(l, j, k), or entry=(l, row, col).")
    if weight is None:
        l, row, col = entry
        r, c = cfg.theta_shapes[l - 1] if 1 <= l < cfg.L else (0, 0)
        if not (0 <= row < r and 0 <= col < c):
            raise ValueError(f"Θ^({l}) has no entry ({row}, {col}).")
        index = l - 1
    else:
        index, row, col = weight_to_index(*weight, cfg)
    Th, X, Y = check_inputs(cfg, Theta, X, Y)
    t0 = float(Th[index][row, col])
    theta_vec = unroll(Th)  # (n_weights,)
    at = cfg.theta_offsets[index] + row * cfg.theta_shapes[index][1] + col  # the weight in θ
    J_of = _J_of_unrolled(cfg, X, Y)

    def J_at(t: float) -> float:
        theta_vec[at] = t
        return J_of(theta_vec)

    ts = np.linspace(t0 - half_width, t0 + half_width, n)
    Js = np.array([J_at(t) for t in ts])
    theta_vec[at] = t0
    slope_fd = float(central_difference(J_of, theta_vec, eps, entries=[at])[0])
    J0 = J_of(theta_vec)
    slope_bp = float(backprop(cfg, Th, X, Y).D[index][row, col])
    return CostSlice(ts, Js, t0, J0, slope_fd, slope_bp)


# ---------------------------------------------------------------------------------------------
# The derivation, line by line: both sides of each equation on the current network
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineCheck:
    """Both sides of one line of the derivation, computed (numbers only).

    Attributes
    ----------
    key : str
        Which line: ``"J"``, ``"g_prime"``, ``"dJ_dh"``, ``"delta_L"``, ``"delta_<l>"`` for a
        hidden layer l, ``"D"``, ``"delta_L_mse"``.
    left, right : ndarray
        bp_core's side and the finite-difference (or textbook) side, same shape.
    tolerance : float
        The line checks out when ``max_diff < tolerance``.
    layer : int or None
        The course layer the line is about (None for J and D).
    unit : str or None
        The registry name of the g that was used (an ``ACTIVATIONS`` or ``OUTPUTS`` key).
    entries : tuple
        What each entry of ``left`` is: (layer, j) for unit j of a layer, the course's
        (l, j, k) for a weight, ``()`` for the single number J.
    m : int
        The number of examples the line used.
    gradient : SampledCheck or None
        For the ``"D"`` line, the gradient check itself (how many weights, whether all).
    """

    key: str
    left: Array
    right: Array
    tolerance: float = 1e-6
    layer: int | None = None
    unit: str | None = None
    entries: tuple = ()
    m: int = 1
    gradient: SampledCheck | None = None

    @property
    def max_diff(self) -> float:
        return max_abs_diff(self.left, self.right)

    @property
    def ok(self) -> bool:
        return self.max_diff < self.tolerance


def _units(layer: int, n: int) -> tuple[tuple[int, int], ...]:
    return tuple((layer, j) for j in range(1, n + 1))


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

    Returns
    -------
    list of LineCheck
        In the derivation's order: J, g' of layer 2 (of layer L when there is no hidden
        layer), ∂J/∂h, δ^(L), δ^(L−1) … δ^(2), D, and δ^(L) under squared error.  The lines
        that need the loss's ``J_of_h``/``dJ_dh`` are left out for a loss that has none, and
        the squared-error contrast for an output unit that squared error does not allow.
    """
    L, loss, out = cfg.L, LOSSES[cfg.loss], OUTPUTS[cfg.output]
    tr = backprop(cfg, Theta, X, Y)
    h, zL = tr.a[-1], tr.z[-1]  # (1, s_L)
    outs = _units(L, h.shape[1])
    m_all = X_all.shape[0]
    checks = []

    if loss.J_of_h is not None:
        tr_all = backprop(cfg, Theta, X_all, Y_all)
        # J = (1/m) Σ_i J_i(h) + λ/(2m) Σ Θ²  with the textbook J_i(h), log h and all
        textbook = loss.J_of_h(out, tr_all.a[-1], Y_all).mean() + regularization(cfg, Theta, m_all)
        checks.append(LineCheck("J", np.array([tr_all.J]), np.array([textbook]), 1e-8, m=m_all))
    layer_g = 2 if L > 2 else L
    checks.append(layer_slope(cfg, layer_g, tr.z[layer_g - 1]))
    if loss.dJ_dh is not None:
        checks.append(
            LineCheck(
                "dJ_dh",
                loss.dJ_dh(out, h, Y)[0],
                fd_dJ_dh(cfg.loss, cfg.output, h, Y)[0],
                1e-4,
                layer=L,
                unit=out.name,
                entries=outs,
            )
        )
    checks.append(
        LineCheck(
            "delta_L",
            tr.delta[-1][0],
            fd_dJ_dz(cfg, Theta, L, zL, Y)[0],
            layer=L,
            unit=out.name,
            entries=outs,
        )
    )
    for layer in range(L - 1, 1, -1):
        # δ^(layer) is delta[layer - 1]; its finite difference nudges z^(layer)
        z_l = tr.z[layer - 1]  # (1, s_layer)
        checks.append(
            LineCheck(
                f"delta_{layer}",
                tr.delta[layer - 1][0],
                fd_dJ_dz(cfg, Theta, layer, z_l, Y)[0],
                layer=layer,
                unit=cfg.unit(layer).name,
                entries=_units(layer, z_l.shape[1]),
            )
        )
    chk = sampled_gradient_check(cfg, Theta, X_all, Y_all)
    checks.append(
        LineCheck("D", chk.backprop, chk.numeric, 1e-6, entries=chk.weights, m=chk.m, gradient=chk)
    )
    mse = LOSSES["mse"]
    if out.name in mse.outputs:
        mse_cfg = NetConfig(cfg.layer_sizes, cfg.activations, out.name, "mse", cfg.lambda_)
        checks.append(
            LineCheck(
                "delta_L_mse",
                mse.delta(out, zL, h, Y)[0],
                fd_dJ_dz(mse_cfg, Theta, L, zL, Y)[0],
                layer=L,
                unit=out.name,
                entries=outs,
            )
        )
    return checks
