"""bp_core.io.snippet: the Python script reproduces the Lab's run, Θ bit for bit.

Each case builds a Lab from Playground settings (``lab_ui.shared.lab``), trains it a number of
gradient steps, writes its script (``lab_ui.playground.runs.snippet`` → ``python_snippet``),
runs the script in a fresh Python process and compares the final Θ with the Lab's
(``np.array_equal``: the same arithmetic in the same order gives the same bits).  The script
reads like the app: one ``RunSettings`` and bp_core's ``build_run``.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bp_core import PRESETS, RunSettings
from bp_core.io.snippet import python_snippet
from lab_ui.playground import runs
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ROOT = Path(__file__).resolve().parents[1]

DUMP = """
np.savez({out!r}, *trainer.Theta, steps=trainer.steps, epoch=trainer.epoch)
"""


def _session(**values) -> dict:
    state: dict = {}
    schema.init_session(state, {})
    for k, v in values.items():
        schema.set_setting(state, k, v)
    lab_mod.sync_lab(state)
    return state


def _run_script(code: str, tmp_path: Path) -> dict:
    out = tmp_path / "theta.npz"
    script = tmp_path / "snippet.py"
    script.write_text(code + DUMP.format(out=str(out)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


def _assert_same_theta(lab, got: dict) -> None:
    assert int(got["steps"]) == lab.trainer.steps
    assert int(got["epoch"]) == lab.trainer.epoch
    for l, T in enumerate(lab.trainer.Theta):
        assert np.array_equal(got[f"arr_{l}"], T), f"Θ^({l + 1}) differs"


CASES = [
    # the course's defaults: circle, 2-4-2-1 sigmoid, full batch, gd
    ({}, 7),
    # mini-batches (the trainer's generator), Adam, tanh/ReLU, λ, L1, features, no scaling
    (
        {
            "dataset": "spiral",
            "noise": 0.2,
            "n_points": 200,
            "seed": 11,
            "features": ("x1", "x2", "x1^2"),
            "standardize": False,
            "hidden": (5, 3),
            "acts": ("tanh", "relu"),
            "init": "he",
            "alpha": 0.01,
            "lambda_": 0.01,
            "regularization": "l1",
            "batch": 16,
            "optimizer": "adam",
        },
        23,  # 100 training examples in 7 mini-batches of 16: 3 epochs and 2 steps of the 4th
    ),
    # blobs, K = 4 classes with softmax, momentum
    (
        {
            "dataset": "blobs",
            "n_classes": 4,
            "output": "softmax",
            "loss": "cross_entropy",
            "optimizer": "momentum",
            "alpha": 0.1,
            "batch": 32,
            "train_pct": 70,
        },
        15,
    ),
]


@pytest.mark.parametrize("values,steps", CASES)
def test_the_snippet_reproduces_theta(values, steps, tmp_path):
    state = _session(**values)
    lab = state["lab"]
    for _ in range(steps):
        lab.trainer.step()
    code = runs.snippet(lab, state)
    tree = ast.parse(code)
    # it reads like the app: one RunSettings, then bp_core's one builder
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert "RunSettings" in calls and "build_run" in calls
    assert "NetConfig" not in code and "init_weights" not in code
    _assert_same_theta(lab, _run_script(code, tmp_path))


def test_a_csv_run_loads_the_file_by_its_name(tmp_path):
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, size=(120, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    rows = (f"{float(a)!r},{float(b)!r},{c}\n" for (a, b), c in zip(X, y, strict=True))
    body = "x1,x2,label\n" + "".join(rows)
    name = "my data.csv"
    state = _session(seed=4, batch=8)
    csv = lab_mod.load_csv_file(state, body.encode(), name)
    state["_csv"] = csv
    schema.set_setting(state, "dataset", schema.CSV_DATASET)
    lab = lab_mod.sync_lab(state)
    assert lab.dataset is csv.dataset
    for _ in range(20):
        lab.trainer.step()
    code = runs.snippet(lab, state)
    assert "# The data: the CSV file you uploaded, read by its file name" in code
    assert "Path('my data.csv')" in code
    (tmp_path / name).write_text(body, encoding="utf-8")
    _assert_same_theta(lab, _run_script(code, tmp_path))


def test_a_hand_edit_is_said_in_a_comment_and_names_stay_quoted():
    state = _session()
    lab = state["lab"]
    lab.note_edit("imported the run file 'x\nimport os; os.system(\"echo hi\")'")
    code = runs.snippet(lab, state)
    tree = ast.parse(code)
    assert "changed by hand" in code
    # the edit's text is in a comment, never a statement: the only imports are ours
    imports = {
        a.name if isinstance(n, ast.Import) else n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in getattr(n, "names", [])
    }
    assert imports <= {"numpy", "bp_core", "bp_core.training"}
    assert not any(
        isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system" for n in ast.walk(tree)
    )


def _settings(**changes) -> RunSettings:
    return RunSettings.from_mapping({**PRESETS["xor_hidden_layer"].settings, **changes})


def test_a_csv_name_is_a_python_string_not_code():
    evil = "x.csv')\nimport os\nos.system('echo pwned')\n#"
    code = python_snippet(_settings(dataset="csv"), csv_file=evil, epochs=0)
    tree = ast.parse(code)
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert evil in strings
    assert "import os" not in [ast.unparse(n) for n in tree.body]


def test_every_setting_is_written_and_no_optimizer_constant():
    code = python_snippet(_settings(alpha=0.3), epochs=4)
    assert "alpha=0.3," in code and "momentum" not in code
    for name in RunSettings.__dataclass_fields__:
        assert f"    {name}=" in code, name
    assert "trainer.run_epochs(4)" in code
    with pytest.raises(ValueError, match="epochs"):
        python_snippet(_settings(), epochs=-1)
    with pytest.raises(ValueError, match="RunSettings"):
        python_snippet(PRESETS["xor_hidden_layer"].settings, epochs=1)


def test_a_refused_change_is_not_in_the_script(tmp_path):
    """The settings ask for a network the Lab refused (a linear output with cross-entropy):
    the Lab keeps its network, and the script is the Lab's, not the refused settings'."""
    state = _session()
    lab = state["lab"]
    schema.set_setting(state, "output", "linear")
    assert lab_mod.sync_lab(state) is lab and lab.problem
    for _ in range(5):
        lab.trainer.step()
    code = runs.snippet(lab, state)
    assert "output='sigmoid'," in code
    _assert_same_theta(lab, _run_script(code, tmp_path))
