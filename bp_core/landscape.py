"""The loss landscape of two weights: J(Θ) over a grid of their values, the rest held fixed.

Pick two weights Θ^(l)_jk and Θ^(l')_j'k' (course numbering, see ``bp_core.network``), hold
every other weight where it is, and evaluate the cost J on the training set at n × n
combinations of their values around the current point.  The picture is a slice of J through
the current Θ along two axes, so the negative gradient −D of those two weights (backprop's
D^(l)_jk, D^(l')_j'k') points downhill on it, and the path training took through the two
values (the trainer's snapshots) lies on it only where the other weights had not moved yet.

Vectorised: the forward pass up to the first layer whose Θ changes is done once; from there
every grid value is one more slice of a batched forward pass, (grid values, m, s_l), in
chunks of at most :data:`CHUNK_VALUES` floats, so 41 × 41 = 1,681 evaluations of J cost about
as much as 1,681 forward passes of the layers after the first changed one, and nothing before.

Index rule: ``Theta[l - 1]`` is Θ^(l); one weight (l, j, k) sits at ``Theta[l - 1][j - 1, k]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .config import REGULARIZATIONS, NetConfig
from .indexing import weight_to_index
from .losses import LOSSES, OUTPUTS
from .network import _backprop, check_inputs, regularization

Array = np.ndarray
Weight = tuple[int, int, int]

#: Floats in one chunk of the batched forward pass at most (32 MB of float64).
CHUNK_VALUES = 4_000_000


@dataclass(frozen=True)
class Landscape:
    """J over a grid of two weights' values, with the current point and its gradient.

    Attributes
    ----------
    w1, w2 : (l, j, k)
        The two weights, course numbering (k = 0 is the bias column).
    v1, v2 : ndarray of shape (n,)
        The grid's values of Θ_w1 (the x axis) and Θ_w2 (the y axis), ascending.
    J : ndarray of shape (n, n)
        ``J[i, j]`` is the cost with Θ_w2 = v2[i] and Θ_w1 = v1[j] (rows are w2), every
        other weight as now; regularization included.
    theta : (float, float)
        The two weights now.
    J_here : float
        J at the current Θ (on the same examples as the grid).
    D : (float, float)
        Backprop's D of the two weights at the current Θ (∂J/∂Θ_w1, ∂J/∂Θ_w2); −D points
        downhill.
    m : int
        Examples J was computed on (all of X, or an evenly spaced subsample).
    m_total : int
        Examples in X.
    """

    w1: Weight
    w2: Weight
    v1: Array
    v2: Array
    J: Array
    theta: tuple[float, float]
    J_here: float
    D: tuple[float, float]
    m: int
    m_total: int

    @property
    def fraction(self) -> float:
        """The share of the examples J was computed on (1.0: all of them)."""
        return self.m / self.m_total


def steepest_weights(D: Sequence[Array], count: int = 2) -> list[Weight]:
    """The ``count`` weights (l, j, k) with the largest |D^(l)_jk|, largest first.

    Parameters
    ----------
    D : sequence of ndarray
        ``D[l - 1]`` is D^(l), shape (s_{l+1}, s_l + 1).
    """
    flat = np.concatenate([np.abs(np.asarray(Dl)).ravel() for Dl in D])  # (n_weights,)
    order = np.argsort(-flat, kind="stable")[:count]
    sizes = np.cumsum([0] + [np.asarray(Dl).size for Dl in D])
    out = []
    for i in order:
        l = int(np.searchsorted(sizes, i, side="right"))  # course layer of Θ
        row, col = divmod(int(i - sizes[l - 1]), np.asarray(D[l - 1]).shape[1])
        out.append((l, row + 1, col))
    return out


def _batched_g(unit, z: Array) -> Array:
    """g applied to a batched z (..., m, s): as a 2-D table, so an output such as softmax
    that works along each row sees rows of one example each."""
    return unit.g(z.reshape(-1, z.shape[-1])).reshape(z.shape)


def _layer_z(a: Array, Theta_l: Array) -> Array:
    """z^(l+1) = Θ^(l) a^(l) for a batch of tables a (..., m, s_l) → (..., m, s_{l+1}).

    The same as ``add_bias(a) @ Theta_l.T``, written as one 2-D product plus the bias column
    (numpy's stacked products of small matrices are far slower than one big one).
    """
    flat = a.reshape(-1, a.shape[-1])  # (G·m, s_l)
    z = flat @ Theta_l[:, 1:].T + Theta_l[:, 0]  # (G·m, s_{l+1}): bias a_0 = 1 times column 0
    return z.reshape(*a.shape[:-1], Theta_l.shape[0])


def _subsample(X: Array, Y: Array, max_examples: int | None) -> tuple[Array, Array]:
    """At most ``max_examples`` evenly spaced rows of X and Y (no randomness: the same rows
    every time)."""
    m = X.shape[0]
    if max_examples is None or max_examples >= m:
        return X, Y
    if max_examples < 1:
        raise ValueError("The landscape needs at least one example.")
    rows = np.linspace(0, m - 1, int(max_examples)).round().astype(int)  # (max_examples,)
    return X[rows], Y[rows]


def landscape(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    w1: Weight,
    w2: Weight,
    span: float | tuple[float, float],
    n: int = 41,
    max_examples: int | None = None,
) -> Landscape:
    """J on an n × n grid of two weights' values around the current Θ.

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l), shape (s_{l+1}, s_l + 1); not modified.
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
        Encoded targets.
    w1, w2 : (l, j, k)
        Two different weights, course numbering.
    span : float or (float, float)
        The grid runs from Θ_w − span to Θ_w + span on each axis (one span for both, or
        one per axis).
    n : int
        Grid points per axis, ≥ 2.
    max_examples : int or None
        Use at most this many evenly spaced examples (a big network's budget); None: all.

    Returns
    -------
    Landscape

    Raises
    ------
    ValueError
        For a weight the network does not have, the same weight twice, a span that is not
        positive, or fewer than 2 grid points.
    """
    Theta, X, Y = check_inputs(cfg, Theta, X, Y)
    shapes = cfg.theta_shapes
    w1, w2 = tuple(int(v) for v in w1), tuple(int(v) for v in w2)
    i1, i2 = weight_to_index(*w1, shapes), weight_to_index(*w2, shapes)
    if i1 == i2:
        raise ValueError("Pick two different weights for the landscape.")
    s1, s2 = (span, span) if np.ndim(span) == 0 else tuple(span)
    if not (np.isfinite(s1) and np.isfinite(s2) and s1 > 0 and s2 > 0):
        raise ValueError(f"The landscape's span must be a positive number; got {span!r}.")
    if not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"The landscape needs at least 2 grid points per axis; got {n!r}.")
    n = int(n)
    Xs, Ys = _subsample(X, Y, max_examples)
    m = Xs.shape[0]

    theta1 = float(Theta[i1[0]][i1[1], i1[2]])
    theta2 = float(Theta[i2[0]][i2[1], i2[2]])
    v1 = theta1 + np.linspace(-s1, s1, n)  # (n,) the x axis
    v2 = theta2 + np.linspace(-s2, s2, n)  # (n,) the y axis

    # the gradient and J here, on the same examples (one backprop)
    trace = _backprop(cfg, Theta, Xs, Ys)
    D = (float(trace.D[i1[0]][i1[1], i1[2]]), float(trace.D[i2[0]][i2[1], i2[2]]))

    J = _data_cost_grid(cfg, Theta, Xs, Ys, (i1, v1 - theta1), (i2, v2 - theta2))  # (n, n)
    J += _regularization_grid(cfg, Theta, m, (i1, v1), (i2, v2))
    return Landscape(
        w1=w1,
        w2=w2,
        v1=v1,
        v2=v2,
        J=J,
        theta=(theta1, theta2),
        J_here=float(trace.J),
        D=D,
        m=m,
        m_total=X.shape[0],
    )


def _regularization_grid(cfg: NetConfig, Theta: Sequence[Array], m: int, first, second) -> Array:
    """The regularization term of J at every grid point, (n2, n1): the other weights' term
    once, plus each of the two weights' own (none for a bias, k = 0)."""
    (i1, v1), (i2, v2) = first, second
    if cfg.lambda_ == 0.0:
        return np.zeros((len(v2), len(v1)))
    held = [np.array(T) for T in Theta]
    held[i1[0]][i1[1], i1[2]] = 0.0  # the two weights' share is added below, per value
    held[i2[0]][i2[1], i2[2]] = 0.0
    base = regularization(cfg, held, m)
    penalty = REGULARIZATIONS[cfg.regularization]

    def own(index, values: Array) -> Array:  # (n,) the term of one weight at each value
        if index[2] == 0:  # the bias column is not regularized
            return np.zeros(len(values))
        return np.array([penalty.cost([np.array([[v]])], cfg.lambda_, m) for v in values])

    return base + own(i2, v2)[:, None] + own(i1, v1)[None, :]  # (n2, n1)


def _data_cost_grid(cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array, first, second):
    """(1/m) Σ_i cost_i at every grid point, (n2, n1), by a batched forward pass.

    ``first`` and ``second`` are (Python index (p, row, col), changes of that weight (n,)).
    Changing Θ^(p+1)_{row,col} changes only unit ``row`` of z^(p+2), so that layer's other
    units are computed once, not per grid point (:func:`_after_changed`).
    """
    (i1, d1), (i2, d2) = first, second
    units = cfg.units
    m = X.shape[0]
    swap = i2[0] < i1[0]  # the weight in the earlier layer branches first
    (pa, ra, ca), da = i2 if swap else i1, d2 if swap else d1
    (pb, rb, cb), db = i1 if swap else i2, d1 if swap else d2
    na, nb = len(da), len(db)

    # layers before Θ^(pa + 1) do not change: a^(1) … a^(pa + 1) once
    a = X
    for l in range(1, pa + 1):
        # a^(l+1) = g(Θ^(l) a^(l))
        a = units[l].g(_layer_z(a, Theta[l - 1]))  # (m, s_{l+1})
    a_ca = np.ones(m) if ca == 0 else a[:, ca - 1]  # (m,) a^(pa+1)_{ca}, a_0 = 1 for the bias
    z0 = _layer_z(a, Theta[pa])  # (m, s') z^(pa+2) at the current Θ
    s_max = max(cfg.layer_sizes)
    rows = max(1, CHUNK_VALUES // max(1, na * m * (s_max + 1)))  # values of b per chunk
    J = np.empty((nb, na))  # rows: weight b's values, columns: weight a's
    if pb == pa:  # the same Θ: both change units of this z
        cols = sorted({ra, rb})
        for lo in range(0, nb, rows):
            k = min(rows, nb - lo)
            zc = np.empty((k, na, m, len(cols)))  # the changed units of z^(pa+2)
            for i, c in enumerate(cols):
                zc[..., i] = z0[:, c]
                if c == ra:  # z_ra += Δθ_a · a_ca
                    zc[..., i] += da[None, :, None] * a_ca
                if c == rb:  # z_rb += Δθ_b · a_cb
                    zc[..., i] += db[lo : lo + k, None, None] * (1.0 if cb == 0 else a[:, cb - 1])
            J[lo : lo + k] = _after_changed(cfg, Theta, z0, cols, zc, pa + 2, Y)
    else:  # forward weight a's branch to Θ^(pb + 1), then branch on weight b
        za = np.broadcast_to(z0, (na, *z0.shape)).copy()  # (na, m, s')
        za[:, :, ra] += da[:, None] * a_ca
        aa = _batched_g(units[pa + 1], za)  # (na, m, s') a^(pa+2)
        for l in range(pa + 2, pb + 1):
            aa = _batched_g(units[l], _layer_z(aa, Theta[l - 1]))  # (na, m, s_{l+1})
        # a^(pb+1)_{:, cb} per value of a (the bias unit a_0 = 1 for cb = 0)
        a_cb = np.ones(aa.shape[:-1]) if cb == 0 else aa[..., cb - 1]  # (na, m)
        zb0 = _layer_z(aa, Theta[pb])  # (na, m, s'') z^(pb+2) per value of a
        for lo in range(0, nb, rows):
            k = min(rows, nb - lo)
            zc = (
                zb0[None, :, :, rb : rb + 1]
                + db[lo : lo + k, None, None, None] * a_cb[None, ..., None]
            )
            J[lo : lo + k] = _after_changed(cfg, Theta, zb0, [rb], zc, pb + 2, Y)
    # J[b, a] → rows are w2, columns w1
    return J.T if swap else J


def _after_changed(cfg, Theta, z0: Array, cols: list[int], zc: Array, layer: int, Y: Array):
    """Each grid point's mean cost, from z^(layer) given as its value now, z0 (..., m, s),
    and the new values zc (G..., m, len(cols)) of the few units ``cols`` that change.

    For a hidden layer (g works on each unit alone) only the changed units' a are computed
    per grid point: z^(layer+1) = z^(layer+1) now + Σ_c (a_c − a_c now) Θ^(layer)_{:, c}.
    """
    units, L = cfg.units, cfg.L
    if layer == L:  # the output layer (softmax reads every unit): the whole z
        z = np.broadcast_to(z0, (*zc.shape[:-1], z0.shape[-1])).copy()
        z[..., cols] = zc
        return _rest(cfg, Theta, z, layer, Y)
    g = units[layer - 1]
    a0 = g.g(z0.reshape(-1, z0.shape[-1])).reshape(z0.shape)  # a^(layer) now
    z_next = _layer_z(a0, Theta[layer - 1])  # (..., m, s_{layer+1}) now
    ac = _batched_g(g, zc)  # (G..., m, k) the changed units' a
    for i, c in enumerate(cols):
        # + (a_c − a_c now) times column c + 1 of Θ^(layer) (column 0 is the bias)
        z_next = z_next + (ac[..., i] - a0[..., c])[..., None] * Theta[layer - 1][:, c + 1]
    return _rest(cfg, Theta, z_next, layer + 1, Y)


def _rest(cfg, Theta, z, layer, Y) -> Array:
    """From z^(layer) of every grid point (..., m, s) to each point's mean cost (...)."""
    units, L = cfg.units, cfg.L
    loss, out = LOSSES[cfg.loss], OUTPUTS[cfg.output]
    lead, m = z.shape[:-2], z.shape[-2]
    a = _batched_g(units[layer - 1], z)  # a^(layer)
    for l in range(layer, L):
        # z^(l+1) = Θ^(l) a^(l), a^(l+1) = g(z^(l+1))
        z = _layer_z(a, Theta[l - 1])  # (..., m, s_{l+1})
        a = _batched_g(units[l], z)
    s_L = z.shape[-1]
    Yb = np.broadcast_to(Y, (*lead, m, s_L)).reshape(-1, s_L)
    cost = loss.example_cost(out, z.reshape(-1, s_L), a.reshape(-1, s_L), Yb)  # (G·m,)
    return cost.reshape(*lead, m).sum(axis=-1) / m  # (...)


def weight_path(
    snapshots: Sequence, Theta: Sequence[Array], step: int, w1: Weight, w2: Weight
) -> tuple[Array, Array]:
    """The path training took through two weights: their values at every snapshot up to
    gradient step ``step``, then now.

    Parameters
    ----------
    snapshots : sequence of ``bp_core.training.Snapshot``
        ``Trainer.snapshots`` (each has ``step`` and ``Theta``).
    Theta : sequence of ndarray
        The current weights.
    step : int
        The current gradient step (``Trainer.steps``); later snapshots (after going back in
        time) are left out.
    w1, w2 : (l, j, k)

    Returns
    -------
    steps : ndarray of shape (p,)
    values : ndarray of shape (p, 2)
        Θ_w1 and Θ_w2 at each of those steps, oldest first, the current point last.
    """
    shapes = tuple(np.shape(T) for T in Theta)
    i1, i2 = weight_to_index(*w1, shapes), weight_to_index(*w2, shapes)
    steps, values = [], []
    for s in sorted(snapshots, key=lambda s: s.step):
        if s.step >= step:
            continue
        steps.append(s.step)
        values.append((s.Theta[i1[0]][i1[1], i1[2]], s.Theta[i2[0]][i2[1], i2[2]]))
    steps.append(step)
    values.append((Theta[i1[0]][i1[1], i1[2]], Theta[i2[0]][i2[1], i2[2]]))
    return np.asarray(steps, dtype=np.int64), np.asarray(values, dtype=np.float64)


__all__ = ["CHUNK_VALUES", "Landscape", "landscape", "steepest_weights", "weight_path"]
