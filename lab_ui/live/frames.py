"""Frames for the live view: bp_core objects → the parts :mod:`lab_ui.live.frame` declares.

A *frame* is everything the live view (``backprop_lab/live_view/``) draws at one moment: the
decision boundary over the input plane, the network diagram (forward: a^(l) and Θ^(l);
backward: δ^(l) and D^(l)), the per-neuron maps, the history curves, the data points and,
for the live chain-rule panel, one weight's D^(l)_jk = (1/m) Σ_i δ a (+ λ term) with bp_core's
own numbers (:func:`chain_part`).  What a frame holds, with every part's fields and shapes,
is declared in :mod:`lab_ui.live.frame`; :func:`build_frame` is the one function that
builds it, and ``Frame.for_client`` (there) gives each client only what it lacks.

Every number comes from ``bp_core`` (``forward``, ``backprop``, the trainer's history); this
module only picks, averages for display, and packs them:

* grids of values in a known range → uint8 (0…255) → base64 (``encode_u8``);
* exact values the student can hover (a, z, δ, Θ, D) → float32 → base64 (``encode_f32``);
* the history is never thinned here (see :mod:`lab_ui.live.frame`: the trainer's History
  keeps at most 2,000 rows, and that is the one bound).

What does not change from frame to frame is made once per data set and kept while the data
set lives (:func:`data_parts`: the points, the drawing toolbar, the names, the grid of the
input plane fed through the data's feature map), so a frame costs one forward pass over the
grid and one over the training set.

No streamlit import here: every function is testable with plain pytest.

Index rule (as in bp_core): Python index = course superscript − 1; the frame carries course
layer numbers where a label is needed (``"l": 2`` means layer 2).

What the frame knows of g comes from its registry entry (``cfg.units[l]``: its name and
``value_range``), so a new activation needs no entry here.  Text from the data (a CSV's
column names, class labels, file name) is cut short (``lab_ui.shared.text.clip``); the live view
inserts it as text, never as markup.
"""

from __future__ import annotations

import base64
import dataclasses
import math
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from bp_core import OUTPUTS, NetConfig, backprop, decode_outputs, forward, grids
from bp_core.config import REGULARIZATIONS
from bp_core.datasets import DATASET_NAMES, INPUT_RANGE, Dataset
from bp_core.indexing import weight_to_index
from bp_core.network import BackpropTrace, reshape_params, unroll
from bp_core.optimizers import OPTIMIZERS
from lab_ui.live.frame import FRAME_VERSION as FRAME_VERSION  # declared there, read here too
from lab_ui.live.frame import (
    MAX_WEIGHT,
    BoundaryPart,
    DrawPart,
    Encoded,
    Frame,
    MapsPart,
    NetPart,
    PointsPart,
    Run,
    Status,
    View,
)
from lab_ui.live.transport import dequantize, quantize
from lab_ui.shared import text

# ---------------------------------------------------------------------------------------------
# Packing
# ---------------------------------------------------------------------------------------------


def encode_u8(values: np.ndarray, lo: float, hi: float) -> str:
    """Quantize ``values`` from [lo, hi] to 0…255 (``lab_ui.live.transport.quantize``) as base64.

    Values outside [lo, hi] are clipped; NaN becomes lo, ±inf an end of the range, so a
    frame can always be drawn.  The round trip error is at most (hi − lo) / 510.
    """
    lo, hi = (float(lo), float(hi)) if hi > lo else (float(lo), float(lo) + 1.0)
    v = np.asarray(values, dtype=np.float64).ravel()
    try:
        q = quantize(v, lo, hi)  # (n,) uint8
    except ValueError:  # NaN or ±inf (a diverging net): only then the copy
        q = quantize(np.nan_to_num(v, nan=lo, posinf=hi, neginf=lo), lo, hi)
    return base64.b64encode(q.tobytes()).decode("ascii")


def decode_u8(text: str, lo: float, hi: float) -> np.ndarray:
    """Inverse of :func:`encode_u8` (``lab_ui.live.transport.dequantize``): float64, shape (n,)."""
    lo, hi = (float(lo), float(hi)) if hi > lo else (float(lo), float(lo) + 1.0)
    q = np.frombuffer(base64.b64decode(text), dtype=np.uint8)
    return dequantize(q, lo, hi)


