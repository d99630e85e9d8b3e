"""lab_ui.shared.figures: pure plotly builders; titles in course notation, diverging scales at 0."""

import numpy as np
import plotly.graph_objects as go
import pytest

import bp_core as bp
from bp_core import checks as nc
from lab_ui.shared import figures as F  # noqa: N812


@pytest.fixture(scope="module")
def net():
    cfg = bp.NetConfig((2, 4, 3, 1), "sigmoid", lambda_=1.0)
    rng = np.random.default_rng(1)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X = rng.normal(size=(8, 2))
    Y = bp.encode_targets(cfg, rng.integers(0, 2, 8))
    return cfg, Theta, X, Y, bp.backprop(cfg, Theta, X, Y)


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


def test_matrix_heatmap_is_diverging_at_zero(net):
    *_, trace = net
    fig = F.matrix_heatmap(trace.D[1], "D", 2)
    hm = fig.data[0]
    assert hm.zmid == 0 and hm.zmin == -hm.zmax
    assert "D<sup>(2)</sup>" in _title(fig) and "(3 × 5)" in _title(fig)
    assert "%{z:.6g}" in hm.hovertemplate
    assert "layer 2 (0 = bias)" in fig.layout.xaxis.title.text


def test_theta_delta_D_figure_has_three_centred_panels(net):
    cfg, Theta, *_, trace = net
    fig = F.theta_delta_D_figure(Theta[1], trace.Delta[1], trace.D[1], 2)
    assert len(fig.data) == 3
    assert [t.coloraxis for t in fig.data] == ["coloraxis", "coloraxis2", "coloraxis3"]
    for ca in ("coloraxis", "coloraxis2", "coloraxis3"):
        axis = fig.layout[ca]
        assert axis.cmid == 0 and axis.cmin == -axis.cmax
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "Θ<sup>(2)</sup>" and titles[1].startswith("Δ<sup>(2)</sup>")
    assert "δ<sup>(3)</sup>" in titles[1] and titles[2].startswith("D<sup>(2)</sup>")
    np.testing.assert_array_equal(fig.data[2].z, trace.D[1])


@pytest.mark.parametrize("bug", [None, "flipped_sign"])
def test_gradcheck_scatter(net, bug):
    cfg, Theta, X, Y, _ = net
    chk = nc.sampled_gradient_check(cfg, Theta, X, Y, bug=bug)
    fig = F.gradcheck_scatter(
        chk.numeric, chk.backprop, chk.weights, chk.passed, chk.relative_difference, chk.tolerance
    )
    assert len(fig.data) == 2 and len(fig.data[1].x) == cfg.n_weights
    title = _title(fig)
    assert ("passes" in title) == (bug is None) and ("FAILS" in title) == (bug is not None)
    assert F.text.number(chk.relative_difference, 2, sci=True) in title  # says by how much
    # course indices: j from 1, k = 0 the bias
    assert fig.data[1].text[0].startswith("Θ<sup>(1)</sup><sub>1,0</sub>: numeric")
    if bug is not None:  # names the weights that differ most
        worst = int(np.argmax(chk.errors))
        assert F.text.weight_html(*chk.weights[worst]) in title


def test_gradcheck_verdict_says_what_fails_when_points_sit_on_the_diagonal():
    """A relative difference of 7e-3 is invisible on the scatter: the verdict names it."""
    numeric = np.array([1.0, -0.5, 0.25, 2.0])
    backprop = numeric * (1 + np.array([0.0, 0.0, 0.0, 0.0163]))
    weights = [(1, 1, 0), (1, 2, 1), (2, 1, 0), (2, 1, 3)]
    rd = bp.relative_difference(numeric, backprop)
    assert 6e-3 < rd < 8e-3
    line = F.gradcheck_verdict(numeric, backprop, weights, rd, 1e-7, html=False)
    assert line.startswith("FAILS: relative difference 7.0e-03 ≥ 1.0e-07")
    assert "Θ⁽²⁾₁,₃ (|n − g| = 3.3e-02)" in line  # the one weight that differs
    assert "Θ⁽¹⁾₁,₀" not in line  # weights that agree exactly are not listed
    ok = F.gradcheck_verdict(numeric, numeric, weights, 0.0, 1e-7)
    assert ok.startswith("passes")


def test_signed_figures_use_the_playground_palette(net):
    """Blue = positive, orange = negative, as on the Playground (heatmaps and bars)."""
    cfg, Theta, *_, trace = net
    fig = F.theta_delta_D_figure(Theta[1], trace.Delta[1], trace.D[1], 2)
    scale = [tuple(c) for c in fig.layout.coloraxis.colorscale]
    assert scale[0] == (0.0, F.NEGATIVE) and scale[-1] == (1.0, F.POSITIVE)
    assert F.POSITIVE == "rgb(8,119,189)" and F.NEGATIVE == "rgb(245,147,34)"  # live view's
    bars = F.contributions_figure(np.array([1.0, -1.0]), 1, 1, 0).data[0].marker.color
    assert list(bars) == [F.POSITIVE, F.NEGATIVE]
    assert "Blue is positive, orange negative" in F.PALETTE_NOTE


