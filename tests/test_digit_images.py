"""The digits are drawn from their raw 8×8 pixels (issue 15, item 9), not from the network's
standardized inputs: ``Dataset.images`` undoes the scaling, and the Playground's image panel
shows the stored pixels (0 … 16, over 16) with feature scaling on (the default)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from bp_core.presets import PRESETS
from bp_core.runs import RunSettings, build_run

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

APP = str(Path(__file__).resolve().parents[1] / "lab_ui" / "main.py")


def _digits(standardize: bool):
    values = {**PRESETS["ex4_digits"].settings, "standardize": standardize}
    values.pop("speed", None)
    return build_run(RunSettings.from_mapping(values)).dataset


def test_images_undo_the_scaling_to_the_raw_pixels():
    scaled, raw = _digits(True), _digits(False)
    assert scaled.standardizer is not None and raw.standardizer is None
    images = scaled.images(scaled.X_test[:20])  # (20, 8, 8)
    assert images.shape == (20, 8, 8)
    np.testing.assert_allclose(images, raw.X_test[:20].reshape(20, 8, 8), atol=1e-9)
    # the stored pixels 0 … 16, divided by 16 (the data set's own scale), before scaling
    assert images.min() >= -1e-9 and images.max() <= 1 + 1e-9
    np.testing.assert_allclose(16 * images, np.round(16 * images), atol=1e-9)
    with pytest.raises(ValueError, match="not made of images"):
        build_run(
            RunSettings.from_mapping({**PRESETS["xor_hidden_layer"].settings})
        ).dataset.images(np.zeros((1, 2)))


def _values(z) -> np.ndarray:
    """A plotly array as JSON has it: nested lists, or a typed array {dtype, bdata, shape}."""
    if isinstance(z, dict):
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"])).ravel()
    return np.asarray(z, dtype=float).ravel()


def test_the_playground_draws_the_raw_pixels():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["preset"] = "ex4_digits"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["standardize"] is True
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith("digits_images")]
    assert charts, [c.proto.id for c in at.get("plotly_chart")]
    spec = json.loads(charts[0].proto.spec)
    z = np.concatenate([_values(trace["z"]) for trace in spec["data"]])
    assert z.min() >= -1e-9 and z.max() <= 1 + 1e-9 and z.max() > 0.5  # scaled: −1.x … 5.x
    np.testing.assert_allclose(16 * z, np.round(16 * z), atol=1e-6)
