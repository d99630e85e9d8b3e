"""The session's Lab: the data set, the network and its trainer that the settings describe.

One :class:`Lab` per session lives in ``st.session_state["lab"]``; every page gets it from
:func:`sync_lab`, which brings it in line with the settings (:mod:`lab_ui.shared.schema`).
The settings become a network in bp_core's one builder, ``bp_core.build_run``
(:func:`run_settings` reads them as its ``RunSettings``):

* a data setting changed → new data set, new Θ, new history;
* a network setting changed → same data, new Θ, new history;
* λ or the regularization (L2 / L1) changed → same Θ and history (``Trainer.with_lambda``,
  ``Trainer.with_regularization``: training settings, even though bp_core keeps them in the
  ``NetConfig``);
* α, batch size or optimizer changed → same Θ and history (``Trainer.with_settings``).

An uploaded CSV file is parsed once, on upload, into a ``Dataset`` (:class:`CsvFile`), and
the first Lab on it uses that Dataset.  No streamlit import: the state is a plain mapping.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bp_core import (
    BackpropTrace,
    NetConfig,
    RunSettings,
    backprop,
    build_run,
    csv_dataset,
    decode_outputs,
)
from bp_core import datasets as bp_datasets
from bp_core.examples import examples
from bp_core.gradcheck import SampledCheck, sampled_gradient_check
from bp_core.metrics import metric_named
from bp_core.presets import PRESETS
from bp_core.runs import RUN_SETTINGS
from bp_core.training import Trainer
from lab_ui.shared import schema, text
from lab_ui.shared.schema import CSV_DATASET, SCHEMA


@dataclass
class Lab:
    """Everything one session trains and shows.  Lives in ``st.session_state["lab"]``.

    ``cache`` holds results the pages reuse while the network is unchanged (keyed by what
    they depend on, see :func:`memo`).
    """

    data_sig: tuple
    net_sig: tuple
    train_sig: tuple
    dataset: Any  # bp_core.datasets.Dataset
    cfg: NetConfig
    trainer: Trainer
    uirev: str
    built_at: float = field(default_factory=time.time)
    rev: int = 0  # frames sent
    problem: str = ""  # why the last requested change could not be applied (Markdown-safe)
    cache: dict = field(default_factory=dict)
    #: What was done by hand since the Lab was built (points drawn, a weight edited, a
    #: setting changed mid-run), one short plain sentence each, newest last, at most 20.  A
    #: link replays the settings from epoch 0, so it cannot bring these back: the page says so.
    edits: list = field(default_factory=list)
    #: The training settings the Lab was built with (``bp_core.RunSettings``), kept up to date
    #: with α, λ, batch size and optimizer; None for a run imported from a file whose settings
    #: the session cannot describe.  A refused change leaves them (and the network) as they were.
    settings: RunSettings | None = None
    #: The trainer's step count at the last hand edit (None: none yet).  Until the trainer
    #: records its next row, the status line measures J and the metric now, on the data and
    #: Θ as edited (:func:`measured_now`), not the row recorded before the edit.
    edited_at: int | None = None

    def note_edit(self, what: str) -> None:
        """Record one hand edit (see ``edits`` and ``edited_at``)."""
        self.edits = [*self.edits[-19:], what]
        self.edited_at = self.trainer.steps


@dataclass(frozen=True)
class CsvFile:
    """An uploaded CSV file: its name and bytes, and the Dataset it was parsed into once.

    ``data_sig`` is the data settings the Dataset was made with; other settings (a new
    split, scaling or feature map) read the kept bytes again.
    """

    name: str
    token: str
    data: bytes
    dataset: Any  # bp_core.datasets.Dataset
    data_sig: tuple

    @property
    def planar(self) -> bool:
        return self.dataset.raw_train is not None

    @property
    def task(self) -> str:
        return self.dataset.task


# ---------------------------------------------------------------------------------------------
# The course's rules the settings follow
# ---------------------------------------------------------------------------------------------


def head_for_task(task: str) -> tuple[str, str]:
    """The course's output unit and loss for a kind of problem: (output, loss), by the one
    rule ``bp_core.datasets.default_head``."""
    return tuple(bp_datasets.default_head(task))


def head_of(state: Mapping[str, Any], name: str) -> tuple[str, str]:
    """The output unit and loss a data set starts with: its registry entry's ``head`` (the
    CSV file's: its task's)."""
    info = bp_datasets.DATASET_INFO.get(name)
    return tuple(info.head) if info is not None else head_for_task(task_of(state, name))


def task_of(state: Mapping[str, Any], name: str) -> str:
    """Classification or regression, for a data set name (the CSV file's own task)."""
    if name == CSV_DATASET:
        csv = state.get("_csv")
        return csv.task if csv is not None else "classification"
    return bp_datasets.TASKS.get(name, "classification")


def apply_head(
    state: MutableMapping[str, Any], task: str, head: tuple[str, str] | None = None
) -> str:
    """Set output and loss to ``head`` (default: the course's for ``task``, see
    :func:`head_of` for a data set's own); returns the notice saying so, or ""."""
    output, loss = head_for_task(task) if head is None else head
    if (state["output"], state["loss"]) == (output, loss):
        return ""
    schema.set_setting(state, "output", output)
    schema.set_setting(state, "loss", loss)
    labels = schema.BY_NAME["output"].fmt, schema.BY_NAME["loss"].fmt
    return f"Output unit set to {labels[0](output)} with {labels[1](loss)} for a {task} problem."


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _sig(state: Mapping[str, Any], group: str, skip: tuple[str, ...] = ()) -> tuple:
    return tuple((s.name, state[s.name]) for s in SCHEMA if s.group == group and s.name not in skip)


def data_sig(state: Mapping[str, Any]) -> tuple:
    """What the data set depends on (the CSV file's hash included)."""
    sig = _sig(state, "data")
    if state["dataset"] == CSV_DATASET:
        csv = state.get("_csv")
        sig += (("csv", csv.token if csv is not None else None),)
    return sig


def _net_sig(state: Mapping[str, Any]) -> tuple:
    return _sig(state, "net")


def _train_sig(state: Mapping[str, Any]) -> tuple:
    return _sig(state, "train")


def run_settings(state: Mapping[str, Any]) -> RunSettings:
    """The session's training settings as bp_core's one record (``bp_core.RunSettings``),
    with one activation per hidden layer (:func:`lab_ui.shared.schema.fit_acts`).
    Raises ValueError."""
    values = {name: state[name] for name in RUN_SETTINGS}
    values["acts"] = schema.fit_acts(state["hidden"], state["acts"])
    return RunSettings.from_mapping(values)


def read_csv(
    state: Mapping[str, Any], data: bytes, name: str, features: tuple[str, ...] | None = None
) -> Any:
    """Parse CSV bytes with the session's split, seed and scaling (``bp_core.csv_dataset``).

    Raises ValueError (bp_core's message) for a file it refuses.
    """
    return csv_dataset(run_settings(state), data, features)


def load_csv_file(state: MutableMapping[str, Any], data: bytes, name: str) -> CsvFile:
    """Parse an uploaded file once and keep it: returns the CsvFile (not yet selected).

    Raises ValueError, quoting the file's own text as bp_core read it.
    """
    token = hashlib.sha1(data).hexdigest()[:12]
    ds = read_csv(state, data, name)
    ds = dataclasses.replace(ds, name=name)
    sig = dict(data_sig(state))
    sig.update(dataset=CSV_DATASET, features=("x1", "x2"), csv=token)
    return CsvFile(name, token, data, ds, tuple(sig.items()))


def session_dataset(state: Mapping[str, Any]) -> Any | None:
    """The data the settings name when bp_core cannot make them from the settings alone —
    the uploaded CSV file's (parsed once, on upload; read again for other data settings) —
    or None for a registered data set (``bp_core.build_run`` makes it).  Raises ValueError."""
    if state["dataset"] != CSV_DATASET:
        return None
    csv: CsvFile | None = state.get("_csv")
    if csv is None:
        raise ValueError("No CSV file is loaded; upload one first.")
    if csv.data_sig == data_sig(state):
        return csv.dataset  # parsed once, on upload
    feats = tuple(state["features"]) if csv.planar else None
    ds = read_csv(state, csv.data, csv.name, feats)
    return dataclasses.replace(ds, name=csv.name)


def build_lab(state: Mapping[str, Any], dataset: Any | None = None) -> Lab:
    """A fresh Lab from the settings (new Θ from the seed, empty history): ``bp_core.build_run``
    on the session's settings and data (``dataset``, else :func:`session_dataset`).
    Raises ValueError."""
    if dataset is None:
        dataset = session_dataset(state)
    run = build_run(run_settings(state), dataset)
    dsig, nsig = data_sig(state), _net_sig(state)
    uirev = f"{abs(hash((dsig, nsig))):x}"
    lab = Lab(dsig, nsig, _train_sig(state), run.dataset, run.cfg, run.trainer, uirev)
    lab.settings = run.settings
    return lab


def sync_lab(state: MutableMapping[str, Any]) -> Lab:
    """Bring the session's Lab in line with the settings; return it.

    A change bp_core refuses (ValueError) leaves the old Lab running and puts the
    student-facing reason in ``lab.problem``.  The very first Lab falls back to the
    defaults if the settings are refused.
    """
    lab: Lab | None = state.get("lab")
    if lab is None:
        try:
            lab = build_lab(state)
        except ValueError as err:
            for s in SCHEMA:
                if s.group in schema.NETWORK_GROUPS:
                    state[s.name] = s.default
            lab = build_lab(state)
            lab.problem = f"{text.plain(err)} The default settings are used instead."
        state["lab"] = lab
        _check_example(state, lab)
        return lab
    lab.problem = ""
    dsig, nsig, tsig = data_sig(state), _net_sig(state), _train_sig(state)
    try:
        if dsig != lab.data_sig:
            new = build_lab(state)
        elif nsig != lab.net_sig:
            new = build_lab(state, lab.dataset)
        elif tsig != lab.train_sig:
            new = lab
            # refused (ValueError) before anything changes
            described = run_settings(state)
            settings = described.train_settings(lab.cfg, lab.dataset.m_train)
            # refused (ValueError) before anything changes, like the settings above
            dataclasses.replace(lab.cfg, regularization=state["regularization"])
            lab.trainer.with_lambda(state["lambda_"])  # keeps Θ and the history
            lab.trainer.with_regularization(state["regularization"])  # keeps Θ and the history
            if settings != lab.trainer.settings:
                lab.trainer.with_settings(settings)
            lab.cfg = lab.trainer.cfg
            lab.settings = described
            if lab.trainer.steps:  # mid-run: a link replays only the settings as they are now
                _note_setting_changes(lab, dict(lab.train_sig), dict(tsig))
            lab.train_sig = tsig
            lab.cache.clear()
        else:
            return lab
    except ValueError as err:
        lab.problem = f"{text.plain(err)} The network was not changed."
        return lab
    if new is not lab:
        if dsig != lab.data_sig:
            state["playing"] = False
        state["lab"] = new
        _check_example(state, new)
    return new


def _note_setting_changes(lab: Lab, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """One ``lab.note_edit`` per training setting changed mid-run ("α set to 0.3 at epoch 12")."""
    for name, value in new.items():
        if old.get(name) != value:
            s = schema.BY_NAME[name]
            shown = s.fmt(value) if s.fmt is not None else str(value)
            lab.note_edit(f"{s.label} set to {shown} at epoch {lab.trainer.epoch}.")


def _check_example(state: MutableMapping[str, Any], lab: Lab) -> None:
    """An ``example`` beyond the training set falls back to 0 (the whole batch), with a note."""
    i, m = state.get("example", 0), lab.dataset.m_train
    if i > m:
        schema.set_setting(state, "example", 0)
        state["_url_notes"] = [
            *state.get("_url_notes", []),
            f"Example i = {text.quote(i)} is beyond the {m} training examples: the diagram "
            "shows the whole batch (i = 0) instead.",
        ]


def adopt_lab(state: Mapping[str, Any], dataset: Any, trainer: Trainer) -> Lab:
    """A Lab around a trainer made elsewhere (an imported run), signed with the settings as
    they are now, so :func:`sync_lab` keeps it.  Set the settings to describe it first."""
    dsig, nsig = data_sig(state), _net_sig(state)
    uirev = f"{abs(hash((dsig, nsig, time.time_ns()))):x}"  # a new picture: the view resets
    lab = Lab(dsig, nsig, _train_sig(state), dataset, trainer.cfg, trainer, uirev)
    try:
        lab.settings = run_settings(state)
    except ValueError:
        lab.settings = None  # settings the session cannot describe (a script then says so)
    return lab


def reset_lab(state: MutableMapping[str, Any]) -> Lab:
    """Back to epoch 0: the same data, Θ drawn again from the same seed."""
    new = build_lab(state, state["lab"].dataset)
    state["lab"] = new
    state["playing"] = False
    return new


def memo(lab: Lab, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` while the network is unchanged (the gradient check is
    costly: pages ask again on every run).  The trainer's step count is part of the key."""
    full = (lab.trainer.steps, lab.trainer.cfg, *key)
    if full not in lab.cache:
        if len(lab.cache) > 16:
            lab.cache.clear()
        lab.cache[full] = compute()
    return lab.cache[full]


# ---------------------------------------------------------------------------------------------
# What the pages compute on the Lab (course numbering in, bp_core's indices inside)
# ---------------------------------------------------------------------------------------------


def example_rows(lab: Lab, first: int, count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Training examples i = first … first + count − 1 (the course counts from 1) and their
    encoded targets: X of shape (k, s_1), Y of shape (k, s_L)."""
    tr = lab.trainer
    return examples(lab.cfg, tr.X_train, tr.y_train, tr.task, int(first) - 1, int(count))


def training_trace(lab: Lab) -> BackpropTrace:
    """Backprop on the whole training set at the current Θ (computed once per Θ)."""
    tr = lab.trainer
    return memo(lab, ("trace",), lambda: backprop(lab.cfg, tr.Theta, tr.X_train, tr.Y_train))


def gradient_check(lab: Lab, bug: str | None, m: int) -> SampledCheck:
    """The course's gradient check on the first ``m`` training examples, with a planted bug
    or none (computed once per Θ, bug and m: it takes up to ~2 s)."""
    X, Y = example_rows(lab, 1, m)
    return memo(
        lab,
        ("check", bug, m),
        lambda: sampled_gradient_check(lab.cfg, lab.trainer.Theta, X, Y, bug=bug),
    )


def weight_contributions(lab: Lab, weight: tuple[int, int, int], m: int) -> np.ndarray:
    """Each of the first ``m`` examples' share δ^(l+1)_j a^(l)_k of Δ^(l)_jk; ``weight`` is the
    course's (l, j, k).  Shape (m,)."""
    X, Y = example_rows(lab, 1, m)
    return backprop(lab.cfg, lab.trainer.Theta, X, Y).weight_contributions(*weight)


def layer_of(values: Any, l: int) -> Any:
    """Entry l of a per-layer sequence in the course's numbering: ``layer_of(Theta, 1)`` is
    Θ^(1) = ``Theta[0]`` (Python index = course superscript − 1)."""
    return values[int(l) - 1]


# ---------------------------------------------------------------------------------------------
# Training and the status line
# ---------------------------------------------------------------------------------------------


def train_for_frame(lab: Lab, speed: str, budget_s: float = 0.045) -> int:
    """Train one frame's worth: ``speed`` epochs (or 1 mini-batch), within ``budget_s``.

    Returns the number of gradient steps taken.  Stops early on divergence.
    """
    tr = lab.trainer
    if speed in ("slow", "step"):
        target = 1
    else:
        # the mini-batches left in this epoch, then whole epochs (batch_in_epoch, not
        # steps % steps_per_epoch: a batch-size change mid-epoch starts the epoch afresh)
        target = int(speed) * tr.steps_per_epoch - tr.batch_in_epoch
    t0 = time.perf_counter()
    done = 0
    while done < target and not tr.diverged:
        tr.step()
        done += 1
        if time.perf_counter() - t0 > budget_s:
            break
    return done


def lesson_stops(state: Mapping[str, Any], lab: Lab) -> dict[int, tuple[str, str]]:
    """Where Play pauses by itself: epoch → (the line shown there, the line shown when Play
    goes on past it).

    The applied preset's stops (``bp_core.presets.Preset.all_stops``) while the Lab still
    has the preset's settings (a changed setting is a new experiment, which the lesson's
    messages do not describe), and the *Stop at epoch* setting (``stop``, 0 = never).
    """
    out: dict[int, tuple[str, str]] = {}
    n = int(state.get("stop") or 0)
    if n > 0:
        out[n] = (
            f"Epoch {n:,}: stopped here, as Stop at epoch asks — press Play to go on.",
            f"Playing on past epoch {n:,}.",
        )
    preset = PRESETS.get(state.get("preset") or "")
    if preset is not None and lab.settings is not None:
        try:
            same = lab.settings == RunSettings.from_mapping(preset.settings)
        except ValueError:
            same = False
        if same:
            for s in preset.all_stops:
                out[s.epoch] = (stop_line(preset, s), text.course(s.after()))
    return out


#: Said at a lesson's first stop when its preset has a run to try next (drawn under the view
#: there: ``lab_ui.playground.try_next_ui``), so a student looking at the view finds it.
TRY_NEXT_POINTER = "What to try next is under the view."


def stop_line(preset: Any, stop: Any) -> str:
    """The line a lesson's stop shows (a ``bp_core.presets`` Preset and one of its
    ``all_stops``): the stop's message, and at the first stop of a preset with a run to try
    next, where that is."""
    line = text.course(stop.message)
    if preset.compare and stop.epoch == preset.stop_epoch:
        line = f"{line} {TRY_NEXT_POINTER}"
    return line


def dataset_defaults(name: str) -> dict[str, Any]:
    """The settings data set ``name`` starts with besides its head: its registry entry's
    ``defaults`` (e.g. a smaller α for regression), {} for none or an uploaded file."""
    info = bp_datasets.DATASET_INFO.get(name)
    return dict(info.defaults) if info is not None else {}


def apply_dataset_defaults(state: MutableMapping[str, Any], old: str, new: str) -> str:
    """The data set changed from ``old`` to ``new``: set the settings ``new`` names in its
    ``defaults``, and put back the schema's default of those ``old`` named that ``new`` does
    not.  Returns the notice saying what changed, or ""."""
    theirs, before = dataset_defaults(new), dataset_defaults(old)
    values = {**{k: schema.BY_NAME[k].default for k in before if k not in theirs}, **theirs}
    changed = []
    for k, v in values.items():
        if state.get(k) != v:
            schema.set_setting(state, k, v)
            s = schema.BY_NAME[k]
            changed.append(f"{s.label} set to {s.fmt(v) if s.fmt else v}")
    if not changed:
        return ""
    label = schema.BY_NAME["dataset"].fmt(new)
    return f"{'; '.join(changed)} for {label}."


def measured_now(lab: Lab) -> tuple[float, float, float, float] | None:
    """(J train, J test, metric train, metric test) at the current Θ on the current data, when
    a hand edit (a point drawn or removed, a weight set) came after the last recorded row, so
    that row no longer describes the run; None otherwise (NaN where there is no test set)."""
    tr, h = lab.trainer, lab.trainer.history
    if lab.edited_at is None or (h.step and h.step[-1] > lab.edited_at):
        return None

    def compute() -> tuple[float, float, float, float]:
        J, out = tr.evaluate(tr.X_train, tr.Y_train)  # out: (m, s_L)
        metric = tr.metric.score(tr.y_train, decode_outputs(lab.cfg, out, tr.task))
        J_test = metric_test = float("nan")
        if tr.X_test is not None and len(tr.X_test):
            J_test, out_test = tr.evaluate(tr.X_test, tr.Y_test)
            metric_test = tr.metric.score(tr.y_test, decode_outputs(lab.cfg, out_test, tr.task))
        return float(J), float(J_test), float(metric), float(metric_test)

    return memo(lab, ("measured_now", tr.m, lab.edited_at), compute)


def status_line(lab: Lab, playing: bool = False, rate: float | None = None) -> str:
    """The Playground's status line: epoch, steps, J, the metric, the last mini-batch's J.

    J and the metric are the last recorded row's, or measured now after a hand edit
    (:func:`measured_now`).  Every number through :func:`lab_ui.shared.text.number` (a
    diverged value reads "diverged").
    """
    tr, h = lab.trainer, lab.trainer.history
    parts = [f"epoch {tr.epoch}", f"{tr.steps} gradient steps"]
    if h.J_train:
        J, J_test, metric, metric_test = measured_now(lab) or (
            h.J_train[-1], h.J_test[-1] if h.J_test else float("nan"),
            h.metric_train[-1], h.metric_test[-1],
        )  # fmt: skip
        parts.append(f"J train {text.number(J)}")
        if np.isfinite(J_test):
            parts.append(f"J test {text.number(J_test)}")
        fmt = text.percent if metric_named(h.metric_name).percent else text.number
        test = f", test {fmt(metric_test)}" if np.isfinite(metric_test) else ""
        parts.append(f"{h.metric_name} train {fmt(metric)}{test}")
    batch_J = tr.last_batch_J
    if batch_J is not None and tr.batch_size < tr.m:
        parts.append(f"last mini-batch ({tr.batch_size} examples): J {text.number(batch_J)}")
    if playing and rate is not None:
        parts.append(f"{text.number(rate, 3)} epochs/s")
    return " · ".join(parts)


__all__ = [
    "CsvFile",
    "example_rows",
    "gradient_check",
    "layer_of",
    "training_trace",
    "weight_contributions",
    "Lab",
    "adopt_lab",
    "apply_dataset_defaults",
    "apply_head",
    "dataset_defaults",
    "lesson_stops",
    "stop_line",
    "TRY_NEXT_POINTER",
    "build_lab",
    "data_sig",
    "head_for_task",
    "head_of",
    "load_csv_file",
    "measured_now",
    "memo",
    "reset_lab",
    "run_settings",
    "session_dataset",
    "status_line",
    "sync_lab",
    "task_of",
    "train_for_frame",
]
