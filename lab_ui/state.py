"""The session's state: one declared schema of settings, and the session's network.

Modelled on TensorFlow Playground's ``state.ts``: every setting is declared once, here, with
its type, default and allowed values.  The schema

* initializes ``st.session_state`` on a session's first run (``init_session``, from
  ``app.py``), reading the URL's query parameters and validating each one — a bad value
  falls back to the default and leaves a note, it never raises;
* writes the non-default settings back to the URL (``settings_to_query``), so a link
  reproduces a setup.

All per-user state lives in ``st.session_state`` (a plain mapping here, so the functions
are testable without a running app): the settings under their own names, and the one
:class:`Lab` (data set, network, trainer, history) under ``"lab"``.  Nothing per-user is
kept in module globals or shared caches.

Widgets use ``"w_" + name`` keys; ``widget_key`` / ``sync_from_widget`` copy between the
widget and the setting, so values survive page switches (Streamlit drops the state of
widgets that are not on the current page).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bp_core import ACTIVATIONS, INITIALIZERS, LOSSES, OUTPUTS, NetConfig, init_weights
from bp_core import datasets as bp_datasets
from bp_core.optimizers import OPTIMIZERS
from bp_core.training import Trainer, TrainSettings

# ---------------------------------------------------------------------------------------------
# The schema
# ---------------------------------------------------------------------------------------------

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 32
CSV_DATASET = "csv"  # the dataset name used while an uploaded file is active

ALPHAS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LAMBDAS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BATCH_SIZES = (1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 0)  # 0 = the whole training set
N_POINTS = (50, 100, 200, 300, 500, 1000, 2000)
SPEEDS = ("slow", "step", "1", "2", "5", "10", "20", "50", "100")
SPEED_LABELS = {
    "slow": "slow motion (1 mini-batch, 3 frames/s)",
    "step": "1 mini-batch per frame",
    "1": "1 epoch per frame",
}


@dataclass(frozen=True)
class Setting:
    """One setting: its name (also the URL parameter), type, default and allowed values.

    ``kind`` is one of ``"choice"`` (a value from ``choices``), ``"int"``/``"float"``
    (a number in [lo, hi], or one of ``choices`` when given), ``"bool"``, ``"ints"`` (a
    list of ints in [lo, hi], ``max_len`` long at most), ``"choices"`` (a list of values
    from ``choices``).  ``choices`` may be a callable so registries are read when used.
    """

    name: str
    kind: str
    default: Any
    choices: tuple | Callable[[], tuple] | None = None
    lo: float | None = None
    hi: float | None = None
    max_len: int | None = None
    min_len: int = 0
    label: str = ""
    group: str = "view"  # "data", "net", "train" or "view": what a change rebuilds

    def allowed(self) -> tuple:
        c = self.choices() if callable(self.choices) else self.choices
        return tuple(c) if c is not None else ()


def _dataset_names() -> tuple[str, ...]:
    return tuple(bp_datasets.DATASET_NAMES)


SCHEMA: tuple[Setting, ...] = (
    # data
    Setting("dataset", "choice", "circle", _dataset_names, label="Data set", group="data"),
    Setting("noise", "float", 0.1, lo=0.0, hi=1.0, label="Noise", group="data"),
    Setting("train_pct", "int", 50, lo=10, hi=90, label="Training examples (%)", group="data"),
    Setting("n_points", "int", 500, N_POINTS, label="Number of examples", group="data"),
    Setting("n_classes", "int", 3, lo=2, hi=10, label="Classes (blobs)", group="data"),
    Setting("seed", "int", 1, lo=0, hi=999_999, label="Random seed", group="data"),
    Setting(
        "features",
        "choices",
        ("x1", "x2"),
        lambda: tuple(bp_datasets.FEATURES),
        min_len=1,
        label="Input features",
        group="data",
    ),
    Setting("standardize", "bool", True, label="Feature scaling", group="data"),
    # network
    Setting(
        "hidden",
        "ints",
        (4, 2),
        lo=1,
        hi=MAX_UNITS,
        max_len=MAX_HIDDEN_LAYERS,
        label="Hidden layers",
        group="net",
    ),
    Setting(
        "acts",
        "choices",
        ("tanh", "tanh"),
        lambda: tuple(ACTIVATIONS),
        max_len=MAX_HIDDEN_LAYERS,
        label="Activations",
        group="net",
    ),
    Setting(
        "output", "choice", "sigmoid", lambda: tuple(OUTPUTS), label="Output unit", group="net"
    ),
    Setting("loss", "choice", "cross_entropy", lambda: tuple(LOSSES), label="Loss", group="net"),
    Setting(
        "init",
        "choice",
        "ng_uniform",
        lambda: tuple(k for k in INITIALIZERS if k != "debug"),
        label="Initialization",
        group="net",
    ),
    # training
    Setting("alpha", "float", 1.0, ALPHAS, label="Learning rate α", group="train"),
    Setting("lambda_", "float", 0.0, LAMBDAS, label="Regularization λ", group="train"),
    Setting("batch", "int", 0, BATCH_SIZES, label="Batch size", group="train"),
    Setting(
        "optimizer", "choice", "gd", lambda: tuple(OPTIMIZERS), label="Optimizer", group="train"
    ),
    # view
    Setting("speed", "choice", "20", SPEEDS, label="Speed (epochs per frame)"),
    Setting("mode", "choice", "forward", ("forward", "backward"), label="Diagram shows"),
    Setting("example", "int", 0, lo=0, hi=100_000, label="Example i (0 = whole batch)"),
    Setting("show_test", "bool", True, label="Show test points"),
    Setting("discretize", "bool", False, label="Discretize output"),
    Setting("log_cost", "bool", False, label="Log scale for J"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SCHEMA}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def validate(setting: Setting, value: Any) -> Any:
    """Return ``value`` converted to the setting's type, or raise ValueError saying why.

    Accepts the Python value or its URL text (``"0.3"``, ``"4,2"``, ``"true"``).
    """
    kind = setting.kind
    allowed = setting.allowed()
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{setting.label} must be true or false, not {value!r}.")
    if kind == "choice":
        if value in allowed:
            return value
        raise ValueError(
            f"{setting.label}: {value!r} is not one of {', '.join(map(str, allowed))}."
        )
    if kind in ("int", "float"):
        try:
            num = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{setting.label} must be a number, not {value!r}.") from None
        if not math.isfinite(num):
            raise ValueError(f"{setting.label} must be a finite number, not {value!r}.")
        if kind == "int":
            if not num.is_integer():
                raise ValueError(f"{setting.label} must be a whole number, not {value!r}.")
            num = int(num)
        if allowed:
            for c in allowed:
                if _close(float(c), float(num)):
                    return c
            raise ValueError(
                f"{setting.label} must be one of {', '.join(map(str, allowed))}, not {value!r}."
            )
        if (setting.lo is not None and num < setting.lo) or (
            setting.hi is not None and num > setting.hi
        ):
            raise ValueError(
                f"{setting.label} must be between {setting.lo:g} and {setting.hi:g}, not {value!r}."
            )
        return num
    if kind in ("ints", "choices"):
        items = value.split(",") if isinstance(value, str) else list(value)
        items = [i.strip() if isinstance(i, str) else i for i in items]
        if isinstance(value, str) and value.strip() == "":
            items = []
        if setting.max_len is not None and len(items) > setting.max_len:
            raise ValueError(
                f"{setting.label}: at most {setting.max_len} entries, not {len(items)}."
            )
        if len(items) < setting.min_len:
            raise ValueError(f"{setting.label}: choose at least {setting.min_len}.")
        if kind == "ints":
            inner = Setting(
                setting.name, "int", 1, lo=setting.lo, hi=setting.hi, label=setting.label
            )
            return tuple(validate(inner, i) for i in items)
        bad = [i for i in items if i not in allowed]
        if bad:
            raise ValueError(
                f"{setting.label}: {', '.join(map(str, bad))} not among {', '.join(allowed)}."
            )
        if len(set(items)) != len(items) and setting.name == "features":
            raise ValueError(f"{setting.label}: each may be chosen only once.")
        return tuple(items)
    raise ValueError(f"Unknown setting kind {kind!r}.")  # a programming error


def to_text(setting: Setting, value: Any) -> str:
    """The URL text of a value (inverse of ``validate`` on text)."""
    if setting.kind == "bool":
        return "true" if value else "false"
    if setting.kind in ("ints", "choices"):
        return ",".join(str(v) for v in value)
    if setting.kind == "float":
        return f"{float(value):g}"
    return str(value)


def settings_from_query(query: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validated settings from URL parameters: (values for every setting, notes).

    Unknown parameters are ignored; a bad value keeps the default and adds a note.
    """
    values = {s.name: s.default for s in SCHEMA}
    notes = []
    for s in SCHEMA:
        if s.name not in query:
            continue
        raw = query[s.name]
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        try:
            values[s.name] = validate(s, raw)
        except ValueError as err:
            notes.append(f"The link's value for “{s.label}” was not used: {err}")
    # the per-layer activations follow the number of hidden layers
    values["acts"] = fit_acts(values["hidden"], values["acts"])
    return values, notes


