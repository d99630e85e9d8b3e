"""Plotly figure builders for the Step-through, Gradients and Derivation pages.

Pure functions from ``bp_core`` results (arrays, traces, checks) to
``plotly.graph_objects.Figure``: no streamlit, no session, testable with plain pytest.
Titles and axis labels use the course's notation with 1-based superscripts (Θ^(l), a^(l),
z^(l), δ^(l), Δ^(l), D^(l)); the arguments named ``l`` / ``layer`` are those course numbers.
Signed quantities (Θ, Δ, D, δ) use the Playground's palette, blue = positive, orange =
negative, white = 0 (:data:`DIVERGING`, centred at 0); every heatmap's hover shows the exact
value with its course indices.  Numbers in titles go through ``lab_ui.shared.text.number``;
user-supplied names (class labels) through ``lab_ui.shared.text.html_text``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bp_core import LOSSES, OUTPUTS
from lab_ui.shared import text

Array = np.ndarray

#: The Playground's colours (the live view's ORANGE, WHITE and BLUE).
NEGATIVE, ZERO, POSITIVE = "rgb(245,147,34)", "rgb(248,248,248)", "rgb(8,119,189)"
DIVERGING = [[0.0, NEGATIVE], [0.5, ZERO], [1.0, POSITIVE]]  # orange < 0 < blue
#: What the colours mean, for a caption beside a signed figure.
PALETTE_NOTE = "Blue is positive, orange negative, white 0 (the Playground's colours)."
IDLE = "#d9d9d9"  # a unit of weights_figure


def _sym_range(M: Array) -> float:
    """Half-width of a colour range centred at 0 that holds every finite entry."""
    M = np.asarray(M, dtype=np.float64)
    finite = M[np.isfinite(M)]
    r = float(np.max(np.abs(finite))) if finite.size else 0.0
    return r if r > 0 else 1.0


def _node_y(n: int) -> Array:
    return np.arange(n, dtype=np.float64)[::-1] - (n - 1) / 2


def _bias_units(L: int, bias_y: Sequence[float]) -> go.Scatter:
    """The bias units a₀⁽ˡ⁾ = 1 of layers 1 … L − 1, as grey squares above each layer."""
    return go.Scatter(
        x=list(range(1, L)),
        y=bias_y[:-1],
        mode="markers",
        name="bias unit a₀ = 1",
        marker={
            "symbol": "square",
            "size": 10,
            "color": "#f2f2f2",
            "line": {"color": "#666", "width": 1.5},
        },
        text=[f"bias unit a<sub>0</sub><sup>({l})</sup> = 1" for l in range(1, L)],
        hoverinfo="text",
    )


def _heatmap(M: Array, name: str, l: int, coloraxis: str | None = None) -> go.Heatmap:
    """Heatmap of a Θ-shaped matrix: row j = unit of layer l + 1, column k (0 = bias)."""
    M = np.asarray(M, dtype=np.float64)
    rows, cols = M.shape
    return go.Heatmap(
        z=M,
        x=list(range(cols)),
        y=list(range(1, rows + 1)),
        coloraxis=coloraxis,
        hovertemplate=f"{name}<sub>%{{y}},%{{x}}</sub> = %{{z:.6g}}<extra>{name}</extra>",
    )


def matrix_heatmap(M: Array, symbol: str, l: int, colorbar_title: str = "") -> go.Figure:
    """One Θ-shaped matrix (Θ^(l), Δ^(l) or D^(l)) as a heatmap, diverging and centred at 0.

    ``symbol`` is "Θ", "Δ" or "D"; the title reads e.g. "D^(2) = ∂J/∂Θ^(2)".
    """
    name = f"{symbol}<sup>({l})</sup>"
    r = _sym_range(M)
    fig = go.Figure(_heatmap(M, name, l))
    fig.update_traces(
        colorscale=DIVERGING,
        zmid=0,
        zmin=-r,
        zmax=r,
        colorbar={"title": colorbar_title or name, "exponentformat": "power"},
    )
    _theta_axes(fig, l, np.asarray(M).shape)
    fig.update_layout(title=f"{name}  ({np.asarray(M).shape[0]} × {np.asarray(M).shape[1]})")
    return fig


def _theta_axes(fig: go.Figure, l: int, shape, row: int | None = None, col: int | None = None):
    kw = {"row": row, "col": col} if row else {}
    fig.update_xaxes(title_text=f"k: unit of layer {l} (0 = bias)", **kw)
    ytitle = f"j: unit of layer {l + 1}" if (col or 1) == 1 else None
    fig.update_yaxes(title_text=ytitle, autorange="reversed", **kw)
    if shape[1] <= 12:
        fig.update_xaxes(dtick=1, **kw)
    if shape[0] <= 12:
        fig.update_yaxes(dtick=1, **kw)


def theta_delta_D_figure(Theta_l: Array, Delta_l: Array, D_l: Array, l: int) -> go.Figure:
    """Θ^(l), Δ^(l) and D^(l) side by side, each with its own colour bar centred at 0."""
    names = (
        f"Θ<sup>({l})</sup>",
        f"Δ<sup>({l})</sup> = Σ<sub>i</sub> δ<sup>({l + 1})</sup>(a<sup>({l})</sup>)<sup>T</sup>",
        f"D<sup>({l})</sup> = ∂J/∂Θ<sup>({l})</sup>",
    )
    fig = make_subplots(rows=1, cols=3, subplot_titles=names, horizontal_spacing=0.07)
    for c, (M, short) in enumerate(zip((Theta_l, Delta_l, D_l), ("Θ", "Δ", "D"), strict=True), 1):
        ca = "coloraxis" if c == 1 else f"coloraxis{c}"
        fig.add_trace(_heatmap(M, f"{short}<sup>({l})</sup>", l, ca), row=1, col=c)
        r = _sym_range(M)
        dom = fig.layout["xaxis" if c == 1 else f"xaxis{c}"].domain
        bar = {
            "orientation": "h",
            "x": (dom[0] + dom[1]) / 2,
            "xanchor": "center",
            "len": dom[1] - dom[0],
            "y": -0.3,
            "yanchor": "top",
            "thickness": 10,
            "title": {"text": f"{short}<sup>({l})</sup>", "side": "top"},
            "exponentformat": "power",  # 4×10⁻⁴, not plotly's SI "400µ"
        }
        fig.update_layout(
            {ca: {"colorscale": DIVERGING, "cmid": 0, "cmin": -r, "cmax": r, "colorbar": bar}}
        )
        _theta_axes(fig, l, np.asarray(M).shape, row=1, col=c)
    fig.update_layout(
        height=460,
        margin={"t": 70, "l": 10, "r": 10, "b": 110},
        title=f"Weights and gradients of Θ<sup>({l})</sup> "
        f"({np.asarray(Theta_l).shape[0]} × {np.asarray(Theta_l).shape[1]})",
    )
    return fig


def layer_figure(Theta: Sequence[Array], trace, l: int) -> go.Figure:
    """:func:`theta_delta_D_figure` for the course's Θ^(l) of a ``bp_core.BackpropTrace``
    (Python index l − 1, by the index rule)."""
    return theta_delta_D_figure(Theta[l - 1], trace.Delta[l - 1], trace.D[l - 1], l)


def gradcheck_verdict(
    numeric: Array,
    backprop: Array,
    weights: Sequence[tuple[int, int, int]],
    relative_difference: float,
    tolerance: float,
    n_gaps: int = 3,
    html: bool = True,
) -> str:
    """What the check found, in one line: the relative difference against the tolerance
    and, when it fails, which weights differ most and by how much.

    ``weights`` are the course's (l, j, k) of the checked entries (j from 1, k = 0 the bias).
    """
    rd, tol = (text.number(v, 2, sci=True) for v in (relative_difference, tolerance))
    if relative_difference < tolerance:
        return f"passes: relative difference {rd} < {tol}, every point on the diagonal"
    err = np.abs(np.asarray(numeric, float) - np.asarray(backprop, float))
    name = text.weight_html if html else text.weight
    err = np.nan_to_num(err, nan=np.inf)
    worst = [i for i in np.argsort(-err)[:n_gaps] if err[i] > 0]
    gaps = ", ".join(
        f"{name(*weights[i])} (|n − g| = {text.number(err[i], 2, sci=True)})" for i in worst
    )
    return f"FAILS: relative difference {rd} ≥ {tol}; the largest gaps are {gaps}"


def gradcheck_scatter(
    numeric: Array,
    backprop: Array,
    weights: Sequence[tuple[int, int, int]],
    passed: bool,
    relative_difference: float | None = None,
    tolerance: float = 1e-7,
) -> go.Figure:
    """Backprop's D against the finite-difference gradient, one point per checked weight.

    A correct backprop puts every point on the diagonal.  ``weights`` are the course's
    (l, j, k); the title says what fails (:func:`gradcheck_verdict`).
    """
    numeric, backprop = np.asarray(numeric, float), np.asarray(backprop, float)
    err = np.abs(numeric - backprop)
    hover = [
        f"{text.weight_html(l, j, k)}: numeric {text.number(n, 6)}, backprop "
        f"{text.number(b, 6)}, |n − g| {text.number(e, 3)}"
        for (l, j, k), n, b, e in zip(weights, numeric, backprop, err, strict=True)
    ]
    finite = np.concatenate([numeric, backprop])
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    fig = go.Figure(
        [
            go.Scatter(
                x=[lo, hi],
                y=[lo, hi],
                mode="lines",
                name="backprop = numeric",
                line={"color": "#888", "dash": "dash"},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=numeric,
                y=backprop,
                mode="markers",
                name="one weight Θ<sup>(l)</sup><sub>jk</sub>",
                text=hover,
                hoverinfo="text",
                marker={
                    "color": [l for l, _, _ in weights],
                    "colorscale": "Viridis",
                    "size": 7,
                    "colorbar": {"title": "l of Θ<sup>(l)</sup>"},
                },
            ),
        ]
    )
    if relative_difference is None:
        verdict = "passes" if passed else "FAILS"
    else:
        verdict = gradcheck_verdict(numeric, backprop, weights, relative_difference, tolerance)
        # one part per line (a plotly title does not wrap); the gaps one per line too
        verdict = verdict.replace("; the largest gaps are ", "<br>largest gaps: ")
        verdict = verdict.replace("), ", "),<br>").replace(", every point", "<br>every point")
    lines = verdict.count("<br>") + 1
    fig.update_layout(
        title={"text": f"Gradient check {verdict}", "font": {"size": 12}},
        height=380 + 16 * lines,
        margin={"t": 30 + 18 * lines},
        xaxis_title="numeric (J(θ+ε) − J(θ−ε)) / 2ε",
        yaxis_title="backprop D<sup>(l)</sup><sub>jk</sub>",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def error_map_figure(error_map: Array, l: int) -> go.Figure:
    """|numeric − backprop| for each entry of Θ^(l) (log scale; grey = not checked)."""
    E = np.asarray(error_map, dtype=np.float64)
    logE = np.log10(np.where(E > 0, E, 1e-16))
    logE[~np.isfinite(E)] = np.nan
    fig = go.Figure(
        go.Heatmap(
            z=logE,
            customdata=E,
            x=list(range(E.shape[1])),
            y=list(range(1, E.shape[0] + 1)),
            colorscale="Reds",
            zmin=-12,
            zmax=max(0.0, float(np.nanmax(logE)) if np.isfinite(logE).any() else 0),
            colorbar={"title": "log<sub>10</sub>|n − g|"},
            hovertemplate="|numeric − backprop| at Θ<sup>(" + str(l) + ")</sup><sub>%{y},%{x}</sub>"
            " = %{customdata:.3e}<extra></extra>",
        )
    )
    _theta_axes(fig, l, E.shape)
    fig.update_layout(
        title=f"Where the check goes wrong in Θ<sup>({l})</sup>: |numeric − "
        "backprop| (grey = not checked)",
        height=340,
        plot_bgcolor="#eee",
    )
    return fig


def contributions_figure(contrib: Array, l: int, j: int, k: int) -> go.Figure:
    """Each example's share δ^(l+1)_{i,j} a^(l)_{i,k} of Δ^(l)_{jk}, with their sum and mean."""
    c = np.asarray(contrib, dtype=np.float64)
    i = np.arange(1, c.size + 1)
    total = float(c.sum())
    fig = go.Figure(
        go.Bar(
            x=i,
            y=c,
            marker={"color": np.where(c >= 0, POSITIVE, NEGATIVE)},
            hovertemplate="example i = %{x}: δ<sup>("
            + str(l + 1)
            + ")</sup>a<sup>("
            + str(l)
            + ")</sup> = %{y:.6g}<extra></extra>",
            name="example i's contribution",
        )
    )
    fig.add_hline(
        y=total / max(c.size, 1),
        line_dash="dash",
        line_color="#333",
        annotation_text=f"mean = Δ/m = {text.number(total / max(c.size, 1))}",
        annotation_position="top left",
    )
    fig.update_layout(
        title=f"Per-example contributions to {text.weight_html(l, j, k, 'Delta')} "
        f"(sum = {text.number(total)}; blue pushes it up, orange down)",
        xaxis_title="example i",
        yaxis_title=f"δ<sup>({l + 1})</sup><sub>{j}</sub> · a<sup>({l})</sup><sub>{k}</sub>",
        height=340,
    )
    return fig