def encode_f32(values: np.ndarray) -> str:
    """Values as little-endian float32, row-major, base64 (what JS reads as Float32Array).

    Magnitudes beyond float32's range (~3.4e38, a diverging net) are capped there rather
    than turned into ±inf; NaN stays NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    capped = np.minimum(np.maximum(v, -_F32_MAX), _F32_MAX)  # NaN stays NaN
    return base64.b64encode(capped.astype("<f4").tobytes()).decode("ascii")


_F32_MAX = float(np.finfo(np.float32).max)


def decode_f32(text: str) -> np.ndarray:
    """Inverse of :func:`encode_f32`: a float32 array of shape (n,)."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def _finite(x: float) -> float | None:
    """A JSON-safe float (None for NaN or ±inf), rounded to 6 significant digits."""
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.6g}")


def pretty_feature(name: str) -> str:
    """A feature name as the course writes it (x1^2 → x₁², ``lab_ui.shared.text.feature``)."""
    return text.feature(name)


# ---------------------------------------------------------------------------------------------
# The input plane
# ---------------------------------------------------------------------------------------------


def plane_extent(dataset: Dataset) -> tuple[float, float, float, float]:
    """(x1_min, x1_max, x2_min, x2_max) to draw: the toy square, or around a CSV's points."""
    lo, hi = INPUT_RANGE
    if dataset.raw_train is None:
        raise ValueError(f"The {dataset.name!r} data are not points of a plane.")
    raw = np.vstack([dataset.raw_train, dataset.raw_test])  # (m, 2)
    if np.all(raw >= lo) and np.all(raw <= hi):
        return lo, hi, lo, hi
    return grids.extent_for(raw, margin=0.05)


def plane_grid(extent: Sequence[float], res: int) -> np.ndarray:
    """The grid points of ``bp_core.grids.plane_grid``: shape (res·res, 2), edges included.

    Point ``i * res + j`` is (x1[j], x2[i]): rows index x2, columns x1.
    """
    return grids.plane_grid(tuple(extent), res)[2]


def n_outputs(task: str, n_classes: int, output: str) -> int:
    """Output units s_L the data need: 1 for regression or two classes (unless softmax), else K."""
    if task == "regression":
        return 1
    return OUTPUTS[output].units_for(n_classes)  # the output's entry: softmax needs ≥ 2


# ---------------------------------------------------------------------------------------------
# Parts of a frame
# ---------------------------------------------------------------------------------------------


def boundary_part(
    cfg: NetConfig, dataset: Dataset, h: np.ndarray, extent: Sequence[float], res: int
) -> BoundaryPart:
    """The decision boundary: the network's output h over the plane, quantized.

    Parameters
    ----------
    h : ndarray of shape (res·res, s_L)
        a^(L) on :func:`plane_grid` points (row i·res + j is (x_j, y_i)).
    """
    x0, x1, y0, y1 = extent
    # grid points sit on the edges too, so the picture reaches half a cell beyond them
    hx, hy = (x1 - x0) / (2 * (res - 1)), (y1 - y0) / (2 * (res - 1))
    out = OUTPUTS[cfg.output]
    axis = ["x₁", "x₂"]
    if dataset.name not in DATASET_NAMES and len(dataset.feature_names) == 2:
        axis = [text.clip(n) for n in dataset.feature_names]  # a CSV file's own columns
    part: dict[str, Any] = {
        "nx": res,
        "ny": res,
        "x": [x0, x1],
        "y": [y0, y1],
        "img_x": [x0 - hx, x1 + hx],
        "img_y": [y0 - hy, y1 + hy],
        "axis": axis,
    }
    if h.shape[1] > 1:  # K output units: colour by the predicted class, paler where unsure
        lo, hi = out.target_low, out.target_high
        k = decode_outputs(cfg, h)  # (res²,) predicted class
        part.update(
            kind="multiclass",
            lo=lo,
            hi=hi,
            mid=(lo + hi) / 2,
            q=encode_u8(h[np.arange(h.shape[0]), k], lo, hi),
            cls=base64.b64encode(k.astype(np.uint8).tobytes()).decode("ascii"),
            title="Decision regions: the class with the largest output h_k(x)",
        )
        return part
    if dataset.task == "regression":  # one output: the colour scale spans the targets
        y_all = np.concatenate([dataset.y_train, dataset.y_test])  # (m,)
        lo, hi = float(np.min(y_all)), float(np.max(y_all))
        if not hi > lo:
            lo, hi = lo - 1.0, hi + 1.0
        kind, title = "value", "Network output h_Θ(x) over the input plane (points: targets y)"
    else:  # one output unit, two classes: the scale spans the output's two targets
        lo, hi = out.target_low, out.target_high
        kind = "binary"
        title = (
            f"Decision boundary: h_Θ(x) over the input plane (class 1 where h ≥ {(lo + hi) / 2:g})"
        )
    part.update(
        kind=kind,
        lo=lo,
        hi=hi,
        mid=(lo + hi) / 2,
        q=encode_u8(h[:, 0], lo, hi),
        colorbar="h<sub>Θ</sub>(x)",
        hover="h<sub>Θ</sub>(x)",
        title=title,
    )
    return part