def settings_to_query(state: Mapping[str, Any]) -> dict[str, str]:
    """URL parameters for the settings that differ from their defaults."""
    out = {}
    for s in SCHEMA:
        if s.name not in state or s.name in ("example",):
            continue
        v = state[s.name]
        if s.name == "dataset" and v == CSV_DATASET:
            continue
        if v != s.default:
            out[s.name] = to_text(s, v)
    return out


def fit_acts(hidden: Sequence[int], acts: Sequence[str]) -> tuple[str, ...]:
    """One activation per hidden layer: extend with the last one (or tanh), or cut."""
    acts = tuple(acts)
    fill = acts[-1] if acts else "tanh"
    return tuple(acts[: len(hidden)]) + (fill,) * max(0, len(hidden) - len(acts))


def init_session(state: MutableMapping[str, Any], query: Mapping[str, Any]) -> None:
    """First run of a session: settings from the URL (validated) or defaults.

    Later runs change nothing here, so the URL is read once per session.
    """
    if state.get("_initialized"):
        return
    values, notes = settings_from_query(query)
    for name, v in values.items():
        state.setdefault(name, v)
    state["_url_notes"] = notes
    state["playing"] = False
    state["_initialized"] = True


# ---------------------------------------------------------------------------------------------
# Widget ↔ setting
# ---------------------------------------------------------------------------------------------


