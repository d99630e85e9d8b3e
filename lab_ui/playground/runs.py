"""Export and import of the Playground's run: what each download holds, and reading a file back.

Pure functions of the session's Lab and settings (a plain mapping stands in for
``st.session_state``); :mod:`lab_ui.playground.export_ui` draws the buttons.  Every number comes
from
``bp_core``: the run file (``bp_core.io``), the full-batch backprop (``bp_core.backprop``),
the boundary grid (``bp_core.grids``), the PNG encoder (``bp_core.io.png``) and the snippet
(``bp_core.io.snippet``).

The Playground settings travel with the run.  A run file holds the configuration, Θ, the
history, the data set, the optimizer's state and the training settings; the Playground
also writes its own data, network and training settings into the file's ``app_settings``
(:func:`playground_settings`), so the noise, the random seed and the initialization come
back too.  On import the settings are read from the run's records first (layers,
activations, head, α, λ, batch size, optimizer, data set, split, features, scaling) and the
rest from ``app_settings``; a file without them (written by bp_core alone) keeps the
session's noise, seed and initialization, and the notice says so.  They only matter when a
data or network setting is changed afterwards (the Lab is then rebuilt from the settings).

Every file name offered is built from our own words and the data set's registry name; a
CSV's file name is data and never goes into a file name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bp_core import backprop, build_run, encode_targets, grids
from bp_core import datasets as bp_datasets
from bp_core import io as bio
from bp_core.io import png
from bp_core.io.snippet import python_snippet
from bp_core.io.torch_script import torch_export_problem, torch_script
from bp_core.metrics import metric_named
from lab_ui.live import frames
from lab_ui.playground.notebook import script_to_notebook
from lab_ui.shared import figures, schema, text
from lab_ui.shared import lab as lab_mod
from lab_ui.shared.schema import CSV_DATASET

Lab = lab_mod.Lab

# ---------------------------------------------------------------------------------------------
# File names and the downloads offered
# ---------------------------------------------------------------------------------------------

#: mime type of each kind of file offered.
MIME = {
    "json": "application/json",
    "npz": "application/octet-stream",
    "csv": "text/csv",
    "html": "text/html",
    "png": "image/png",
    "py": "text/x-python",
    "ipynb": "application/x-ipynb+json",
}


def file_stem(run: Any) -> str:
    """The start of every file name: ``backprop-lab_<data>_epoch<n>``.

    ``run`` is a ``bp_core.io.Run`` or a Lab.  ``<data>`` is the data set's registry name
    (letters, digits, ``_``), or ``csv`` for an uploaded file, whose own name is data and
    never part of a file name.
    """
    name = run.dataset.name
    data = name if name in bp_datasets.DATASET_NAMES else "csv"
    epoch = run.epoch if isinstance(run, bio.Run) else run.trainer.epoch
    return f"backprop-lab_{data}_epoch{int(epoch)}"


@dataclass(frozen=True)
class Download:
    """One file offered: its button's label, file name, mime type, and how its bytes are
    made (called only when the student clicks: ``st.download_button(data=make)``)."""

    key: str
    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes]


# ---------------------------------------------------------------------------------------------
# The run file (bp_core.io)
# ---------------------------------------------------------------------------------------------


def playground_settings(state: Mapping[str, Any]) -> dict[str, Any]:
    """The Playground's data, network and training settings as plain values (a run file's
    ``app_settings``): every setting of those groups, lists for tuples."""
    return {
        s.name: list(state[s.name]) if isinstance(state[s.name], tuple) else state[s.name]
        for s in schema.SCHEMA
        if s.group in schema.NETWORK_GROUPS and s.name in state
    }


def run_of(lab: Lab, state: Mapping[str, Any] | None = None) -> bio.Run:
    """The Lab's run as ``bp_core.io`` saves it (Θ, history and optimizer state copied),
    with the Playground settings of ``state`` as its ``app_settings`` when given."""
    run = bio.run_from_trainer(lab.trainer, lab.dataset)
    if state is None:
        return run
    return dataclasses.replace(run, app_settings=playground_settings(state))


def run_json(run: bio.Run) -> bytes:
    """The run as a JSON file (``bp_core.io.to_json``), UTF-8."""
    return bio.to_json(run).encode("utf-8")


def run_npz(run: bio.Run) -> bytes:
    """The run as an .npz file (``bp_core.io.save_npz``: compressed arrays, no pickle)."""
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return buf.getvalue()


def json_too_big(lab: Lab) -> bool:
    """Whether the run is too big for a JSON file (estimated from its numbers, without
    writing it: at most about a third of ``MAX_JSON_VALUES`` and ~20 bytes a number)."""
    ds, tr = lab.dataset, lab.trainer
    numbers = sum(T.size for T in tr.Theta) + 2 * tr.cfg.n_weights
    numbers += sum(np.size(A) for A in (ds.X_train, ds.X_test, ds.y_train, ds.y_test))
    if ds.raw_train is not None:
        numbers += ds.raw_train.size + ds.raw_test.size
    numbers += len(tr.history) * (6 + 3 * tr.cfg.L)
    return numbers > bio.MAX_JSON_VALUES // 3 or 20 * numbers > bio.MAX_JSON_BYTES


def read_run(data: bytes, name: str = "") -> bio.Run:
    """A run from an uploaded file's bytes: an .npz (a zip: it starts with ``PK``) or JSON.

    Raises ValueError with ``bp_core.io``'s sentence for a file it refuses.
    """
    if data[:2] == b"PK":
        return bio.load_npz(data)
    return bio.from_json(data)


# ---------------------------------------------------------------------------------------------
# Import: the run becomes the session's Lab
# ---------------------------------------------------------------------------------------------

#: Settings no bp_core record holds: they come from the file's ``app_settings`` or, in a
#: file without them, keep the session's values on import.
NOT_IN_A_RUN = ("noise", "seed", "init")
NOT_IN_A_RUN_NOTE = (
    "A run file written by bp_core alone does not record the noise, the random seed or the "
    "initialization of Θ: the sidebar then keeps yours (they matter only when a data or "
    "network setting is changed)."
)


def settings_from_run(run: bio.Run, state: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The Playground settings that describe ``run``: (values, notes).

    The network and training settings must be ones the Playground offers (its widgets show
    them): one that is not (a layer of 64 units, α = 0.05) refuses the run with a
    ValueError saying which.  A data setting it cannot show (150 examples) keeps the
    session's value, with a note; the data themselves are the file's either way.  The
    file's ``app_settings`` give the rest (noise, seed, initialization); each is validated
    by its setting, and one that is refused or unknown is left out (with a note).
    """
    cfg, ts, ds = run.cfg, run.settings, run.dataset
    by = schema.BY_NAME
    notes: list[str] = []
    app: dict[str, Any] = {}
    for name, v in (run.app_settings or {}).items():
        s = by.get(name)
        if s is None or s.group not in schema.NETWORK_GROUPS:
            continue  # not a Playground setting of the run (a newer or another program's)
        try:
            app[name] = schema.validate(s, v)
        except ValueError as err:
            notes.append(f"The file's “{s.label}” was not used: {err}")
    strict = {
        "hidden": tuple(cfg.layer_sizes[1:-1]),
        "acts": tuple(cfg.activations),
        "output": cfg.output,
        "loss": cfg.loss,
        "alpha": ts.alpha,
        "lambda_": cfg.lambda_,
        "regularization": cfg.regularization,
        "batch": 0 if ts.batch_size is None else ts.batch_size,
        "optimizer": ts.optimizer,
    }
    values: dict[str, Any] = dict(app)  # the records below win over app_settings
    for name, v in strict.items():
        try:
            values[name] = schema.validate(by[name], v)
        except ValueError as err:
            raise ValueError(
                f"The Playground cannot show this run's network or training settings: {err}"
            ) from None
    info = bp_datasets.DATASET_INFO.get(ds.name)  # None: the data of a CSV file
    values["dataset"] = ds.name if info is not None else CSV_DATASET
    m = ds.m_train + ds.m_test
    soft: dict[str, Any] = {
        "train_pct": round(100 * ds.m_train / m) if m else state["train_pct"],
        "standardize": ds.standardizer is not None,
    }
    if info is not None and info.sized:
        soft["n_points"] = m
    if ds.plane_features:
        soft["features"] = tuple(ds.plane_features)
    if info is not None and info.classes_setting:
        soft["n_classes"] = ds.n_classes
    for name, v in soft.items():
        try:
            values[name] = schema.validate(by[name], v)
        except ValueError:
            values.pop(name, None)
            notes.append(
                f"The sidebar's “{by[name].label}” keeps your value: the run's "
                f"{text.quote(v)} is not one it offers (the data are the file's)."
            )
    if any(n not in values for n in NOT_IN_A_RUN):
        notes.append(NOT_IN_A_RUN_NOTE)
    return values, notes


