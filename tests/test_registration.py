"""Registering an entry: ``bp_core.register_activation`` checks every fact (a sentence for each
missing or wrong one), the toy softsign passes the gradient check with every output and loss,
the loss/output pairs answer their own questions (is δ^(L) = ŷ − y? how many units?), and
``BACKPROP_LAB_PLUGINS`` loads entries at start-up without ever breaking a page.

No string switch on a registry name is left outside the registry's own modules: the last
test reads the source of ``lab_ui``, ``pages`` and the rest of ``bp_core`` to prove it.
"""

from __future__ import annotations

import ast
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bp_core as bp
from lab_ui import plugins
from lab_ui.shared import schema
from tests import toy_entries
from tests.test_backprop import COMBOS, make_problem
from tests.toy_entries import TOY_ACTIVATION, TOY_ACTIVATION_SHORT, unregister_toy_activation

toy_activation = toy_entries.toy_activation  # the fixture: softsign registered for one test

ROOT = Path(__file__).resolve().parents[1]


def _softplus_prime(z, a):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z), the slope of log(1 + e^z)


def _entry(**facts) -> bp.Activation:
    base = dict(
        name="toy_softplus",
        label="softplus",
        g=lambda z: np.logaddexp(0.0, z),
        g_prime=_softplus_prime,
    )
    base.update(facts)
    return bp.Activation(**base)


# ---------------------------------------------------------------------------------------------
# register_activation
# ---------------------------------------------------------------------------------------------


def test_a_registered_activation_is_used_and_then_removed(toy_activation):
    assert bp.ACTIVATIONS[TOY_ACTIVATION] is toy_activation
    assert toy_activation.short == TOY_ACTIVATION_SHORT and toy_activation.value_range == (-1, 1)
    cfg = bp.NetConfig((2, 3, 1), TOY_ACTIVATION)
    assert cfg.hidden_units == (toy_activation,)
    # the schema's choices are read when used: the new name is offered and accepted
    assert TOY_ACTIVATION in schema.BY_NAME["acts"].allowed()
    unregister_toy_activation()
    with pytest.raises(ValueError, match=f"Unknown activation '{TOY_ACTIVATION}'"):
        bp.NetConfig((2, 3, 1), TOY_ACTIVATION)
    assert TOY_ACTIVATION not in schema.BY_NAME["acts"].allowed()


def test_register_returns_the_entry_and_unregister_keeps_bp_cores_own():
    entry = _entry()
    try:
        assert bp.register_activation(entry) is entry
        assert bp.ACTIVATIONS["toy_softplus"].short == "toy_softplus"  # default: from its name
    finally:
        bp.unregister_activation("toy_softplus")
    with pytest.raises(ValueError, match="one of bp_core's own activations"):
        bp.unregister_activation("sigmoid")
    with pytest.raises(ValueError, match="No activation named 'nope'"):
        bp.unregister_activation("nope")


@pytest.mark.parametrize(
    "entry,words",
    [
        (_entry(name="sigmoid"), "An activation named 'sigmoid' is registered already"),
        (_entry(label=""), "needs a label: the name a student sees"),
        (_entry(g=None), r"needs its function g\(z\)"),
        (_entry(g_prime="σ'"), r"needs its function g_prime\(z, a\)"),
        (_entry(name="soft,plus"), "must be a word of letters, digits and _"),
        (_entry(latex=r"\frac{z}{2"), "latex of activation 'toy_softplus' has unbalanced braces"),
        (_entry(g_prime=lambda z, a: a), "g_prime is not the slope of g"),
        (_entry(peak_slope=0.25), "peak_slope 0.25 must be the largest value g' takes"),
        (_entry(peak_slope=0), "peak_slope must be a positive number"),
        (_entry(value_range=(0.0, 1.0)), r"g leaves its value_range \(0, 1\)"),
        (_entry(g=lambda z: z[:, :1], g_prime=lambda z, a: 1.0), "z's shape, elementwise"),
        ("softplus", "takes a bp_core.Activation entry, not str"),
    ],
)
def test_a_missing_or_wrong_fact_is_refused_with_a_sentence(entry, words):
    n = len(bp.ACTIVATIONS)
    with pytest.raises(ValueError, match=words):
        bp.register_activation(entry)
    assert len(bp.ACTIVATIONS) == n  # nothing was added