def histograms_figure(
    values: Sequence[Array],
    layers: Sequence[int],
    symbol: str,
    title: str,
    units: Sequence[str] | None = None,
) -> go.Figure:
    """One histogram per layer of a^(l) or δ^(l) values (all examples and units); ``units``:
    each layer's g as its registry entry writes it ("σ", "ReLU"), added to its title."""
    n = len(values)
    cols = min(n, 4)
    rows = max(1, -(-n // cols))
    titles = [f"{symbol}<sup>({l})</sup>" for l in layers]
    if units is not None:
        titles = [f"{t} · g = {text.html_text(u)}" for t, u in zip(titles, units, strict=True)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    for idx, (v, l) in enumerate(zip(values, layers, strict=True)):
        fig.add_trace(
            go.Histogram(
                x=np.ravel(v),
                nbinsx=30,
                name=f"{symbol}<sup>({l})</sup>",
                marker_color="#4393c3",
                showlegend=False,
                hovertemplate=f"{symbol}<sup>({l})</sup> in %{{x}}: %{{y}} values<extra></extra>",
            ),
            row=idx // cols + 1,
            col=idx % cols + 1,
        )
    fig.update_xaxes(title_text="value")
    fig.update_yaxes(title_text="count", col=1)
    fig.update_layout(title=title, height=260 * rows, margin={"t": 70})
    return fig


def trace_histograms_figure(trace, symbol: str, cfg=None) -> go.Figure:
    """Histograms of a^(l) (``symbol`` "a") or δ^(l) ("δ") for l = 2 … L of a trace: piled up
    at the ends = saturated units; shrinking towards the input = vanishing gradients.  With
    the network's ``cfg`` each layer's title names its g (the entry's ``short`` symbol)."""
    if symbol == "a":
        values, title = trace.a[1:], "a<sup>(l)</sup>: piled up at the ends = saturated units"
    else:
        values = trace.delta[1:]
        title = "δ<sup>(l)</sup>: shrinking towards the input = vanishing gradients"
    units = None if cfg is None else [u.short for u in cfg.units[1:]]
    return histograms_figure(values, range(2, len(trace.a) + 1), symbol, title, units)


def cost_slice_figure(
    t: Array,
    J: Array,
    t0: float,
    J0: float,
    slope_fd: float,
    slope_bp: float,
    l: int,
    j: int,
    k: int,
) -> go.Figure:
    """J along one weight with the finite-difference and backprop tangents at the current value."""
    t = np.asarray(t, dtype=np.float64)
    name = text.weight_html(l, j, k)
    fig = go.Figure(
        go.Scatter(
            x=t,
            y=J,
            mode="lines",
            name="J(Θ) along this weight",
            hovertemplate=name + " = %{x:.4g}: J = %{y:.6g}<extra></extra>",
        )
    )
    for slope, label, dash, color in (
        (slope_fd, "finite difference", "solid", "#2ca02c"),
        (slope_bp, "backprop D", "dot", "#d62728"),
    ):
        fig.add_trace(
            go.Scatter(
                x=t,
                y=J0 + slope * (t - t0),
                mode="lines",
                name=f"tangent, slope from {label} = {text.number(slope, 6)}",
                line={"dash": dash, "color": color, "width": 2},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[t0],
            y=[J0],
            mode="markers",
            name="current value",
            marker={"size": 10, "color": "black"},
        )
    )
    pad = 0.15 * (float(np.max(J)) - float(np.min(J)) + 1e-12)
    fig.update_layout(
        title=f"J(Θ) along {name}; the two tangents should coincide",
        xaxis_title=name,
        yaxis_title="J(Θ)",
        height=380,
        yaxis_range=[float(np.min(J)) - pad, float(np.max(J)) + pad],
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


#: Line colours for curves drawn one per registry entry, in registry order.
_CURVE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def output_delta_figure(
    curves: dict[str, Array], L: int, y: float = 1.0, *, output: str
) -> go.Figure:
    """δ^(L) against z^(L) under every loss in ``curves`` (``bp_core.checks.
    output_delta_curves`` of the output unit ``output``), target y: saturation.  Each curve
    is named by its loss's entry: its label and its δ^(L) for that output."""
    fig = go.Figure()
    out = OUTPUTS[output]
    drawn = [(name, loss) for name, loss in LOSSES.items() if name in curves]
    for i, (name, loss) in enumerate(drawn):
        delta = loss.delta_text(out) if loss.delta_text is not None else "∂Jᵢ/∂z"
        fig.add_trace(
            go.Scatter(
                x=curves["z"],
                y=curves[name],
                mode="lines",
                name=f"{text.short_label(loss.label)}: δ = {delta}",
                line={"color": _CURVE_COLOURS[i % len(_CURVE_COLOURS)]},
                hovertemplate="z = %{x:.3g}: δ = %{y:.4g}<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"Output error δ<sup>({L})</sup> when the target is y = {text.number(y)}: "
        "squared error vanishes for a confidently wrong output (z very negative)",
        xaxis_title=f"z<sup>({L})</sup>",
        yaxis_title=f"δ<sup>({L})</sup>",
        height=360,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def image_predictions_figure(
    images: Array, labels: Array, predictions: Array, class_names: Sequence[str]
) -> go.Figure:
    """Small test images with their label and the network's prediction (wrong ones in red).

    Parameters
    ----------
    images : ndarray of shape (k, rows, cols)
        Pixel values, one image per entry (k ≤ 24 is sensible).
    labels, predictions : ndarray of shape (k,)
        Class numbers.
    class_names : sequence of str
        ``class_names[c]`` names class c.
    """
    k = len(images)
    class_names = [text.html_text(c, 12) for c in class_names]
    cols = min(k, 8)
    rows = max(1, -(-k // cols))
    titles = [
        f"y={class_names[y]} → <b>{class_names[p]}</b>"
        if p == y
        else f"<span style='color:#c0392b'>y={class_names[y]} → <b>{class_names[p]}</b></span>"
        for y, p in zip(labels, predictions, strict=True)
    ]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.12
    )
    for i, img in enumerate(images):
        fig.add_trace(
            go.Heatmap(
                z=np.asarray(img)[::-1],
                colorscale="gray_r",
                showscale=False,
                hovertemplate="input x = %{z:.2f}<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_annotations(font_size=12)
    fig.update_layout(
        title="Test images: label y → the network's prediction (red = wrong)",
        height=150 * rows + 60,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
    )
    return fig


def confusion_figure(C: Array, class_names: Sequence[str]) -> go.Figure:
    """Confusion matrix C[i, j] = test examples of class i predicted as j, (K, K)."""
    names = [text.html_text(c, 20) for c in class_names]
    fig = go.Figure(
        go.Heatmap(
            z=C,
            x=names,
            y=names,
            colorscale="Blues",
            text=C,
            texttemplate="%{text}",
            hovertemplate="label %{y} predicted as %{x}: %{z}<extra></extra>",
            colorbar={"title": "examples"},
        )
    )
    fig.update_layout(
        title="Confusion matrix on the test set (diagonal = right)",
        xaxis_title="predicted class",
        yaxis_title="label y",
        yaxis_autorange="reversed",
        height=420,
        margin={"l": 60, "r": 10, "t": 50, "b": 50},
    )
    # class names such as "0", "1" are names, not numbers: one tick per class
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


# ---------------------------------------------------------------------------------------------
# What the live view draws, as standalone figures and images (Export on the Playground)
# ---------------------------------------------------------------------------------------------

#: The live view's colours as RGB triples (live_view.js ORANGE, WHITE, BLUE, CLASS_RGB).
NEGATIVE_RGB, ZERO_RGB, POSITIVE_RGB = (245, 147, 34), (248, 248, 248), (8, 119, 189)
CLASS_RGB: tuple[tuple[int, int, int], ...] = (
    NEGATIVE_RGB,
    POSITIVE_RGB,
    (44, 160, 44),
    (148, 103, 189),
    (214, 39, 40),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)


def _css(rgb: Sequence[int]) -> str:
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"


def _mix(c0: Array, c1: Array, t: Array) -> Array:
    """c0 + (c1 − c0)·t per colour channel, rounded half up like the view's Math.round."""
    c0, c1 = np.asarray(c0, dtype=np.float64), np.asarray(c1, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)[..., None]
    return np.floor(c0 + (c1 - c0) * t + 0.5).astype(np.uint8)  # (..., 3)


def diverging_rgb(t: Array) -> Array:
    """The view's divRGB: t in [−1, 1] → orange (−1) … white (0) … blue (+1), shape (..., 3)."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=np.float64)), -1.0, 1.0)
    base = np.where((t < 0)[..., None], NEGATIVE_RGB, POSITIVE_RGB)  # (..., 3)
    return _mix(np.broadcast_to(ZERO_RGB, base.shape), base, np.abs(t))


def point_rgb(task: str, y: Array, part: dict) -> Array:
    """The view's pointRGB: a data point's fill, its class's colour, or (regression) its
    target on the boundary's scale (``part``'s lo … hi); shape (m, 3), uint8."""
    if task == "regression":
        lo, hi = part["lo"], part["hi"]
        return diverging_rgb(2 * (np.asarray(y, dtype=np.float64) - lo) / (hi - lo or 1) - 1)
    return np.asarray(CLASS_RGB, dtype=np.uint8)[np.asarray(y, dtype=np.int64) % len(CLASS_RGB)]


def boundary_rgb(part: dict, h: Array, discretize: bool = False) -> Array:
    """The decision-boundary picture as the live view colours it, one pixel per grid point.

    Parameters
    ----------
    part : dict
        ``lab_ui.live.frames.boundary_part`` of the same grid (its ``kind``, ``lo``, ``hi``,
        ``mid``, ``nx``, ``ny``).
    h : ndarray of shape (res·res, s_L)
        a^(L) on the grid points (row i·res + j is (x1_j, x2_i): row 0 is the bottom).

    Returns
    -------
    ndarray of shape (res, res, 3), uint8
        Row 0 is the *top* of the plane (x2 largest), as an image is read.
    """
    ny, nx = part["ny"], part["nx"]
    lo, hi, mid = part["lo"], part["hi"], part["mid"]
    span = (hi - lo) or 1.0
    if part["kind"] == "multiclass":
        k = np.argmax(h, axis=1)  # (res²,) the class with the largest output
        top = np.clip((h[np.arange(h.shape[0]), k] - lo) / span, 0.0, 1.0)  # (res²,)
        base = np.asarray(CLASS_RGB)[k % len(CLASS_RGB)]  # (res², 3)
        t = np.full(top.shape, 0.75) if discretize else 0.15 + 0.7 * top
        rgb = _mix(np.broadcast_to(ZERO_RGB, base.shape), base, t)
    else:
        v = np.clip(h[:, 0], lo, hi)  # (res²,)
        up, down = (hi - mid) or 1.0, (mid - lo) or 1.0
        t = np.where(v >= mid, (v - mid) / up, (v - mid) / down)  # −1 … 1
        if discretize:
            t = np.where(v >= mid, 0.8, -0.8)
        rgb = diverging_rgb(t)
    return np.ascontiguousarray(rgb.reshape(ny, nx, 3)[::-1])  # grid row 0 is the bottom


#: The rings round a data point (the view's pointRings): (rgb, width in pixels), outermost
#: first.  A dark and a light ring, so a point reads on a saturated boundary as on its white
#: middle; training points dark outside, test points light outside with a thicker dark ring.
POINT_DARK, POINT_LIGHT = (17, 17, 17), (255, 255, 255)
POINT_RINGS = {
    "train": ((POINT_DARK, 1.0), (POINT_LIGHT, 1.0)),
    "test": ((POINT_LIGHT, 1.0), (POINT_DARK, 1.6)),
}


def _discs(img: Array, cx: float, cy: float, layers: Sequence[tuple[float, Sequence[int]]]):
    """Paint discs (radius, rgb), largest first, into img (h, w, 3) centred at pixel (cx, cy)."""
    H, W = img.shape[:2]
    r = layers[0][0]
    x0, x1 = max(int(cx - r - 1), 0), min(int(cx + r + 2), W)
    y0, y1 = max(int(cy - r - 1), 0), min(int(cy + r + 2), H)
    if x0 >= x1 or y0 >= y1:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx + 0.5 - cx, yy + 0.5 - cy)  # distance of each pixel centre
    for radius, rgb in layers:
        img[y0:y1, x0:x1][d <= radius] = rgb


def boundary_image(
    part: dict,
    h: Array,
    dataset,
    *,
    discretize: bool = False,
    show_test: bool = True,
    scale: int = 4,
    radius: float = 3.6,  # the view's POINT_R (boundary.js), in pixels of the 400-pixel image
) -> Array:
    """The decision boundary with the data points, as an RGB image (the live view's look).

    Each grid point becomes ``scale`` × ``scale`` pixels; each point has its fill
    (:func:`point_rgb`) inside the rings of :data:`POINT_RINGS`, as in the live view.

    Returns
    -------
    ndarray of shape (res·scale, res·scale, 3), uint8 (row 0 at the top)
    """
    img = np.repeat(np.repeat(boundary_rgb(part, h, discretize), scale, 0), scale, 1)
    H, W = img.shape[:2]
    (x0, x1), (y0, y1) = part["img_x"], part["img_y"]
    splits = [("train", dataset.raw_train, dataset.y_train)]
    if show_test and dataset.raw_test is not None:
        splits.append(("test", dataset.raw_test, dataset.y_test))
    for split, raw, y in splits:
        if raw is None:
            continue
        rings, r = [], radius + sum(w for _, w in POINT_RINGS[split])
        for rgb, w in POINT_RINGS[split]:  # from the outside in
            rings.append((r, rgb))
            r -= w
        px = (raw[:, 0] - x0) / (x1 - x0) * W  # (m,)
        py = (y1 - raw[:, 1]) / (y1 - y0) * H  # (m,) row 0 is the top
        fills = point_rgb(dataset.task, y, part)  # (m, 3)
        for cx, cy, fill in zip(px, py, fills, strict=True):
            _discs(img, cx, cy, [*rings, (radius, fill)])
    return img


def maps_image(maps: dict, scale: int = 2, gap: int = 4) -> Array:
    """The per-neuron maps a^(l)_j over the plane as one RGB image: one row of tiles per
    layer l = 2 … L, one tile per unit j (coloured as in the live view), white between.

    ``maps`` is ``lab_ui.live.frames.maps_part``'s dict, with each layer's exact values under
    ``"values"`` (shape (s_l, r, r), row 0 the bottom of the plane) added by the caller.
    """
    r = maps["res"] * scale
    layers = maps["layers"]
    cols = max(layer["units"] for layer in layers)
    H = len(layers) * (r + gap) + gap
    W = cols * (r + gap) + gap
    img = np.full((H, W, 3), 255, dtype=np.uint8)
    for row, layer in enumerate(layers):
        v = np.asarray(layer["values"], dtype=np.float64)  # (s_l, r0, r0)
        if layer["sym"]:
            t = v / (layer["scale"] or 1.0)
        else:
            t = 2 * (v - layer["lo"]) / ((layer["hi"] - layer["lo"]) or 1.0) - 1
        rgb = diverging_rgb(t)[:, ::-1]  # (s_l, r0, r0, 3), row 0 at the top
        for j in range(layer["units"]):
            tile = np.repeat(np.repeat(rgb[j], scale, 0), scale, 1)
            top, left = gap + row * (r + gap), gap + j * (r + gap)
            img[top : top + r, left : left + r] = tile
    return img


def boundary_figure(
    part: dict,
    h: Array,
    dataset,
    *,
    discretize: bool = False,
    show_test: bool = True,
    title: str = "",
) -> go.Figure:
    """The decision boundary over the input plane with the training and test points.

    One output unit: a heatmap of h_Θ(x) (hover gives h), orange → white → blue through the
    boundary value; K outputs: the picture of the live view (class colour, paler where the
    largest output is small).  ``part`` and ``h`` as for :func:`boundary_rgb`.
    """
    ny, nx = part["ny"], part["nx"]
    (x0, x1), (y0, y1) = part["x"], part["y"]
    xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
    fig = go.Figure()
    if part["kind"] == "multiclass":
        rgb = boundary_rgb(part, h, discretize)[::-1]  # row 0 the bottom again
        fig.add_trace(
            go.Image(
                z=rgb,
                x0=x0,
                dx=(x1 - x0) / (nx - 1),
                y0=y0,
                dy=(y1 - y0) / (ny - 1),
                hoverinfo="skip",
                name="decision regions",
            )
        )
    else:
        lo, hi, mid = part["lo"], part["hi"], part["mid"]
        at = (mid - lo) / ((hi - lo) or 1.0)
        scale = [[0.0, NEGATIVE], [at, ZERO], [1.0, POSITIVE]]
        z = h[:, 0].reshape(ny, nx)
        if discretize:
            z = np.where(z >= mid, lo + 0.9 * (hi - lo), lo + 0.1 * (hi - lo))
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=z,
                zmin=lo,
                zmax=hi,
                colorscale=scale,
                colorbar={"title": "h<sub>Θ</sub>(x)"},
                hovertemplate="x₁ %{x:.3g}, x₂ %{y:.3g}: h = %{z:.4g}<extra></extra>",
                name="h(x)",
            )
        )
    splits = [("train", dataset.raw_train, dataset.y_train, "white", 1)]
    if show_test and dataset.raw_test is not None and len(dataset.raw_test):
        splits.append(("test", dataset.raw_test, dataset.y_test, "#222", 1.6))
    names = dataset.class_names or tuple(str(k) for k in range(max(dataset.n_classes, 1)))
    for split, raw, y, rim, width in splits:
        if dataset.task == "regression":
            c = point_rgb(dataset.task, y, part)
            fig.add_trace(
                go.Scatter(
                    x=raw[:, 0],
                    y=raw[:, 1],
                    mode="markers",
                    name=f"{split} points",
                    marker={
                        "color": [_css(v) for v in c],
                        "size": 7,
                        "line": {"color": rim, "width": width},
                    },
                    customdata=np.asarray(y),
                    hovertemplate=f"{split}: y = %{{customdata:.4g}}<extra></extra>",
                )
            )
            continue
        for k in np.unique(y):
            sel = y == k
            label = text.html_text(names[int(k)] if int(k) < len(names) else k, 20)
            fig.add_trace(
                go.Scatter(
                    x=raw[sel, 0],
                    y=raw[sel, 1],
                    mode="markers",
                    name=f"{split}: class {label}",
                    marker={
                        "color": _css(CLASS_RGB[int(k) % len(CLASS_RGB)]),
                        "size": 7,
                        "line": {"color": rim, "width": width},
                    },
                    hovertemplate=f"{split}, class {label}<extra></extra>",
                )
            )
    axis = [text.html_text(a) for a in part.get("axis", ("x₁", "x₂"))]
    fig.update_layout(
        title=title or part.get("title", "Decision boundary"),
        height=560,
        width=640,
        margin={"l": 50, "r": 10, "t": 50, "b": 50},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        xaxis={"title": axis[0], "range": list(part["img_x"]), "constrain": "domain"},
        yaxis={"title": axis[1], "range": list(part["img_y"]), "scaleanchor": "x"},
    )
    return fig


def weights_figure(
    layer_sizes: Sequence[int],
    Theta: Sequence[Array],
    input_names: Sequence[str] = (),
    output_names: Sequence[str] = (),
    title: str = "The network: Θ⁽ˡ⁾ on the connections",
) -> go.Figure:
    """The network with every weight Θ^(l)_jk on its connection: blue positive, orange
    negative, wider and darker for larger |Θ| (relative to the largest in its layer, as the
    live view draws it).  Hovering a connection's midpoint gives its exact value."""
    sizes = [int(s) for s in layer_sizes]
    L = len(sizes)
    ys = [_node_y(s) for s in sizes]
    bias_y = [float(y[0]) + 1.2 if len(y) else 1.0 for y in ys]
    fig = go.Figure()
    bins = 4  # |Θ| / max in the layer, in 4 steps of width and opacity
    segs: dict[tuple[bool, int], tuple[list, list]] = {}
    hx, hy, htext = [], [], []
    for l in range(1, L):
        T = np.asarray(Theta[l - 1], dtype=np.float64)  # (s_{l+1}, s_l + 1)
        top = _sym_range(T)
        src = [bias_y[l - 1], *ys[l - 1]]  # k = 0 (bias), 1 … s_l
        for j in range(T.shape[0]):
            for k in range(T.shape[1]):
                v = T[j, k]
                b = min(int(abs(v) / top * bins), bins - 1) if np.isfinite(v) else 0
                xs_, ys_ = segs.setdefault((bool(v >= 0), b), ([], []))
                xs_ += [l, l + 1, None]
                ys_ += [src[k], ys[l][j], None]
                hx.append(l + 0.5)
                hy.append((src[k] + ys[l][j]) / 2)
                htext.append(
                    f"Θ<sup>({l})</sup><sub>{j + 1},{k}</sub> = {text.number(v)}"
                    + (" (bias)" if k == 0 else "")
                )
    for (positive, b), (ex, ey) in sorted(segs.items()):
        color = POSITIVE_RGB if positive else NEGATIVE_RGB
        alpha = 0.25 + 0.7 * (b + 1) / bins
        fig.add_trace(
            go.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                line={
                    "color": f"rgba({color[0]},{color[1]},{color[2]},{alpha:.2f})",
                    "width": 0.8 + 2.4 * b,
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=hx,
            y=hy,
            mode="markers",
            marker={"size": 6, "color": "rgba(0,0,0,0)"},
            text=htext,
            hoverinfo="text",
            showlegend=False,
        )
    )
    labels = []
    for l in range(1, L + 1):
        names = input_names if l == 1 else output_names if l == L else ()
        labels += [
            f"a<sub>{j}</sub><sup>({l})</sup>"
            + (f": {text.html_text(names[j - 1], 20)}" if j <= len(names) else "")
            for j in range(1, sizes[l - 1] + 1)
        ]
    fig.add_trace(
        go.Scatter(
            x=[l for l in range(1, L + 1) for _ in range(sizes[l - 1])],
            y=[y for l in range(L) for y in ys[l]],
            mode="markers",
            marker={
                "size": 12 if max(sizes) <= 16 else 7,
                "color": IDLE,
                "line": {"color": "#555", "width": 0.8},
            },
            text=labels,
            hoverinfo="text",
            name="unit",
        )
    )
    fig.add_trace(_bias_units(L, bias_y))
    fig.update_layout(
        title=title,
        height=560 if max(sizes) > 16 else 460,
        margin={"l": 10, "r": 10, "t": 50, "b": 60},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0},
        xaxis={
            "tickvals": list(range(1, L + 1)),
            "ticktext": [f"layer {l} ({s})" for l, s in enumerate(sizes, 1)],
            "showgrid": False,
            "zeroline": False,
            "range": [0.6, L + 0.4],
        },
        yaxis={"visible": False},
    )
    return fig


def history_figure(history, log_cost: bool = False) -> go.Figure:
    """J on the training and test sets (left axis) and the metric (right axis) per recorded
    epoch, from a ``bp_core.training.History``; test curves dashed, as in the live view."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    epoch = list(history.epoch)
    metric = history.metric_name
    curves = (
        ("J train", history.J_train, "#1f3b73", None, False),
        ("J test", history.J_test, "#1f3b73", "dash", False),
        (f"{metric} train", history.metric_train, "#2ca02c", None, True),
        (f"{metric} test", history.metric_test, "#2ca02c", "dash", True),
    )
    for name, y, color, dash, right in curves:
        y = np.asarray(y, dtype=np.float64)
        if not np.any(np.isfinite(y)):
            continue  # no test set
        fig.add_trace(
            go.Scatter(
                x=epoch,
                y=np.where(np.isfinite(y), y, None),
                mode="lines",
                name=text.html_text(name),
                line={"color": color, "dash": dash, "width": 2},
            ),
            secondary_y=right,
        )
    fig.update_layout(
        title="Cost J and " + text.html_text(metric) + " per epoch",
        height=420,
        margin={"l": 60, "r": 60, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.18, "yanchor": "top"},
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_text="epoch", gridcolor="#eee")
    fig.update_yaxes(
        title_text="J (log scale)" if log_cost else "J",
        type="log" if log_cost else "linear",
        gridcolor="#eee",
        secondary_y=False,
    )
    fig.update_yaxes(title_text=text.html_text(metric), secondary_y=True, showgrid=False)
    return fig


def standalone_html(figs: Sequence[go.Figure], title: str, note: str = "") -> str:
    """One HTML page holding the figures, plotly.js written into it once (no network needed
    to open it: ``include_plotlyjs=True``, never a CDN).  ``title`` and ``note`` are our own
    words, HTML-escaped here anyway."""
    import html as html_mod

    parts = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, fig in enumerate(figs)
    ]
    head = html_mod.escape(title)
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head><meta charset='utf-8'>"
        f"<title>{head}</title></head>\n<body style='font-family: sans-serif'>\n"
        f"<h1>{head}</h1>\n<p>{html_mod.escape(note)}</p>\n"
        + "\n".join(f"<div>{p}</div>" for p in parts)
        + "\n</body>\n</html>\n"
    )