def csv_bytes_of(dataset: Any) -> bytes:
    """A CSV file (features, then ``label``) of an imported CSV run's data, train rows then
    test rows, for when a data setting is changed later and the file must be read again.

    Plane data give their points; other data their feature columns before scaling.
    """
    if dataset.raw_train is not None:
        X = np.vstack([dataset.raw_train, dataset.raw_test])  # (m, 2)
        names = list(dataset.feature_names) if len(dataset.feature_names) == 2 else ["x1", "x2"]
        if tuple(dataset.plane_features) != ("x1", "x2"):
            names = ["x1", "x2"]
    else:
        X = np.vstack([dataset.X_train, dataset.X_test])  # (m, n), standardized or not
        if dataset.standardizer is not None:
            X = X * dataset.standardizer.std + dataset.standardizer.mean
        names = list(dataset.feature_names)
    y = np.concatenate([dataset.y_train, dataset.y_test])  # (m,)
    frame = pd.DataFrame(X, columns=names)
    if dataset.task == "classification" and dataset.class_names:
        frame["label"] = [dataset.class_names[int(k)] for k in y]
    else:
        frame["label"] = y
    return frame.to_csv(index=False).encode("utf-8")


def import_run(state: MutableMapping[str, Any], data: bytes, file_name: str) -> Lab:
    """Make the run in ``data`` the session's Lab: the same Θ, history, data and optimizer
    state, the settings set to describe it (:func:`settings_from_run`), signed so that the
    next :func:`lab_ui.shared.lab.sync_lab` keeps it.

    Everything is read and checked before anything changes: a file that is refused
    (ValueError, ``bp_core.io``'s sentence) leaves the session as it was.  Returns the new
    Lab; the notice for the page is put in ``state`` (:func:`lab_ui.shared.schema.note`).
    """
    run = read_run(data, file_name)
    values, notes = settings_from_run(run, state)
    ds = run.dataset
    seed = values.get("seed", state["seed"])
    try:
        trainer = bio.restore_trainer(run, np.random.default_rng([seed, 2]))
    except ValueError as err:
        raise ValueError(f"This file cannot be loaded as a Backprop Lab run: {err}") from None
    csv = None
    if values["dataset"] == CSV_DATASET:
        name = text.clip(ds.name, 80)
        token = hashlib.sha1(data).hexdigest()[:12]
        csv = lab_mod.CsvFile(name, token, csv_bytes_of(ds), ds, ())
    # -- from here on nothing is refused: the session changes
    for name, v in values.items():
        schema.set_setting(state, name, v)
    schema.set_setting(state, "preset", "")
    schema.drop_layer_widgets(state)
    if csv is not None:
        state["_csv"] = csv
        sig = lab_mod.data_sig(state)
        state["_csv"] = dataclasses.replace(csv, data_sig=sig)
    if state.get("example", 0) > ds.m_train:
        schema.set_setting(state, "example", 0)
    lab = lab_mod.adopt_lab(state, ds, trainer)
    state["lab"] = lab
    state["playing"] = False
    lab.note_edit(f"imported the run file {text.clip(file_name, 60)!r}")
    schema.note(
        state,
        f"Imported {text.quote(file_name)}: epoch {trainer.epoch}, {trainer.steps} gradient "
        f"steps, {text.architecture(trainer.cfg.layer_sizes)}.",
    )
    for n in notes:
        schema.note(state, n)
    return lab