def maps_part(cfg: NetConfig, a: Sequence[np.ndarray], res: int, stride: int = 1) -> MapsPart:
    """Per-neuron maps: a_j^(l) over the plane for every hidden and output unit.

    Parameters
    ----------
    a : sequence of ndarray
        ``forward(...).a`` on :func:`plane_grid` points at resolution ``res``;
        ``a[l]`` has shape (res², s_{l+1}).
    stride : int
        Keep every ``stride``-th grid row and column (smaller maps).
    """
    layers = []
    r = len(range(0, res, stride))
    for l in range(1, cfg.L):
        al = a[l].reshape(res, res, -1)[::stride, ::stride, :]  # (r, r, s_l)
        unit = cfg.units[l]  # course layer l + 1's registry entry (its g and range)
        act = unit.name
        rng_ = unit.value_range
        if rng_ is None:  # unbounded g: the range of the values drawn
            finite = al[np.isfinite(al)]
            m = float(np.max(np.abs(finite))) if finite.size else 1.0
            m = m if m > 0 else 1.0
            lo, hi = (0.0, m) if finite.size and finite.min() >= 0 else (-m, m)
            sym, scale = True, m
        else:
            lo, hi = rng_
            sym, scale = (lo == -hi), max(abs(lo), abs(hi))
        units = al.shape[2]
        q = encode_u8(al.transpose(2, 0, 1), lo, hi)  # unit-major: (s_l, r, r)
        layers.append(
            {
                "l": l + 1,
                "units": units,
                "act": act,
                "lo": lo,
                "hi": hi,
                "sym": sym,
                "scale": scale,
                "q": q,
            }
        )
    return {"res": r, "layers": layers}


