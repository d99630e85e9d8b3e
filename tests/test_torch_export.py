"""Export to PyTorch (bp_core.io.torch_script; the notebook by lab_ui.playground.notebook):
the script, run in a fresh Python process under torch, trains the same network from the same
Θ with the same data, update rule, constants and mini-batch order, and prints the largest
|Θ_torch − Θ_bp_core|, which must be ≤ 1e-9.

torch (CPU build) is in requirements-dev.txt; without it these tests skip with the reason,
except under CI=true, where they must run.  One case also executes the notebook with
nbclient (a Jupyter kernel: ipykernel), about 5 s.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

import bp_core as bp
from bp_core.io.torch_script import MAX_EMBEDDED_VALUES, torch_script
from bp_core.runs import RunSettings, build_run
from bp_core.training import TrainSettings
from lab_ui.playground.notebook import script_to_notebook

IN_CI = os.environ.get("CI", "").lower() == "true"
TOLERANCE = 1e-9
GAP = re.compile(r"largest \|Θ_torch − Θ_bp_core\| = ([0-9.e+-]+)")

BASE = dict(
    dataset="circle",
    noise=0.1,
    n_points=200,
    train_pct=50,
    n_classes=3,
    seed=3,
    features=("x1", "x2"),
    standardize=True,
    hidden=(4, 3),
    acts=("tanh", "relu"),
    output="sigmoid",
    loss="cross_entropy",
    init="ng_uniform",
    alpha=0.3,
    lambda_=0.0,
    regularization="l2",
    batch=0,
    optimizer="gd",
)
CASES = {
    "gd, full batch": {},
    "gd, mini-batch 10, λ = 0.1": dict(batch=10, lambda_=0.1),
    "momentum, mini-batch 16, λ = 0.3": dict(optimizer="momentum", batch=16, lambda_=0.3),
    "adam, mini-batch 8, L1 λ = 0.1": dict(
        optimizer="adam", alpha=0.01, batch=8, lambda_=0.1, regularization="l1"
    ),
    "softmax blobs, leaky ReLU, adam": dict(
        dataset="blobs",
        output="softmax",
        acts=("leaky_relu", "sigmoid"),
        optimizer="adam",
        alpha=0.01,
        batch=32,
    ),
    "regression, squared error, linear output": dict(
        dataset="plane",
        output="linear",
        loss="mse",
        acts=("tanh", "tanh"),
        alpha=0.03,
        batch=20,
    ),
}


def _torch_or_skip() -> None:
    if importlib.util.find_spec("torch") is None:
        reason = "torch is not installed (pip install -r requirements-dev.txt)"
        if IN_CI:
            pytest.fail(f"The PyTorch export tests must run under CI=true, but {reason}.")
        pytest.skip(reason)


def _exported(changes: dict, epochs: int = 12) -> tuple[str, object]:
    settings = RunSettings.from_mapping({**BASE, **changes})
    run = build_run(settings)
    tr = run.trainer
    Theta0 = [T.copy() for T in tr.Theta]
    tr.run_epochs(epochs)
    assert tr.divergence is None
    script = torch_script(
        run.cfg,
        tr.settings,
        Theta0,
        tr.X_train,
        tr.Y_train,
        (settings.seed, 2),
        tr.steps,
        tr.Theta,
    )
    return script, tr


def _gap(stdout: str) -> float:
    m = GAP.search(stdout)
    assert m, stdout
    return float(m.group(1))


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_the_exported_script_reproduces_theta_under_torch(case, tmp_path):
    _torch_or_skip()
    script, tr = _exported(CASES[case])
    path = tmp_path / "run_torch.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _gap(done.stdout) <= TOLERANCE, (case, done.stdout)
    assert tr.steps >= 12


def test_the_script_is_plain_python_with_numpy_and_torch_only():
    script, _ = _exported({}, epochs=1)
    compile(script, "run_torch.py", "exec")
    imports = sorted(set(re.findall(r"^(?:import|from) (\w+)", script, flags=re.M)))
    assert imports == ["base64", "numpy", "torch"]
    assert "import bp_core" not in script and "pickle" not in script


def test_a_run_too_big_to_embed_is_refused_in_words():
    cfg = bp.NetConfig(layer_sizes=(2, 1), output="sigmoid", loss="cross_entropy")
    Theta = [np.zeros((1, 3))]
    X = np.zeros((MAX_EMBEDDED_VALUES, 2))
    with pytest.raises(ValueError, match="at most"):
        torch_script(cfg, TrainSettings(alpha=0.1), Theta, X, np.zeros((len(X), 1)), 0, 1, Theta)


def test_an_activation_without_a_torch_form_is_refused_in_words():
    bp.register_activation(
        bp.Activation(
            "softsign_nt",
            "softsign",
            lambda z: z / (1 + np.abs(z)),
            lambda z, a: 1 / (1 + np.abs(z)) ** 2,
            value_range=(-1.0, 1.0),
        )
    )
    try:
        cfg = bp.NetConfig(layer_sizes=(2, 2, 1), activations=("softsign_nt",))
        Theta = [np.zeros(s) for s in cfg.theta_shapes]
        with pytest.raises(ValueError, match="no PyTorch equivalent"):
            torch_script(
                cfg,
                TrainSettings(alpha=0.1),
                Theta,
                np.zeros((3, 2)),
                np.zeros((3, 1)),
                0,
                1,
                Theta,
            )
    finally:
        bp.unregister_activation("softsign_nt")


def test_the_notebook_is_valid_and_holds_the_same_code():
    script, _ = _exported(dict(batch=10), epochs=2)
    nb = nbformat.reads(script_to_notebook(script), as_version=4)
    nbformat.validate(nb)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for line in ("optimizer.step()", "rng.permutation(m)", "torch.nn.Linear"):
        assert line in code
    assert json.loads(nbformat.writes(nb))["nbformat"] == 4


@pytest.mark.slow
def test_the_notebook_runs_under_nbclient(tmp_path):
    _torch_or_skip()
    if (
        importlib.util.find_spec("ipykernel") is None
        or importlib.util.find_spec("nbclient") is None
    ):
        reason = "nbclient or ipykernel is not installed (pip install -r requirements-dev.txt)"
        if IN_CI:
            pytest.fail(f"The notebook test must run under CI=true, but {reason}.")
        pytest.skip(reason)
    from nbclient import NotebookClient

    script, _ = _exported(dict(optimizer="momentum", batch=16), epochs=3)
    nb = nbformat.reads(script_to_notebook(script), as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert _gap("".join(outputs)) <= TOLERANCE