# ---------------------------------------------------------------------------------------------
# CSV tables (pandas): the history and any matrix
# ---------------------------------------------------------------------------------------------


def history_table(history: Any) -> pd.DataFrame:
    """One row per recorded epoch: epoch, step, J train/test, the metric train/test, then
    ‖D^(l)‖ (l = 1 … L − 1), mean |δ^(l)| (l = 2 … L) and the saturation of hidden layer l
    (l = 2 … L − 1); empty cells where a value was not recorded."""
    metric = metric_named(history.metric_name).file_name
    cols: dict[str, Any] = {
        "epoch": history.epoch,
        "step": history.step,
        "J_train": history.J_train,
        "J_test": history.J_test,
        f"{metric}_train": history.metric_train,
        f"{metric}_test": history.metric_test,
    }
    n = len(history.epoch)
    tables = (
        ("norm_D({})", history.grad_norm, 1),
        ("mean_abs_delta({})", history.mean_abs_delta, 2),
        ("saturation({})", history.saturation, 2),
    )
    for fmt, rows, first in tables:
        width = max((len(r) for r in rows), default=0)
        for c in range(width):
            cols[fmt.format(first + c)] = [
                rows[i][c] if i < len(rows) and c < len(rows[i]) else np.nan for i in range(n)
            ]
    return pd.DataFrame(cols)