def widget_key(state: MutableMapping[str, Any], name: str) -> str:
    """The widget key for setting ``name``, seeded from the setting if the widget is new."""
    key = "w_" + name
    if key not in state:
        value = state[name]
        state[key] = list(value) if isinstance(value, tuple) else value
    return key


def sync_from_widget(state: MutableMapping[str, Any], name: str) -> None:
    """``on_change`` callback: copy the widget's value into the setting (validated)."""
    key = "w_" + name
    try:
        state[name] = validate(BY_NAME[name], state[key])
    except ValueError:
        state[key] = state[name]  # refuse the value, show the old one


# ---------------------------------------------------------------------------------------------
# The session's lab: data set, network, trainer
# ---------------------------------------------------------------------------------------------


@dataclass
class Lab:
    """Everything one session trains and shows.  Lives in ``st.session_state["lab"]``."""

    data_sig: tuple
    net_sig: tuple
    train_sig: tuple
    dataset: Any  # bp_core.datasets.Dataset
    cfg: NetConfig
    trainer: Trainer
    uirev: str
    built_at: float = field(default_factory=time.time)
    rev: int = 0  # frames sent
    problem: str = ""  # why the last requested change could not be applied


def _sig(state: Mapping[str, Any], group: str) -> tuple:
    return tuple((s.name, state[s.name]) for s in SCHEMA if s.group == group)


def _data_sig(state: Mapping[str, Any]) -> tuple:
    sig = _sig(state, "data")
    if state["dataset"] == CSV_DATASET:
        sig += (("csv", state.get("_csv_token")),)
    return sig


def make_dataset_from(state: Mapping[str, Any]) -> Any:
    """The data set the settings describe (bp_core builds it).  Raises ValueError."""
    rng = np.random.default_rng(state["seed"])
    name = state["dataset"]
    if name == CSV_DATASET:
        data = state.get("_csv_bytes")
        if data is None:
            raise ValueError("No CSV file is loaded; upload one first.")
        feats = state["features"] if _csv_is_planar(state) else None
        source = io.BytesIO(data)
        source.name = state.get("_csv_name", "upload.csv")  # load_csv shows the file's name
        return bp_datasets.load_csv(
            source,
            train_fraction=state["train_pct"] / 100,
            rng=rng,
            standardize=state["standardize"],
            features=feats,
        )
    n_classes = state["n_classes"] if name == "blobs" else None
    return bp_datasets.make_dataset(
        name,
        n=state["n_points"],
        noise=state["noise"],
        train_fraction=state["train_pct"] / 100,
        rng=rng,
        features=state["features"],
        n_classes=n_classes,
        standardize=state["standardize"],
    )


def _csv_is_planar(state: Mapping[str, Any]) -> bool:
    return bool(state.get("_csv_planar"))


def make_config(state: Mapping[str, Any], dataset: Any) -> NetConfig:
    """The NetConfig the settings describe for ``dataset``.  Raises ValueError."""
    from lab_ui.frames import n_outputs

    hidden = tuple(state["hidden"])
    s_L = n_outputs(dataset.task, dataset.n_classes, state["output"])
    acts = fit_acts(hidden, state["acts"])
    return NetConfig(
        layer_sizes=(dataset.n_features, *hidden, s_L),
        hidden_activation=acts if hidden else (),
        output=state["output"],
        loss=state["loss"],
        lambda_=state["lambda_"],
    )