def test_error_map_marks_unchecked_entries(net):
    E = np.array([[1e-3, np.nan], [0.0, 1e-9]])
    fig = F.error_map_figure(E, 3)
    z = np.array(fig.data[0].z, dtype=float)
    assert np.isnan(z[0, 1]) and z[0, 0] == pytest.approx(-3)
    assert "Θ<sup>(3)</sup>" in _title(fig)


def test_contributions_figure(net):
    *_, trace = net
    contrib = trace.example_contributions(1, 0, 2)
    fig = F.contributions_figure(contrib, 2, 1, 2)
    assert len(fig.data[0].x) == trace.m
    assert "Δ<sup>(2)</sup><sub>1,2</sub>" in _title(fig)
    assert F.text.number(trace.Delta[1][0, 2]) in _title(fig)
    assert "δ<sup>(3)</sup>" in fig.layout.yaxis.title.text


def test_histograms_one_panel_per_layer(net):
    cfg, *_, trace = net
    fig = F.histograms_figure(trace.delta[1:], range(2, cfg.L + 1), "δ", "δ per layer")
    assert len(fig.data) == cfg.L - 1
    assert [a.text for a in fig.layout.annotations] == [
        f"δ<sup>({l})</sup>" for l in range(2, cfg.L + 1)
    ]
    big = F.histograms_figure([np.zeros(3)] * 9, range(2, 11), "a", "t")
    assert len(big.data) == 9
    # with the network, each panel names its layer's g by the registry entry's short symbol
    named = F.trace_histograms_figure(trace, "a", cfg)
    shorts = [u.short for u in cfg.units[1:]]
    assert [a.text for a in named.layout.annotations] == [
        f"a<sup>({l})</sup> · g = {g}" for l, g in zip(range(2, cfg.L + 1), shorts, strict=True)
    ]


def test_cost_slice_figure_draws_both_tangents(net):
    cfg, Theta, X, Y, _ = net
    cs = nc.cost_slice(cfg, Theta, X, Y, (2, 1, 0), 0.5)
    fig = F.cost_slice_figure(cs.t, cs.J, cs.t0, cs.J0, cs.slope_fd, cs.slope_bp, 2, 2, 0)
    assert len(fig.data) == 4
    assert "Θ<sup>(2)</sup><sub>2,0</sub>" in _title(fig)
    assert fig.layout.yaxis.title.text == "J(Θ)"
    tangent = np.array(fig.data[2].y)
    assert np.allclose(np.diff(tangent) / np.diff(cs.t), cs.slope_bp)


def test_output_delta_figure():
    curves = nc.output_delta_curves("sigmoid", np.linspace(-6, 6, 13))
    fig = F.output_delta_figure(curves, 3, output="sigmoid")
    assert len(fig.data) == 2 and "δ<sup>(3)</sup>" in fig.layout.yaxis.title.text
    # each curve is named from its loss's entry: cross-entropy's δ is ŷ − y, squared error's
    # keeps the sigmoid's slope σ′
    names = [tr.name for tr in fig.data]
    assert names[0].endswith("δ = ŷ − y") and "σ′(z)" in names[1]


def test_figures_import_neither_streamlit_nor_the_session():
    import inspect

    for mod in (F, nc):
        src = inspect.getsource(mod)
        assert "import streamlit" not in src and "session_state" not in src


def test_image_predictions_figure_marks_wrong_predictions():
    images = np.random.default_rng(0).random((10, 8, 8))
    labels = np.arange(10)
    preds = labels.copy()
    preds[3] = 5
    fig = F.image_predictions_figure(images, labels, preds, [str(c) for c in range(10)])
    assert len(fig.data) == 10
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "y=0 → <b>0</b>"
    assert "c0392b" in titles[3] and "→ <b>5</b>" in titles[3]
    assert sum("c0392b" in t for t in titles) == 1


def test_confusion_figure_shows_the_counts():
    C = np.array([[5, 1], [0, 4]])
    fig = F.confusion_figure(C, ["cat", "<img src=x onerror=alert(1)>"])
    np.testing.assert_array_equal(fig.data[0].z, C)
    assert list(fig.data[0].x)[0] == "cat"
    assert "<img" not in list(fig.data[0].x)[1] and "&lt;img" in list(fig.data[0].x)[1]
    assert "predicted" in fig.layout.xaxis.title.text