#: The matrices a student can download, by key: (name in the file, course symbol, what).
MATRICES: dict[str, tuple[str, str, str]] = {
    "Theta": ("Theta", "Θ", "weights"),
    "Delta": ("Delta", "Δ", "accumulated gradient Σᵢ δ⁽ˡ⁺¹⁾ (a⁽ˡ⁾)ᵀ"),
    "D": ("D", "D", "gradient ∂J/∂Θ"),
    "a": ("a", "a", "activations, one row per training example"),
    "delta": ("delta", "δ", "error terms, one row per training example"),
}


def matrix_choices(L: int) -> list[tuple[str, int]]:
    """Every (kind, l) a network of L layers has: Θ, Δ, D for l = 1 … L − 1, a for
    l = 1 … L, δ for l = 2 … L (course numbering)."""
    out = [(k, l) for k in ("Theta", "Delta", "D") for l in range(1, L)]
    out += [("a", l) for l in range(1, L + 1)] + [("delta", l) for l in range(2, L + 1)]
    return out


def matrix_label(kind: str, l: int) -> str:
    """How a choice reads in the select box: "Θ⁽²⁾ — weights"."""
    _, sym, what = MATRICES[kind]
    return f"{text.sup(sym, l)} — {what}"


def matrix_table(run: bio.Run, kind: str, l: int) -> pd.DataFrame:
    """A matrix of the run's full-batch backprop on its training set, in course numbering.

    Θ^(l), Δ^(l), D^(l): one row per unit j = 1 … s_{l+1} (first column ``j``), one column
    per k = 0 (bias) … s_l, headed ``Theta(l)_j,0 (bias)``, ``Theta(l)_j,1``, …
    a^(l), δ^(l): one row per training example i = 1 … m (first column ``i``), one column
    per unit j, headed ``a(l)_1``, …
    """
    cfg, ds = run.cfg, run.dataset
    if kind not in MATRICES or (kind, l) not in matrix_choices(cfg.L):
        raise ValueError(f"There is no {kind}({l}) in a {cfg.L}-layer network.")
    name = MATRICES[kind][0]
    if kind == "Theta":
        M = run.Theta[l - 1]  # (s_{l+1}, s_l + 1)
    else:
        Y = encode_targets(cfg, ds.y_train, ds.task)  # (m, s_L)
        trace = backprop(cfg, run.Theta, ds.X_train, Y)  # the whole training set
        M = {"Delta": trace.Delta, "D": trace.D, "a": trace.a, "delta": trace.delta}[kind][l - 1]
    M = np.asarray(M, dtype=np.float64)
    if kind in ("a", "delta"):  # (m, s_l)
        frame = pd.DataFrame(M, columns=[f"{name}({l})_{j}" for j in range(1, M.shape[1] + 1)])
        frame.insert(0, "i", np.arange(1, M.shape[0] + 1))
        return frame
    columns = [f"{name}({l})_j,{k}" + (" (bias)" if k == 0 else "") for k in range(M.shape[1])]
    frame = pd.DataFrame(M, columns=columns)
    frame.insert(0, "j", np.arange(1, M.shape[0] + 1))
    return frame