def make_settings(state: Mapping[str, Any]) -> TrainSettings:
    """TrainSettings from α, batch size and optimizer.  Raises ValueError."""
    batch = state["batch"]
    return TrainSettings(
        alpha=float(state["alpha"]),
        batch_size=None if batch == 0 else int(batch),
        optimizer=state["optimizer"],
    )


def _weights_rng(state: Mapping[str, Any]) -> np.random.Generator:
    return np.random.default_rng([state["seed"], 1, state.get("_weight_draw", 0)])


def build_lab(state: Mapping[str, Any], dataset: Any | None = None) -> Lab:
    """A fresh Lab from the settings (new Θ from the seed, empty history).  Raises ValueError."""
    if dataset is None:
        dataset = make_dataset_from(state)
    cfg = make_config(state, dataset)
    Theta = init_weights(cfg, _weights_rng(state), method=state["init"])
    trainer = Trainer(
        cfg, Theta, dataset, make_settings(state), np.random.default_rng([state["seed"], 2])
    )
    data_sig, net_sig = _data_sig(state), _sig(state, "net")
    uirev = f"{abs(hash((data_sig, net_sig, state.get('_weight_draw', 0)))):x}"
    return Lab(data_sig, net_sig, _sig(state, "train"), dataset, cfg, trainer, uirev)


def sync_lab(state: MutableMapping[str, Any]) -> Lab:
    """Bring the session's Lab in line with the settings; return it.

    * data settings changed → new data set, new network, new history;
    * network settings changed → same data, new network, new history;
    * λ changed → same Θ, a new trainer (the history restarts at the current Θ);
    * α, batch size or optimizer changed → same Θ and history.

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
                if s.group in ("data", "net", "train"):
                    state[s.name] = s.default
            lab = build_lab(state)
            lab.problem = f"{err} The default settings are used instead."
        state["lab"] = lab
        return lab
    lab.problem = ""
    data_sig, net_sig, train_sig = _data_sig(state), _sig(state, "net"), _sig(state, "train")
    try:
        if data_sig != lab.data_sig:
            new = build_lab(state)
        elif net_sig != lab.net_sig:
            new = build_lab(state, lab.dataset)
        elif train_sig != lab.train_sig:
            new = lab
            settings = make_settings(state)
            cfg = make_config(state, lab.dataset)
            if cfg != lab.cfg:  # λ lives in the NetConfig
                trainer = Trainer(cfg, lab.trainer.Theta, lab.dataset, settings, lab.trainer.rng)
                new.cfg, new.trainer = cfg, trainer
            else:
                lab.trainer.with_settings(settings)
            new.train_sig = train_sig
        else:
            return lab
    except ValueError as err:
        lab.problem = f"{err} The network was not changed."
        return lab
    if new is not lab:
        state["playing"] = False if data_sig != lab.data_sig else state.get("playing", False)
        state["lab"] = new
    return new


def reset_lab(state: MutableMapping[str, Any]) -> Lab:
    """Back to epoch 0: the same data, Θ drawn again from the same seed."""
    lab = state["lab"]
    new = build_lab(state, lab.dataset)
    state["lab"] = new
    state["playing"] = False
    return new


def train_for_frame(lab: Lab, speed: str, budget_s: float = 0.045) -> int:
    """Train one frame's worth: ``speed`` epochs (or 1 mini-batch), within ``budget_s``.

    Returns the number of gradient steps taken.  Stops early on divergence.
    """
    tr = lab.trainer
    if speed in ("slow", "step"):
        target = 1
    else:
        target = int(speed) * tr.steps_per_epoch - (tr.steps % tr.steps_per_epoch)
    t0 = time.perf_counter()
    done = 0
    while done < target and not tr.diverged:
        tr.step()
        done += 1
        if time.perf_counter() - t0 > budget_s:
            break
    return done


__all__ = [
    "BY_NAME",
    "CSV_DATASET",
    "SCHEMA",
    "Lab",
    "Setting",
    "build_lab",
    "fit_acts",
    "init_session",
    "make_config",
    "make_dataset_from",
    "make_settings",
    "reset_lab",
    "settings_from_query",
    "settings_to_query",
    "sync_from_widget",
    "sync_lab",
    "train_for_frame",
    "validate",
    "widget_key",
]
