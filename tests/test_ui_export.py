"""The Playground's "Export and import" expander, driven with AppTest.

The download buttons exist with their mime types and file names (read where Streamlit keeps
a deferred download: ``MediaFileManager.add_deferred``, recorded by :func:`deferred`, the one
place that relies on it); a run file uploaded becomes the session's Lab (epoch, Θ) and the
sidebar's widgets show its settings; a bad file gets a message and changes nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from lab_ui.playground import runs
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema
from tests.apptest_helpers import ok, open_app, widget


@pytest.fixture
def deferred(monkeypatch):
    """Every deferred download registered during the runs: element id → (file name, mime,
    the callable).  Fails loudly if Streamlit renames the method or its parameters."""
    seen: dict[str, tuple[str, str, object]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, element_id=""):
        seen[element_id] = (file_name, mimetype, data_callable)
        return original(
            self, data_callable, mimetype, coordinates, file_name=file_name, element_id=element_id
        )

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return seen


EXPECTED = {
    "b_dl_json": (".json", "application/json"),
    "b_dl_npz": (".npz", "application/octet-stream"),
    "b_dl_history": ("_history.csv", "text/csv"),
    "b_dl_matrix": ("_Theta1.csv", "text/csv"),
    "b_dl_html": ("_figures.html", "text/html"),
    "b_dl_png_boundary": ("_boundary.png", "image/png"),
    "b_dl_png_maps": ("_maps.png", "image/png"),
    "b_dl_py": (".py", "text/x-python"),
    "b_dl_torch_py": ("_torch.py", "text/x-python"),
    "b_dl_torch_ipynb": ("_torch.ipynb", "application/x-ipynb+json"),
}
MAGIC = {
    ".npz": b"PK",
    ".png": b"\x89PNG",
    ".json": b"{",
    ".html": b"<!DOCTYPE html>",
    ".ipynb": b"{",
}


def test_the_download_buttons_have_their_files(deferred):
    at = open_app()
    assert any(e.label == "Export and import" for e in at.expander)
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(EXPECTED) <= set(buttons)
    by_key = {k: v for eid, v in deferred.items() for k in EXPECTED if eid.endswith(k)}
    assert set(by_key) == set(EXPECTED)
    for key, (ending, mime) in EXPECTED.items():
        name, got_mime, make = by_key[key]
        assert name == "backprop-lab_circle_epoch0" + ending and got_mime == mime, key
        data = make()
        magic = MAGIC.get("." + ending.rsplit(".", 1)[1])
        assert magic is None or data.startswith(magic), key
    assert buttons["b_dl_json"].proto.deferred_file_id  # nothing built on the page run
    code = [c.value for c in at.code if c.language == "python"]
    assert code and "run = build_run(settings)" in code[0]  # the script reads like the app
    assert code[0] == by_key["b_dl_py"][2]().decode().rstrip("\n")  # st.code drops the last \n


def test_the_matrix_picker_names_the_csv(deferred):
    at = open_app()
    at.selectbox(key="w_export_matrix").set_value(("delta", 3)).run()
    ok(at)
    names = [v[0] for eid, v in deferred.items() if eid.endswith("b_dl_matrix")]
    assert names[-1] == "backprop-lab_circle_epoch0_delta3.csv"


def _saved_run(kind: str) -> tuple[dict, bytes]:
    state: dict = {}
    schema.init_session(state, {})
    values = {
        "dataset": "spiral",
        "hidden": (5,),
        "acts": ("relu",),
        "alpha": 0.3,
        "batch": 16,
        "optimizer": "momentum",
        "lambda_": 0.01,
    }
    for k, v in values.items():
        schema.set_setting(state, k, v)
    lab = lab_mod.sync_lab(state)
    lab.trainer.run_epochs(3)
    run = runs.run_of(lab)
    return state, runs.run_json(run) if kind == "json" else runs.run_npz(run)


@pytest.mark.parametrize("kind", ["json", "npz"])
def test_importing_a_run_makes_the_lab_and_the_settings_match(kind):
    saved, data = _saved_run(kind)
    at = open_app()
    at.file_uploader(key="w_run_file").set_value((f"run.{kind}", data, "application/json")).run()
    ok(at)
    lab = at.session_state["lab"]
    want = saved["lab"]
    assert lab.trainer.epoch == 3 and lab.trainer.steps == want.trainer.steps
    for T, U in zip(lab.trainer.Theta, want.trainer.Theta, strict=True):
        assert np.array_equal(T, U)
    for k in ("dataset", "hidden", "acts", "alpha", "batch", "optimizer", "lambda_"):
        assert at.session_state[k] == saved[k], k
    # the widgets show them
    assert widget(at, "w_dataset").value == "spiral"
    assert widget(at, "w_alpha").value == 0.3
    assert widget(at, "w_optimizer").value == "momentum"
    assert widget(at, "w_units_0").value == 5 and widget(at, "w_act_0").value == "relu"
    assert any("Imported" in t.value for t in at.toast)
    # the next page run keeps it
    at.run()
    ok(at)
    assert at.session_state["lab"] is lab and lab.trainer.epoch == 3


@pytest.mark.parametrize(
    "data,words",
    [
        (b"not json at all", "not valid JSON"),
        (b'{"format": "backprop-lab-run", "version": 99}', "format version"),
        (b"PK\x03\x04broken", "not an .npz"),
    ],
)
def test_a_bad_file_gets_a_message_and_changes_nothing(data, words):
    at = open_app({"alpha": "0.3"})
    lab = at.session_state["lab"]
    Theta = [T.copy() for T in lab.trainer.Theta]
    at.file_uploader(key="w_run_file").set_value(("bad.json", data, "application/json")).run()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]  # Markdown escapes off
    assert any("was not imported" in w and words in w for w in warnings), warnings
    assert at.session_state["lab"] is lab and at.session_state["alpha"] == 0.3
    for T, U in zip(lab.trainer.Theta, Theta, strict=True):
        assert np.array_equal(T, U)


def test_a_run_downloaded_here_comes_back_with_every_setting(deferred):
    query = {"dataset": "spiral", "noise": "0.3", "seed": "12", "init": "he", "hidden": "5,3"}
    at = open_app(query)
    files = {k: v for eid, v in deferred.items() for k in EXPECTED if eid.endswith(k)}
    data = files["b_dl_npz"][2]()
    other = open_app()
    other.file_uploader(key="w_run_file").set_value(("r.npz", data, "application/zip")).run()
    ok(other)
    assert schema.settings_to_query(other.session_state) == schema.settings_to_query(
        at.session_state
    )
    for k in ("noise", "seed", "init"):
        assert widget(other, f"w_{k}").value == at.session_state[k], k


def test_the_pytorch_export_is_offered_after_training(deferred):
    """The PyTorch script of a trained run embeds the run's steps; its notebook is valid."""
    import nbformat

    at = open_app({"batch": "10", "optimizer": "momentum"})
    lab = at.session_state["lab"]
    lab.trainer.run_epochs(3)
    at.run()
    ok(at)
    made = {
        k: v for eid, v in deferred.items() for k in ("torch_py", "torch_ipynb") if eid.endswith(k)
    }
    script = made["torch_py"][2]().decode()
    assert f"STEPS = {lab.trainer.steps}" in script and "torch.optim.SGD(" in script
    nb = nbformat.reads(made["torch_ipynb"][2]().decode(), as_version=4)
    nbformat.validate(nb)