def test_g_prime_jumps_only_at_an_entrys_kinks():
    for act in bp.ACTIVATIONS.values():
        for z0 in (*act.kinks, -1.7, 0.0, 0.9):
            z = np.array([[z0 - 1e-9, z0 + 1e-9]])
            left, right = act.g_prime(z, act.g(z))[0]
            assert (abs(left - right) > 1e-6) == (z0 in act.kinks), (act.name, z0)
    assert bp.ACTIVATIONS["relu"].kinks == (0.0,) and bp.ACTIVATIONS["sigmoid"].kinks == ()


def test_every_built_in_activation_passes_its_own_registration_check():
    from bp_core import activations

    saved = dict(bp.ACTIVATIONS)
    try:
        for name, entry in saved.items():
            del bp.ACTIVATIONS[name]
            assert bp.register_activation(entry) is entry
    finally:
        bp.ACTIVATIONS.clear()
        bp.ACTIVATIONS.update(saved)
    assert tuple(bp.ACTIVATIONS) == activations.BUILTIN_ACTIVATIONS


# ---------------------------------------------------------------------------------------------
# The toy softsign trains like a built-in one: the gradient check with every output and loss
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("output,loss", COMBOS)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    n_in=st.integers(1, 4),
    n_out=st.integers(2, 4),
    m=st.integers(1, 6),
    lam=st.floats(0.01, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_check_toy_activation_every_output_loss(
    toy_activation, output, loss, sizes, n_in, n_out, m, lam, seed
):
    """Central differences agree with backprop to a relative difference < 1e-7, λ > 0."""
    rng = np.random.default_rng(seed)
    n_out = 1 if output in ("sigmoid", "linear", "tanh") and seed % 2 else n_out
    cfg = bp.NetConfig((n_in, *sizes, n_out), TOY_ACTIVATION, output, loss, lam)
    Theta, X, Y = make_problem(cfg, m, rng)
    check = bp.gradient_check(cfg, Theta, X, Y)
    assert check.relative_difference < 1e-7, check.relative_difference
    assert check.passed
    # and a planted bug is still caught with it
    assert not bp.gradient_check(cfg, Theta, X, Y, bug="forget_g_prime").passed


# ---------------------------------------------------------------------------------------------
# What the entries answer themselves (no switch on their names elsewhere)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "loss,output", [(name, out) for name, lo in bp.LOSSES.items() for out in lo.outputs]
)
def test_delta_is_residual_says_exactly_when_delta_is_y_hat_minus_y(loss, output):
    lo, out = bp.LOSSES[loss], bp.OUTPUTS[output]
    rng = np.random.default_rng(3)
    z = 3.0 * rng.normal(size=(6, 3))
    a = out.g(z)
    Y = np.eye(3)[rng.integers(0, 3, 6)]
    residual = np.allclose(lo.delta(out, z, a, Y), a - Y, rtol=1e-12, atol=1e-14)
    assert lo.delta_is_residual(out) == residual
    why = lo.delta_why(out)
    assert why and ("ŷ − y" in why) == residual
    assert lo.delta_text(out)  # plain text for titles and legends


def test_output_units_and_the_minimum_come_from_the_output_entry():
    for out in bp.OUTPUTS.values():
        assert out.short and out.min_units >= 1
        assert out.units_for(2) == out.min_units and out.units_for(5) == 5
    softmax = bp.OUTPUTS["softmax"]
    assert softmax.min_units == 2 and softmax.cross_entropy is not None
    with pytest.raises(ValueError, match="A softmax output needs at least 2 output units"):
        bp.NetConfig((2, 3, 1), "sigmoid", "softmax")
    # cross-entropy is defined exactly for the outputs that have their own form of it
    ce = bp.LOSSES["cross_entropy"]
    assert set(ce.outputs) == {n for n, o in bp.OUTPUTS.items() if o.cross_entropy is not None}
    with pytest.raises(ValueError, match="Cross-entropy needs outputs that are probabilities"):
        bp.NetConfig((2, 3, 1), "sigmoid", "tanh", "cross_entropy")


@pytest.mark.parametrize("name", sorted(bp.REGULARIZATIONS))
def test_a_regularizations_slope_is_the_derivative_of_its_cost(name):
    reg = bp.REGULARIZATIONS[name]
    rng = np.random.default_rng(4)
    W = rng.normal(size=(3, 4))
    lam, m, eps = 0.7, 5, 1e-6
    num = np.empty_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += eps
        Wm[idx] -= eps
        num[idx] = (reg.cost([Wp], lam, m) - reg.cost([Wm], lam, m)) / (2 * eps)
    np.testing.assert_allclose(lam / m * reg.slope(W), num, rtol=1e-6, atol=1e-9)