def table_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV text (UTF-8; floats written exactly, so they read back bit for bit)."""
    return frame.to_csv(index=False, float_format=None).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Figures (standalone HTML) and images (PNG)
# ---------------------------------------------------------------------------------------------

#: Grid points per side of the exported boundary picture and of each neuron map.
EXPORT_RES, MAPS_RES = 100, 40


def export_grid(run: bio.Run, res: int):
    """(boundary_part, forward trace on the grid), or None when the data are no plane."""
    ds = run.dataset
    if ds.raw_train is None:
        return None
    extent = frames.plane_extent(ds)
    trace = grids.grid_forward(run.cfg, run.Theta, ds.inputs_from_plane, extent, res)
    return frames.boundary_part(run.cfg, ds, trace.a[-1], extent, res), trace


def boundary_png(run: bio.Run, state: Mapping[str, Any]) -> bytes:
    """The decision boundary with the data points as a PNG (400 × 400 pixels, the live
    view's colours; test points when the view shows them).  ValueError without a plane."""
    grid = export_grid(run, EXPORT_RES)
    if grid is None:
        raise ValueError("These data are not points of a plane: there is no boundary to draw.")
    part, trace = grid
    img = figures.boundary_image(
        part,
        trace.a[-1],
        run.dataset,
        discretize=bool(state.get("discretize")) and run.dataset.task == "classification",
        show_test=bool(state.get("show_test", True)),
    )
    return png.encode_png(img)


def maps_png(run: bio.Run) -> bytes:
    """Every unit's a^(l)_j over the plane (l = 2 … L, one row of tiles a layer) as a PNG."""
    grid = export_grid(run, MAPS_RES)
    if grid is None:
        raise ValueError("These data are not points of a plane: there are no maps to draw.")
    _, trace = grid
    maps = frames.maps_part(run.cfg, trace.a, MAPS_RES)
    for layer, a in zip(maps["layers"], trace.a[1:], strict=True):
        layer["values"] = a.T.reshape(a.shape[1], MAPS_RES, MAPS_RES)  # (s_l, res, res)
    return png.encode_png(figures.maps_image(maps))


def current_figures(run: bio.Run, state: Mapping[str, Any]) -> list:
    """The Playground's figures of the run: the decision boundary with the points (plane
    data only), the network with its weights, and the cost / metric curves."""
    ds, cfg = run.dataset, run.cfg
    out = []
    grid = export_grid(run, EXPORT_RES)
    if grid is not None:
        part, trace = grid
        out.append(
            figures.boundary_figure(
                part,
                trace.a[-1],
                ds,
                discretize=bool(state.get("discretize")) and ds.task == "classification",
                show_test=bool(state.get("show_test", True)),
                title=f"{part['title']}<br><sup>epoch {run.epoch}</sup>",
            )
        )
    out.append(
        figures.weights_figure(
            cfg.layer_sizes,
            run.Theta,
            [frames.pretty_feature(n) for n in ds.feature_names],
            frames.output_names(ds, cfg.layer_sizes[-1]),
        )
    )
    out.append(figures.history_figure(run.history, bool(state.get("log_cost"))))
    return out


def figures_html(run: bio.Run, state: Mapping[str, Any]) -> bytes:
    """The run's figures as one standalone HTML page (plotly.js inside it, no CDN)."""
    title = f"Backprop Lab: {text.architecture(run.cfg.layer_sizes)} at epoch {run.epoch}"
    note = f"{run.steps} gradient steps. Data: {text.clip(run.dataset.name)}. "
    note += figures.PALETTE_NOTE
    return figures.standalone_html(current_figures(run, state), title, note).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The Python snippet (bp_core.io.snippet)
# ---------------------------------------------------------------------------------------------


#: A CSV file name the script spells out: at most 40 letters, digits, spaces, ``_ - . ( )``.
PLAIN_FILE_NAME = re.compile(r"[\w .()-]{1,40}")


def snippet(lab: Lab, state: Mapping[str, Any]) -> str:
    """The Python script that trains this Lab's network from its settings with bp_core.

    The settings are the ones the Lab was built with (``Lab.settings``: a change the Lab
    refused is not in them).  Its Θ equals the Lab's when the Lab was trained by its settings
    only; otherwise (a run imported or edited by hand) its first comments say why it may
    differ.
    """
    settings = lab.settings if lab.settings is not None else lab_mod.run_settings(state)
    notes = []
    if lab.edits:
        notes = [
            "Note: this run was also changed by hand, which the script cannot repeat, so its",
            "Θ may differ from the Lab's. Changes: " + "; ".join(str(e) for e in lab.edits[-5:]),
        ]
    csv_file, csv_features = None, None
    if settings.dataset == CSV_DATASET:  # the data of the uploaded file, read by its name
        csv = state.get("_csv")
        csv_file = lab.dataset.name
        if csv is not None and csv.planar and csv.data_sig != lab_mod.data_sig(state):
            csv_features = tuple(state["features"])  # read again with the feature map
        if not PLAIN_FILE_NAME.fullmatch(csv_file):
            # a name is the student's data: written into the script only when short and plain
            notes.append(
                "Save your CSV file as data.csv beside this script: its own name is too long "
                "or unusual to write here."
            )
            csv_file = "data.csv"
    return python_snippet(
        settings,
        epochs=int(lab.trainer.epoch),
        steps=int(lab.trainer.steps),
        csv_file=csv_file,
        csv_features=csv_features,
        notes=notes,
    )


def pytorch_problem(lab: Lab) -> str | None:
    """Why this run cannot be exported to PyTorch (a sentence), or None."""
    return torch_export_problem(lab.cfg, lab.trainer.settings)


def pytorch_script(lab: Lab, state: Mapping[str, Any]) -> str:
    """A standalone PyTorch script (``bp_core.io.torch_script``) that trains this Lab's
    network from its first Θ with the same data, rule, constants and mini-batch order, and
    prints how far its Θ ends from the Lab's.  The first Θ and the batch order are the ones
    ``build_run`` draws from the Lab's settings; a run changed by hand (or imported) says so
    in its first comments.  Raises ValueError when a part has no PyTorch form."""
    settings = lab.settings if lab.settings is not None else lab_mod.run_settings(state)
    tr = lab.trainer
    start = build_run(settings, lab.dataset)  # Θ before the first step, from the seed
    notes = []
    if lab.edits:
        notes = [
            "Note: this run was also changed by hand, which the script cannot repeat, so its",
            "Θ may end far from Backprop Lab's. Changes: "
            + "; ".join(text.clip(str(e), 80) for e in lab.edits[-5:]),
        ]
    return torch_script(
        lab.cfg,
        tr.settings,
        start.trainer.Theta,
        tr.X_train,
        tr.Y_train,
        (int(settings.seed), 2),
        int(tr.steps),
        tr.Theta,
        notes,
    )


def pytorch_notebook(lab: Lab, state: Mapping[str, Any]) -> bytes:
    """:func:`pytorch_script` as a Jupyter notebook (``nbformat``), UTF-8 JSON."""
    return script_to_notebook(pytorch_script(lab, state)).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Everything offered
# ---------------------------------------------------------------------------------------------


def downloads(lab: Lab, state: Mapping[str, Any], matrix: tuple[str, int]) -> list[Download]:
    """Every file the Export expander offers, each made only when asked for.

    The run is copied now (cheap: Θ, the history and the optimizer state), and every file
    is made from that copy when its button is clicked: whatever the Lab has done since, a
    file holds what the page showed, and its name says that epoch.  ``matrix`` is the
    (kind, l) the student picked.
    """
    run = run_of(lab, state)
    stem = file_stem(run)
    kind, l = matrix
    view = {k: state.get(k) for k in ("discretize", "show_test", "log_cost")}
    name = MATRICES[kind][0]
    items = [
        Download("json", "Run (.json)", f"{stem}.json", MIME["json"], lambda: run_json(run)),
        Download("npz", "Run (.npz)", f"{stem}.npz", MIME["npz"], lambda: run_npz(run)),
        Download(
            "history",
            "History (.csv)",
            f"{stem}_history.csv",
            MIME["csv"],
            lambda: table_csv(history_table(run.history)),
        ),
        Download(
            "matrix",
            f"{name}({l}) (.csv)",
            f"{stem}_{name}{l}.csv",
            MIME["csv"],
            lambda: table_csv(matrix_table(run, kind, l)),
        ),
        Download(
            "html",
            "Figures (.html)",
            f"{stem}_figures.html",
            MIME["html"],
            lambda: figures_html(run, view),
        ),
    ]
    if run.dataset.raw_train is not None:
        items += [
            Download(
                "png_boundary",
                "Decision boundary (.png)",
                f"{stem}_boundary.png",
                MIME["png"],
                lambda: boundary_png(run, view),
            ),
            Download(
                "png_maps",
                "Neuron maps (.png)",
                f"{stem}_maps.png",
                MIME["png"],
                lambda: maps_png(run),
            ),
        ]
    return items


__all__ = [
    "Download",
    "EXPORT_RES",
    "MAPS_RES",
    "MATRICES",
    "MIME",
    "NOT_IN_A_RUN",
    "NOT_IN_A_RUN_NOTE",
    "playground_settings",
    "boundary_png",
    "csv_bytes_of",
    "current_figures",
    "downloads",
    "pytorch_notebook",
    "pytorch_script",
    "pytorch_problem",
    "export_grid",
    "figures_html",
    "file_stem",
    "history_table",
    "import_run",
    "json_too_big",
    "maps_png",
    "matrix_choices",
    "matrix_label",
    "matrix_table",
    "read_run",
    "run_json",
    "run_npz",
    "run_of",
    "settings_from_run",
    "snippet",
    "table_csv",
]