def net_part(
    cfg: NetConfig,
    Theta: Sequence[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    *,
    mode: str,
    example: int,
    input_names: Sequence[str],
    output_names: Sequence[str],
    trace: BackpropTrace | None = None,
) -> NetPart:
    """The network diagram: node values and edge values for one pass.

    Parameters
    ----------
    X, Y : ndarray of shape (m, s_1), (m, s_L)
        The training set (the whole batch the diagram averages over).
    mode : {"forward", "backward"}
        Forward: nodes a^(l), edges Θ^(l).  Backward: nodes δ^(l), edges D^(l).
    example : int
        −1 for the mean over all m examples (D is then the batch gradient), or a row index
        i (0-based) of one training example (D is that example's gradient, m = 1).
    trace : BackpropTrace, optional
        ``backprop(cfg, Theta, X, Y)`` if the caller has it already (the trainer's
        :meth:`~bp_core.training.Trainer.full_trace`); used for the mean over all m examples.
    """
    m = X.shape[0]
    if 0 <= example < m:
        Xs, Ys = X[example : example + 1], Y[example : example + 1]  # (1, s_1), (1, s_L)
    else:
        example, Xs, Ys = -1, X, Y
    names = ["", *(u.name for u in cfg.units[1:])]
    # g's short symbol per layer, for the diagram's narrow column headers: from its entry
    short = ["", *(u.short for u in cfg.units[1:])]
    part: dict[str, Any] = {
        "sizes": list(cfg.layer_sizes),
        "acts": names,
        "acts_short": short,
        "mode": mode,
        "example": example,
        "m": int(m),
        "names": [[text.clip(n) for n in input_names]]
        + [[] for _ in range(cfg.L - 2)]
        + [[text.clip(n) for n in output_names]],
    }
    whole = trace if example == -1 else None
    if mode == "backward":
        trace = whole if whole is not None else backprop(cfg, Theta, Xs, Ys)
        # mean δ^(l)_j over the examples is the bias gradient D^(l-1)_{j,0} (λ never touches it)
        means = [d.mean(axis=0) for d in trace.delta[1:]]  # (s_l,) each
        nodes = [None] + [encode_f32(v) for v in means]
        part["absmean"] = [None] + [encode_f32(np.abs(d).mean(axis=0)) for d in trace.delta[1:]]
        edges = [encode_f32(D) for D in trace.D]
        shown = [float(np.max(np.abs(v))) for v in means if v.size]
        dmax = max((v for v in shown if math.isfinite(v)), default=0.0)
        part["center"] = [0.0] * cfg.L
        part["scale"] = [dmax if dmax > 0 else 1.0] * cfg.L  # one scale for all layers
        # each layer on its own scale (the view's default): hidden δ are often 100× smaller
        part["scale_layer"] = [1.0] + [
            s if math.isfinite(s) and s > 0 else 1.0
            for s in (float(np.max(np.abs(v))) if v.size else 0.0 for v in means)
        ]
        part["J"] = _finite(trace.J)
    else:
        trace = whole if whole is not None else forward(cfg, Theta, Xs)
        means = [a.mean(axis=0) for a in trace.a]  # (s_l,) each
        nodes = [encode_f32(v) for v in means]
        edges = [encode_f32(T) for T in Theta]
        centers, scales = [], []
        for l, unit in enumerate(cfg.units):  # None for the input layer
            rng_ = unit.value_range if unit is not None else None
            if rng_ is None:
                v = np.abs(means[l])
                s = float(v.max()) if v.size and np.all(np.isfinite(v)) else 1.0
                centers.append(0.0)
                scales.append(max(s, 1e-12) if l else max(s, 1.0))
            else:
                centers.append((rng_[0] + rng_[1]) / 2)
                scales.append((rng_[1] - rng_[0]) / 2)
        part["center"], part["scale"] = centers, scales
    part["nodes"] = nodes
    part["z"] = [None] + [encode_f32(z.mean(axis=0)) for z in trace.z[1:]]
    part["edges"] = edges
    return part


def points_part(dataset: Dataset, pid: str, drawn: Sequence[int] = ()) -> PointsPart | None:
    """Training and test points of the plane (rounded to 4 decimals), or None without a
    plane; ``drawn``: the training rows drawn by hand."""
    if dataset.raw_train is None:
        return None

    def split(raw: np.ndarray, y: np.ndarray) -> dict[str, list]:
        label = [int(v) for v in y] if dataset.task == "classification" else [_finite(v) for v in y]
        return {
            "x": np.round(raw[:, 0], 4).tolist(),
            "y": np.round(raw[:, 1], 4).tolist(),
            "label": label,
        }

    return {
        "id": pid,
        "train": split(dataset.raw_train, dataset.y_train),
        "test": split(dataset.raw_test, dataset.y_test),
        "drawn": [int(i) for i in drawn],
    }


def draw_part(dataset: Dataset) -> DrawPart | None:
    """The drawing toolbar's facts (classification of the plane only), else None."""
    from lab_ui.live import drawing  # not at the top: drawing imports this module

    if not drawing.can_draw(dataset):
        return None
    return {
        "classes": int(dataset.n_classes),
        "names": [text.clip(n, 12) for n in dataset.class_names[:16]],
        "m_train": int(dataset.m_train),
        "drawn": drawing.drawn_count(dataset),
        "max": drawing.MAX_DRAWN,
        "radius_px": drawing.REMOVE_RADIUS_PX,
    }


#: Grids of the input plane kept per data set: the view's and the one before (a zoom);
#: each is res² × s_1 floats (80 kB for 50² points and 2 inputs).
GRIDS_KEPT = 2


@dataclasses.dataclass(eq=False)
class DataParts:
    """What a frame needs of a data set that does not change while it lives: made once per
    Dataset object (a drawn point makes a new one) by :func:`data_parts`."""

    extent: tuple[float, float, float, float] | None  # plane_extent, None without a plane
    input_names: list[str]  # the features as the course writes them
    points: Encoded | None  # PointsPart as JSON, sent to a client once
    draw: DrawPart | None
    grids: dict = dataclasses.field(default_factory=dict)  # (extent, res) → inputs

    def grid_inputs(self, dataset: Dataset, extent: Sequence[float], res: int) -> np.ndarray:
        """The network's inputs at :func:`plane_grid` points (``dataset.inputs_from_plane``):
        shape (res², s_1)."""
        key = (tuple(float(v) for v in extent), int(res))
        X = self.grids.get(key)
        if X is None:
            X = np.asarray(dataset.inputs_from_plane(plane_grid(extent, res)), dtype=np.float64)
            while len(self.grids) >= GRIDS_KEPT:
                self.grids.pop(next(iter(self.grids)))
            self.grids[key] = X
        return X


_DATA: weakref.WeakKeyDictionary[Dataset, DataParts] = weakref.WeakKeyDictionary()


def data_parts(dataset: Dataset, pid: str = "") -> DataParts:
    """The data set's :class:`DataParts`, made on first use (``pid``: the points' id)."""
    parts = _DATA.get(dataset)
    if parts is None:
        from lab_ui.live import drawing  # not at the top: drawing imports this module

        planar = dataset.raw_train is not None
        drawn = np.flatnonzero(drawing.drawn_mask(dataset)).tolist() if planar else []
        points = points_part(dataset, pid, drawn)
        parts = DataParts(
            extent=plane_extent(dataset) if planar else None,
            input_names=[pretty_feature(n) for n in dataset.feature_names],
            points=None if points is None else Encoded.of(points),
            draw=draw_part(dataset),
        )
        _DATA[dataset] = parts
    return parts


# ---------------------------------------------------------------------------------------------
# The chain rule of one weight
# ---------------------------------------------------------------------------------------------


def tex_plain(tex: str) -> str:
    r"""A registry entry's small LaTeX formula as plain text for the live view
    (:func:`lab_ui.shared.text.tex_plain`, which Step through uses too)."""
    return text.tex_plain(tex)


#: Per-example terms the chain-rule panel lists (the largest |δ a| first).
CHAIN_TOP = 3
#: Rows of X_train × features up to which a mini-batch row is matched back to its training
#: example i (beyond, the panel names its row in the mini-batch only).
CHAIN_MATCH_CELLS = 400_000


def _example_of(trainer: Any, Xb: np.ndarray, r: int) -> int | None:
    """Training example i (1-based) of row r of the last batch, or None if unknown."""
    X = trainer.X_train
    if Xb.shape[0] == X.shape[0]:  # the full batch: the trainer never reorders it
        return r + 1
    if X.size > CHAIN_MATCH_CELLS:
        return None
    hits = np.flatnonzero(np.all(X == Xb[r], axis=1))  # (matches,)
    return int(hits[0]) + 1 if hits.size else None


def _num(x: float) -> float | None:
    """A float for the frame at full precision (the tests compare to 1e-12); None if not
    finite."""
    x = float(x)
    return x if math.isfinite(x) else None


def chain_part(trainer: Any, weight: Sequence[int]) -> dict[str, Any]:
    """The chain rule of one weight Θ^(l)_jk, with the numbers of now.

    On the trainer's last mini-batch (``trainer.last_batch``: the whole training set for full
    batch), at the current Θ, bp_core's backprop gives

        D^(l)_jk = ∂J/∂Θ^(l)_jk = (1/m) Σ_i δ^(l+1)_{i,j} a^(l)_{i,k}  (+ (λ/m) Θ^(l)_jk, k ≥ 1)

    (L1: + (λ/m) sign(Θ^(l)_jk)); the per-example terms are
    ``BackpropTrace.example_contributions``.  The update is the optimizer's own rule
    (``OPTIMIZERS[...].update`` with the trainer's ``optimizer_state``), so with the full
    batch it is exactly the trainer's next step.

    Parameters
    ----------
    trainer : bp_core.training.Trainer
    weight : (l, j, k)
        The course's numbering (``bp_core.indexing``); ValueError for one the net lacks.

    Returns
    -------
    dict
        ``w``, ``m`` (examples in the batch), ``full`` (the batch is the training set),
        ``m_train``, ``sum`` = Σ_i δ a (= Δ^(l)_jk), ``mean`` = sum / m, ``lambda``,
        ``reg`` (its registry name), ``reg_term`` (None for k = 0: the bias is not
        regularized), ``reg_formula``, ``theta``, ``D`` (bp_core's D^(l)_jk), ``top`` (the
        ``CHAIN_TOP`` largest terms: row, example i, δ, a, product), ``optimizer``,
        ``opt_label``, ``opt_formula``, ``alpha``, ``after`` (Θ after one step with this
        D), ``change`` (after − theta), ``gd_change`` (−α D; None when the rule's change is
        that step itself, as for plain gradient descent).
    """
    l, j, k = (int(v) for v in weight)
    cfg = trainer.cfg
    index, row, col = weight_to_index(l, j, k, cfg)  # Θ^(l)_jk is Theta[index][row, col]
    Xb, Yb = trainer.last_batch  # (m, s_1), (m, s_L)
    trace = backprop(cfg, trainer.Theta, Xb, Yb)
    m = trace.m
    # δ^(l+1)_{i,j} a^(l)_{i,k} for every example i of the batch (a_0 = 1 for the bias)
    terms = trace.example_contributions(index, row, col)  # (m,)
    delta = trace.delta[index + 1][:, row]  # (m,) δ^(l+1)_j
    a_k = np.ones(m) if col == 0 else trace.a[index][:, col - 1]  # (m,) a^(l)_k
    theta = float(trainer.Theta[index][row, col])
    reg = REGULARIZATIONS[cfg.regularization]
    lam = float(cfg.lambda_)
    reg_term = None
    if col > 0:  # (λ/m) Θ^(l)_jk, or (λ/m) sign(Θ^(l)_jk) for L1; never for the bias
        reg_term = lam / m * float(reg.slope(np.float64(theta)))
    top = []
    for r in np.argsort(-np.abs(terms), kind="stable")[:CHAIN_TOP]:
        r = int(r)
        top.append(
            {
                "row": r + 1,
                "i": _example_of(trainer, Xb, r),
                "delta": _num(delta[r]),
                "a": _num(a_k[r]),
                "product": _num(terms[r]),
            }
        )
    s = trainer.settings
    opt = OPTIMIZERS[s.optimizer]
    with np.errstate(over="ignore", invalid="ignore"):
        new_vec, _ = opt.update(trainer.theta_vec, unroll(trace.D), trainer.optimizer_state, s)
    after = float(reshape_params(cfg, new_vec)[index][row, col])
    D = float(trace.D[index][row, col])
    d_term = reg.D_term.replace("{(l)}", f"{{({l})}}").replace("_{jk}", f"_{{{j},{k}}}")
    return {
        "w": [l, j, k],
        "m": int(m),
        "full": bool(m == trainer.m),
        "m_train": int(trainer.m),
        "sum": _num(trace.Delta[index][row, col]),
        "mean": _num(trace.Delta[index][row, col] / m),
        "lambda": lam,
        "reg": reg.name,
        "reg_term": None if reg_term is None else _num(reg_term),
        "reg_formula": tex_plain(d_term),
        "theta": _num(theta),
        "theta_exact": float(theta) if math.isfinite(theta) else None,
        "limit": MAX_WEIGHT,
        "D": _num(D),
        "top": top,
        "optimizer": opt.name,
        "opt_label": opt.label,
        "opt_formula": tex_plain(opt.formula),
        "alpha": float(s.alpha),
        "after": _num(after),
        "change": _num(after - theta),
        # −α D only where the rule's own change differs from it (momentum, Adam, …)
        "gd_change": None
        if math.isclose(after - theta, -s.alpha * D, rel_tol=1e-9, abs_tol=1e-300)
        else _num(-s.alpha * D),
    }


def output_names(dataset: Dataset, s_L: int) -> list[str]:
    """Labels for the output units: h, or one per class."""
    if s_L == 1:
        return ["h = P(y=1)" if dataset.task == "classification" else "h"]
    names = list(dataset.class_names) or [str(k) for k in range(s_L)]
    return [f"h{_sub(k + 1)}: {names[k] if k < len(names) else k}" for k in range(s_L)]


def _sub(n: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(n))


# ---------------------------------------------------------------------------------------------
# The whole frame
# ---------------------------------------------------------------------------------------------


def build_frame(run: Run, view: View | None = None, status: Status | None = None) -> Frame:
    """Everything the live view draws at one moment, built once for any number of clients.

    Parameters
    ----------
    run : lab_ui.live.frame.Run
        A Lab: ``dataset``, ``trainer`` (its cfg, Θ, history, epoch and step) and ``uirev``.
    view : lab_ui.live.frame.View
        What the view shows: its settings, zoom, the chain-rule panel's weight, resolution.
    status : lab_ui.live.frame.Status
        What the stream says (its frame number, status line, notice, events).

    Returns
    -------
    lab_ui.live.frame.Frame
        ``frame.for_client(client)`` is one client's wire message.  When ``view.chain`` names a
        weight the network does not have, ``frame.chain`` is None and the notice says why.
    """
    view = View() if view is None else view
    status = Status() if status is None else status
    v, tr, ds = view.settings, run.trainer, run.dataset
    cfg = tr.cfg
    data = data_parts(ds, run.uirev)
    m = int(ds.m_train)
    example = v.example - 1 if 0 < v.example <= m else -1
    # the whole set's backprop at these weights: the trainer's own when it has one (full
    # batch: the history's record made it, the next step uses it), or when δ is shown
    shared = (
        tr.full_trace() if example < 0 and (v.mode == "backward" or tr.batch_size == m) else None
    )
    net = net_part(
        cfg,
        tr.Theta,
        tr.X_train,  # the trainer's copy of the data's X_train, and its encoded targets Y
        tr.Y_train,
        mode=v.mode,
        example=example,
        input_names=data.input_names,
        output_names=output_names(ds, cfg.layer_sizes[-1]),
        trace=shared,
    )
    boundary = maps = marked = no_plane = None
    if data.extent is not None:
        extent = data.extent if view.extent is None else tuple(view.extent)
        res = view.res or (50 if sum(cfg.layer_sizes[1:-1]) <= 64 else 30)
        # one forward pass over the grid gives both the boundary and every unit's map
        trace = forward(cfg, tr.Theta, data.grid_inputs(ds, extent, res))
        boundary = boundary_part(cfg, ds, trace.a[-1], extent, res)
        stride = view.map_stride or (2 if sum(cfg.layer_sizes[1:]) <= 64 else 4)
        maps = maps_part(cfg, trace.a, res, stride)
        if 0 <= example < m:  # the example the diagram shows, on the plane
            marked = [float(x) for x in ds.raw_train[example, :2]]
    else:
        no_plane = (
            f"The {text.clip(ds.name)} data have {ds.n_features} inputs, not 2: "
            "there is no input plane to draw, so the boundary and per-neuron maps are hidden."
        )
    chain = None
    if view.chain is not None:
        try:
            chain = chain_part(tr, view.chain)
        except ValueError as err:  # bp_core's reason, in the course's numbering
            status = dataclasses.replace(status, notice=text.shorten(err))
    return Frame(
        uirev=run.uirev,
        epoch=int(tr.epoch),
        step=int(tr.steps),
        task=ds.task,
        n_classes=int(ds.n_classes),
        status=status,
        view={
            "show_test": bool(v.show_test),
            # colouring by class only means something for classification
            "discretize": bool(v.discretize) and ds.task == "classification",
            "log_cost": bool(v.log_cost),
            "predict_sign": bool(v.predict_sign),
            "highlight": view.highlight,
        },
        net=net,
        boundary=boundary,
        maps=maps,
        chain=chain,
        draw=data.draw,
        points=data.points,
        # whole while rewound (time travel): the view marks the current epoch on the curves
        history=tr.reached_history,
        marked=marked,
        no_plane=no_plane,
    )