def test_the_playground_offers_the_initializers_meant_for_training():
    offered = schema.BY_NAME["init"].allowed()
    assert set(offered) == {n for n, i in bp.INITIALIZERS.items() if i.for_training}
    assert not bp.INITIALIZERS["debug"].for_training and "debug" not in offered


# ---------------------------------------------------------------------------------------------
# BACKPROP_LAB_PLUGINS
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """A folder on sys.path with plugin modules of unique names (removed afterwards)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def write(name: str, source: str) -> str:
        (tmp_path / f"{name}.py").write_text(source)
        made.append(name)
        return name

    yield write
    for name in made:
        sys.modules.pop(name, None)


PLUGIN = """
import numpy as np
import bp_core as bp

def register_all():
    bp.register_activation(bp.Activation("{act}", "{act}", np.sin, lambda z, a: np.cos(z)))
"""


def test_plugins_register_their_entries_once_and_bad_ones_are_reported(plugin_dir, caplog):
    act = "plugin_sine_one"
    good = plugin_dir("bp_plugin_good_one", PLUGIN.format(act=act))
    failing = plugin_dir("bp_plugin_failing_one", "def register_all():\n    1 / 0\n")
    try:
        with caplog.at_level(logging.INFO, logger="backprop_lab.plugins"):
            result = plugins.load_plugins(f" {good}, no_such_module_xyz ,{failing},{good}")
        assert list(result) == [good, "no_such_module_xyz", failing]
        assert result[good] == "" and act in bp.ACTIVATIONS
        assert "ModuleNotFoundError" in result["no_such_module_xyz"]
        assert "ZeroDivisionError" in result[failing]
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 2 and all("BACKPROP_LAB_PLUGINS" in e for e in errors)
        assert any("'no_such_module_xyz' was not loaded" in e for e in errors)
        # a second start-up (every page's run calls it) does nothing again
        caplog.clear()
        assert plugins.load_plugins(good) == {good: ""}
        assert not caplog.records
    finally:
        if act in bp.ACTIVATIONS:
            bp.unregister_activation(act)


def test_plugins_are_read_from_the_environment(plugin_dir, monkeypatch):
    act = "plugin_sine_two"
    name = plugin_dir("bp_plugin_env_two", PLUGIN.format(act=act))
    monkeypatch.setenv(plugins.PLUGINS_VARIABLE, name)
    try:
        assert plugins.load_plugins() == {name: ""}
        assert act in bp.ACTIVATIONS
    finally:
        if act in bp.ACTIVATIONS:
            bp.unregister_activation(act)
    monkeypatch.delenv(plugins.PLUGINS_VARIABLE)
    assert plugins.load_plugins() == {}


# ---------------------------------------------------------------------------------------------
# No switch on a registry name outside the registries
# ---------------------------------------------------------------------------------------------

#: The modules that define the entries (and may name them).
REGISTRY_MODULES = {
    "bp_core/activations.py",
    "bp_core/losses.py",
    "bp_core/initializers.py",
    "bp_core/config.py",
    "bp_core/optimizers.py",
    "bp_core/presets.py",  # lessons: settings written out, not switches
}


def _sources():
    for folder in ("bp_core", "lab_ui", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in REGISTRY_MODULES and not rel.startswith("bp_core/datasets/"):
                yield rel, ast.parse(path.read_text(encoding="utf-8"))


def test_no_comparison_with_and_no_table_keyed_by_a_registry_name():
    """``x == "softmax"``, ``x in ("relu", …)`` and ``{"sigmoid": …}`` are switches that
    belong on the entry (activations, outputs, losses, initializers, regularizations)."""
    names = {*bp.ACTIVATIONS, *bp.OUTPUTS, *bp.LOSSES, *bp.INITIALIZERS, *bp.REGULARIZATIONS}
    found = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                for side in (node.left, *node.comparators):
                    consts = (
                        side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
                    )
                    hits = {c.value for c in consts if isinstance(c, ast.Constant)} & names
                    found += [f"{rel}:{node.lineno}: compares with {h!r}" for h in hits]
            if isinstance(node, ast.Dict) and (rel.startswith(("lab_ui", "pages"))):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)} & names
                found += [f"{rel}:{node.lineno}: a table keyed by {sorted(keys)}"] if keys else []
    assert found == []
