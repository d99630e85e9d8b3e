"""The settings schema: every session setting and every session key, declared once.

Modelled on TensorFlow Playground's ``state.ts``.  Each :class:`Setting` says its type, default,
allowed values or bounds, label, URL name and what a change rebuilds; from it come

* the validation of a value from the URL or a widget (:func:`validate`; a bad value is
  refused with a sentence saying why, quoting at most a few dozen characters of it);
* the URL round trip (:func:`settings_from_query`, :func:`settings_to_query`);
* the widgets (:mod:`lab_ui.shared.widgets` reads bounds, labels and option names from here).

Besides the settings, a session holds a few other keys: the Lab, the widgets' own keys, the
once-per-click tokens, notices for the next run.  They are declared in :data:`SESSION_KEYS`
(exact names) and :data:`SESSION_PREFIXES` (families such as ``w_units_3``);
:func:`is_declared` answers for any key, and a test fails if a page writes any other.

Plain mappings stand in for ``st.session_state`` here, so everything is testable without
a running app.  No streamlit import.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bp_core import ACTIVATIONS, INITIALIZERS, LOSSES, OUTPUTS, PLANTED_BUGS
from bp_core import datasets as bp_datasets
from bp_core import exercise as bp_exercise
from bp_core.config import DEFAULT_ACTIVATION, DEFAULT_REGULARIZATION, REGULARIZATIONS
from bp_core.gradcheck import MAX_CHECK_EXAMPLES
from bp_core.optimizers import OPTIMIZERS
from bp_core.presets import PRESETS
from lab_ui.shared import text

# ---------------------------------------------------------------------------------------------
# Limits and choices
# ---------------------------------------------------------------------------------------------

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 32
CSV_DATASET = "csv"  # the dataset name used while an uploaded file is active
NO_BUG = "none"  # the Gradients page's "the correct backprop"

ALPHAS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LAMBDAS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BATCH_SIZES = (1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 0)  # 0 = the whole training set
N_POINTS = (50, 100, 200, 300, 500, 1000, 2000)
SPEEDS = ("step", "1", "2", "5", "10", "20", "50", "100")
#: Old URL values read as another (``settings_from_query``): "slow" painted one mini-batch a
#: frame; slow motion is now the live view's own mode (its Slow motion button, key S).
URL_ALIASES = {"speed": {"slow": "step"}}
#: The most epochs, and gradient steps, a link may ask to be replayed (1,000 epochs of the
#: default network take about half a second).
MAX_LINK_EPOCHS = 10_000
MAX_LINK_STEPS = 10_000_000


def _speed_label(s: str) -> str:
    return {
        "step": "1 mini-batch per frame",
        "1": "1 epoch per frame",
    }.get(s, f"{s} epochs per frame")


def _registry_label(registry: Callable[[], Mapping[str, Any]]) -> Callable[[Any], str]:
    def fmt(name: Any) -> str:
        item = registry().get(name)
        return text.short_label(getattr(item, "label", None) or str(name))

    return fmt


def _dataset_label(name: str) -> str:
    if name == CSV_DATASET:
        return bp_datasets.CSV_LABEL
    info = bp_datasets.DATASET_INFO.get(name)
    return info.label if info is not None and info.label else str(name)


def _activation_label(name: str) -> str:
    """The activation as the select boxes show it: its entry's short symbol (σ, tanh,
    ReLU …), short enough for the sidebar; the full label is in the registry entry too."""
    act = ACTIVATIONS.get(name)
    return str(name) if act is None else act.short


def _bug_label(name: str) -> str:
    if name == NO_BUG:
        return "the correct backprop"
    return f"planted bug: {PLANTED_BUGS[name].title}" if name in PLANTED_BUGS else str(name)


def _preset_label(name: str) -> str:
    """A preset as the select box shows it: its title ("" = no preset)."""
    if name == "":
        return "— none: your own settings —"
    p = PRESETS.get(name)
    return p.title if p is not None else str(name)


def _number_label(v: Any) -> str:
    return f"{float(v):g}"


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default, allowed values, label and URL name.

    ``kind`` is one of ``"choice"`` (a value from ``choices``), ``"int"``/``"float"``
    (a number in [lo, hi], or one of ``choices`` when given), ``"bool"``, ``"ints"`` (a
    list of ints in [lo, hi], ``max_len`` long at most), ``"choices"`` (a list of values
    from ``choices``).  ``choices`` may be a callable so registries are read when used.

    ``group`` says what a change rebuilds: ``"data"`` (data set, network and history),
    ``"net"`` (network and history), ``"train"`` (nothing: same Θ and history), ``"view"``
    (only what is drawn) or ``"page"`` (a control of one of the other pages).
    ``url`` is the URL parameter's name, None for settings the URL does not carry.
    ``widget`` picks the widget when the kind allows several ("slider", "number", "radio",
    "segmented", "select"; a "choice" with "slider" is a select slider); ``fmt`` names each
    option or value for the widget.
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
    group: str = "view"
    url: str | None = ""  # "" = the setting's name
    step: float | None = None
    widget: str = ""
    help: str | None = None
    fmt: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.url == "":
            object.__setattr__(self, "url", self.name)

    def allowed(self) -> tuple:
        c = self.choices() if callable(self.choices) else self.choices
        return tuple(c) if c is not None else ()

    def bounded(self, lo: float | None = None, hi: float | None = None) -> Setting:
        """The same setting with bounds that depend on the data (e.g. i ≤ m)."""
        return replace(
            self,
            lo=self.lo if lo is None else lo,
            hi=self.hi if hi is None else hi,
        )

    def item(self) -> Setting:
        """For a list setting ("ints", "choices"): the setting of one entry."""
        kind = {"ints": "int", "choices": "choice"}[self.kind]
        default = self.default[0] if self.default else None
        return replace(self, kind=kind, default=default, max_len=None, min_len=0, url=None)


def _dataset_names() -> tuple[str, ...]:
    return (*bp_datasets.DATASET_NAMES, CSV_DATASET)


def _layers() -> tuple[int, ...]:
    return tuple(range(1, MAX_HIDDEN_LAYERS + 2))  # Θ^(1) … Θ^(L−1) of the biggest network


def _weight_picker(prefix: str) -> tuple[Setting, ...]:
    """The three settings of a page's Θ^(l)_jk picker: l (a layer), j ≥ 1, k ≥ 0 (0 = bias)."""
    common = {"group": "page", "url": None}
    return (
        Setting(f"{prefix}_l", "int", 1, _layers, label="l", widget="select", **common),
        Setting(f"{prefix}_j", "int", 1, lo=1, hi=MAX_UNITS, label="j", widget="number", **common),
        Setting(f"{prefix}_k", "int", 1, lo=0, hi=MAX_UNITS, label="k", widget="number", **common),
    )


SCHEMA: tuple[Setting, ...] = (
    # ------------------------------------------------------------------ data
    Setting(
        "dataset",
        "choice",
        "circle",
        _dataset_names,
        label="Data set",
        group="data",
        fmt=_dataset_label,
    ),
    Setting(
        "noise",
        "float",
        0.1,
        lo=0.0,
        hi=1.0,
        step=0.05,
        label="Noise",
        group="data",
    ),
    Setting(
        "train_pct",
        "int",
        50,
        lo=10,
        hi=90,
        step=5,
        label="Training examples (%)",
        group="data",
        help="The rest are test examples, never trained on.",
    ),
    Setting(
        "n_points",
        "int",
        500,
        N_POINTS,
        label="Examples m (train + test)",
        group="data",
    ),
    Setting("n_classes", "int", 3, lo=2, hi=10, label="Classes K", group="data"),
    Setting(
        "seed",
        "int",
        1,
        lo=0,
        hi=999_999,
        step=1,
        label="Random seed",
        group="data",
        widget="number",
    ),
    Setting(
        "features",
        "choices",
        ("x1", "x2"),
        lambda: tuple(bp_datasets.FEATURES),
        min_len=1,
        label="Input features",
        group="data",
        help="What the input layer gets: the point (x₁, x₂) or functions of it.",
        fmt=text.feature,
    ),
    Setting(
        "standardize",
        "bool",
        True,
        label="Feature scaling (mean 0, std 1)",
        group="data",
        help="Standardize every input feature with the training set's mean and spread.",
    ),
    # ------------------------------------------------------------------ network
    Setting(
        "hidden",
        "ints",
        (4, 2),
        lo=1,
        hi=MAX_UNITS,
        max_len=MAX_HIDDEN_LAYERS,
        label="Hidden layers",
        group="net",
        step=1,
        widget="number",
    ),
    Setting(
        "acts",
        "choices",
        (DEFAULT_ACTIVATION,) * 2,
        lambda: tuple(ACTIVATIONS),
        max_len=MAX_HIDDEN_LAYERS,
        label="Activations",
        group="net",
        fmt=_activation_label,
    ),
    Setting(
        "output",
        "choice",
        "sigmoid",
        lambda: tuple(OUTPUTS),
        label="Output unit (layer L)",
        group="net",
        fmt=_registry_label(lambda: OUTPUTS),
    ),
    Setting(
        "loss",
        "choice",
        "cross_entropy",
        lambda: tuple(LOSSES),
        label="Loss J",
        group="net",
        fmt=_registry_label(lambda: LOSSES),
    ),
    Setting(
        "init",
        "choice",
        # ex4's advice, ε_init = √6 / √(L_in + L_out): with ±0.12 the default 2-4-2-1 sigmoid
        # net sits on its plateau (J = 0.693, 50 %) for thousands of epochs
        "ng_sqrt6",
        lambda: tuple(k for k, init in INITIALIZERS.items() if init.for_training),
        label="Initialization of Θ",
        group="net",
        fmt=_registry_label(lambda: INITIALIZERS),
        help="How the weights are drawn before training (from the random seed).",
    ),
    # ------------------------------------------------------------------ training
    Setting(
        "alpha",
        "float",
        3.0,  # full-batch gradient descent on the default net: ≥ 97 % test accuracy by epoch 1,000
        ALPHAS,
        label="Learning rate α",
        group="train",
        fmt=_number_label,
    ),
    Setting(
        "lambda_",
        "float",
        0.0,
        LAMBDAS,
        label="Regularization λ",
        group="train",
        fmt=_number_label,
        help="J gets + λ/(2m) Σ Θ² over all non-bias weights.",
    ),
    Setting(
        "regularization",
        "choice",
        DEFAULT_REGULARIZATION,
        lambda: tuple(REGULARIZATIONS),
        label="Regularization",
        group="train",
        url="reg",
        fmt=_registry_label(lambda: REGULARIZATIONS),
        help="Which penalty λ weighs: "
        + "; ".join(f"{r.label}: J + {r.formula}" for r in REGULARIZATIONS.values())
        + ". The bias column is never penalized.",
    ),
    Setting(
        "batch",
        "int",
        0,
        BATCH_SIZES,
        label="Batch size",
        group="train",
        fmt=lambda b: "all" if b == 0 else str(b),
        help="Examples per gradient step: 'all' is the course's (full-batch) gradient "
        "descent, 1 is stochastic gradient descent.",
    ),
    Setting(
        "optimizer",
        "choice",
        "gd",
        lambda: tuple(OPTIMIZERS),
        label="Optimizer",
        group="train",
        fmt=_registry_label(lambda: OPTIMIZERS),
    ),
    # ------------------------------------------------------------------ Playground view
    Setting(
        "preset",
        "choice",
        "",
        lambda: ("", *PRESETS),
        label="Preset",
        fmt=_preset_label,
        help="A lesson: settings that tell one story, with what to watch and what to try "
        "next. Choosing one replaces the settings below and starts again at epoch 0.",
    ),
    # 5 epochs a frame: the default circle's boundary forms over about 4 s at 60 frames/s
    # (20 finished it within the first second); a preset may set its own speed
    Setting("speed", "choice", "5", SPEEDS, label="Speed", widget="slider", fmt=_speed_label),
    Setting(
        "stop",
        "int",
        0,
        lo=0,
        hi=MAX_LINK_EPOCHS,
        step=1,
        label="Stop at epoch",
        widget="number",
        help="Play (and Step) pause by themselves at this epoch, landing exactly on it; "
        "Play again goes on. 0: never. A preset adds its own stops.",
    ),
    Setting(
        "mode",
        "choice",
        "forward",
        ("forward", "backward"),
        label="Diagram",
        widget="segmented",
        fmt=lambda m: "Forward: a⁽ˡ⁾, Θ⁽ˡ⁾" if m == "forward" else "Backward: δ⁽ˡ⁾, D⁽ˡ⁾",
    ),
    Setting(
        "example",
        "int",
        0,
        lo=0,
        hi=100_000,
        step=1,
        label="Example i (0 = whole batch)",
        widget="number",
        help="Show one training example x⁽ⁱ⁾ in the diagram, or 0 for the mean over all.",
    ),
    Setting("show_test", "bool", True, label="Test points"),
    Setting(
        "discretize",
        "bool",
        False,
        label="Discretize",
        help="Colour by predicted class only (classification).",
    ),
    Setting("log_cost", "bool", False, label="log J"),
    Setting(
        "predict_sign",
        "bool",
        False,
        label="Predict the sign of D",
        help="Before the chain-rule panel (and Step through's D step) shows a gradient "
        "D⁽ˡ⁾ⱼₖ, it asks whether it is positive or negative.",
    ),
    # the epoch (and gradient step, when mid-epoch) a link opens at: replayed from the
    # settings (lab_ui.playground.timeline_ui); the Playground writes the trainer's own
    Setting(
        "epoch",
        "int",
        0,
        lo=0,
        hi=MAX_LINK_EPOCHS,
        label="Epoch",
        help="The epoch a link opens at: training is replayed from the settings to it.",
    ),
    Setting("step", "int", 0, lo=0, hi=MAX_LINK_STEPS, label="Gradient steps"),
    # ------------------------------------------------------------------ every page
    Setting(
        "presenter",
        "bool",
        False,
        label="Presenter mode",
        help="For a projector: no sidebar, large text, only the controls a lecture needs "
        "(Play, Step, Reset, the keys). Turn it off with the same switch at the top.",
    ),
    # ------------------------------------------------------------------ Step through
    Setting(
        "stp_source",
        "choice",
        "example",
        ("example", "batch"),
        label="Walk through",
        group="page",
        url=None,
        widget="radio",
    ),
    Setting(
        "stp_example",
        "int",
        1,
        lo=1,
        hi=100_000,
        step=1,
        label="Example i",
        group="page",
        url=None,
        widget="number",
    ),
    Setting(
        "stp_limit",
        "int",
        6,
        (4, 6, 8, 12, 16),
        label="Write matrices out up to",
        group="page",
        url=None,
        help="Bigger matrices are shortened with ⋯ and ⋮; open 'All entries' below to see "
        "them whole.",
    ),
    Setting("stp_step", "int", 1, lo=1, hi=100_000, label="Step", group="page", url=None),
    # ------------------------------------------------------------------ Gradients
    Setting(
        "grad_layer",
        "int",
        1,
        _layers,
        label="Which layer's weights",
        group="page",
        url=None,
        widget="select",
        fmt=lambda l: text.sup("Theta", l),
    ),
    Setting(
        "grad_bug",
        "choice",
        NO_BUG,
        lambda: (NO_BUG, *PLANTED_BUGS),
        label="Backpropagation to check",
        group="page",
        url=None,
        fmt=_bug_label,
    ),
    Setting(
        "grad_m",
        "int",
        10,
        lo=1,
        hi=MAX_CHECK_EXAMPLES,
        label="Examples used",
        group="page",
        url=None,
    ),
    Setting(
        "grad_err_layer",
        "int",
        0,
        lo=0,
        hi=MAX_HIDDEN_LAYERS + 1,
        label="Show the errors of",
        group="page",
        url=None,
        widget="select",
        fmt=lambda l: text.sup("Theta", l),
    ),
    *_weight_picker("contrib"),
    Setting("contrib_m", "int", 30, lo=1, hi=100, label="Examples", group="page", url=None),
    # ------------------------------------------------------------------ Derivation
    Setting(
        "der_example",
        "int",
        1,
        lo=1,
        hi=100_000,
        step=1,
        label="Example i for the per-example lines",
        group="page",
        url=None,
        widget="number",
    ),
    Setting(
        "der_m",
        "int",
        10,
        lo=1,
        hi=20,
        label="Examples for J and the gradient",
        group="page",
        url=None,
    ),
    *_weight_picker("der_slice"),
    # ------------------------------------------------------------------ Playground: edit a weight
    *_weight_picker("edit"),
    Setting(
        "der_slice_w",
        "float",
        1.0,
        (0.1, 0.3, 1.0, 3.0, 10.0),
        label="± range",
        group="page",
        url=None,
        fmt=_number_label,
    ),
    # ------------------------------------------------------------------ Exercise
    # (in the URL, so a lecturer can give a whole class the same exercise)
    Setting(
        "ex_seed",
        "int",
        1,
        lo=0,
        hi=bp_exercise.MAX_SEED,
        step=1,
        label="Exercise number",
        group="page",
        widget="number",
        help="The seed the exercise is drawn from: the same number, network, g and loss give "
        "everyone the same exercise.",
    ),
    Setting(
        "ex_net",
        "choice",
        "2-2-1",
        lambda: tuple(bp_exercise.NETWORKS),
        label="Network",
        group="page",
        fmt=lambda name: " → ".join(str(name).split("-")),
    ),
    Setting(
        "ex_act",
        "choice",
        "sigmoid",
        bp_exercise.EXERCISE_ACTIVATIONS,
        label="Hidden activation g",
        group="page",
        fmt=_activation_label,
    ),
    Setting(
        "ex_loss",
        "choice",
        "cross_entropy",
        bp_exercise.EXERCISE_LOSSES,
        label="Loss J (sigmoid output)",
        group="page",
        fmt=_registry_label(lambda: LOSSES),
    ),
    Setting("ex_solution", "bool", False, label="Show the solution", group="page", url=None),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SCHEMA}
URL_SETTINGS: tuple[Setting, ...] = tuple(s for s in SCHEMA if s.url)
NETWORK_GROUPS = ("data", "net", "train")

# ---------------------------------------------------------------------------------------------
# Every other session key
# ---------------------------------------------------------------------------------------------

WIDGET_PREFIX = "w_"

#: Keys that are not settings, with what they hold.
SESSION_KEYS: dict[str, str] = {
    "lab": "the session's Lab (data set, network, trainer; lab_ui.shared.lab)",
    "playing": "whether the Playground is training live",
    "_initialized": "the URL has been read for this session",
    "_url_notes": "why values of the link were not used; shown once on the next page",
    "_notes": "short notices (toasts) for the next run",
    "_replay": "the link's (epoch, step), to replay once the first Lab is built",
    "_csv": "the uploaded CSV file (lab_ui.shared.lab.CsvFile) or None",
    "_csv_error": "why the last uploaded file was not loaded",
    "_live_first": "the Playground's first run in a browser waited for the live view",
    "_csv_seen": "hash of the last file handled, so one upload is handled once",
    # widgets that are not settings
    "w_csv": "the CSV file uploader",
    "bp_live_view": "the live view component (lab_ui.live.live_view)",
    "bp_one_name_w_timeline": "the Epoch slider's one-name script (widgets.slider_name_once_ui)",
    "live": "the session's live channel (lab_ui.live.channel.LiveSession)",
    # buttons
    "b_new_data": "button: regenerate with the next seed",
    "b_add_layer": "button: add a hidden layer",
    "b_deep": "button: the 8 × 32 sigmoid preset",
    "b_preset": "button: apply the chosen preset again (its settings, epoch 0)",
    "b_try_next": "button: the preset's try next beside the current run, kept as a ghost",
    "_try_next_stop": "the Stop at epoch a try next set (the ghost's epoch), until passed",
    "b_stp_prev": "button: previous step (Step through)",
    "b_stp_next": "button: next step (Step through)",
    # Export and import (lab_ui.playground.export_ui)
    "w_run_file": "the run file uploader (import a .json / .npz run)",
    "_run_error": "why the last run file was not imported",
    "w_export_matrix": "which matrix the CSV export writes: (kind, l)",
    **{
        f"b_dl_{k}": f"download button: {k} (lab_ui.playground.export_ui)"
        for k in (
            "json",
            "npz",
            "history",
            "matrix",
            "html",
            "png_boundary",
            "png_maps",
            "py",
            "torch_py",
            "torch_ipynb",
        )
    },
    "b_train_batch": "button: train one mini-batch (Gradients, Derivation)",
    "b_train_epoch": "button: train one epoch (Gradients, Derivation)",
    "b_train_reset": "button: back to epoch 0 (Gradients, Derivation)",
    "bp_keys": "the key listener component (lab_ui.live.keys_ui)",
    "stp_diagram": "Step through's network diagram (lab_ui.live.net_view, drawn by diagram.js)",
    "_keys_seen": "the last key trigger applied, {id, n}, sent back to the key listener",
    # time travel, the link, a weight edited by hand (lab_ui.playground.timeline_ui)
    "w_timeline": "the Epoch slider: the gradient step of the kept state shown",
    "bp_copy_link": "the Copy link component",
    "w_edit_value": "the new value of the weight to edit",
    "_edit_for": "the weight and Θ the new value was last filled in for",
    "b_edit_apply": "button: set the weight to the new value",
    # the Exercise page (lab_ui.exercise.exercise_ui)
    "b_ex_new": "button: a new exercise (another exercise number)",
    "b_ex_check": "button: grade the cells filled in",
    "b_ex_hint": "button: the equation of the next empty cell",
    "b_ex_clear": "button: empty every cell",
    "b_ex_sheet": "download button: the worksheet (HTML)",
    "b_ex_answers": "download button: the answer sheet (HTML)",
    "_ex_for": "the exercise (seed, network, g, loss) the cells were typed for",
    "_ex_checked": "the cells' values when Check was last pressed",
    "_ex_hint": "the cell whose equation Hint shows",
    "_ex_typed": "what was typed in each cell (kept when the page is left and opened again)",
    # Predict, then reveal (lab_ui.playground.questions_ui, lab_ui.step.sign_ui)
    "_q_answers": "the lesson questions answered or skipped: {preset: {i: response or None}}",
    "_q_seen": "the reveals put away with Continue: {preset: [i, …]}",
    "_q_for": "the preset whose questions the answer widgets were drawn for",
    "_q_signs": "predict-the-sign answers: {(where, l, j, k, step): right}",
    "_stp_sign_for": "the weight and step Step through's sign question was asked for",
    "w_stp_sign": "Step through: the student's + / − for the sign of D",
    "w_stp_sign_j": "Step through: the j of the D entry whose sign is asked",
    "w_stp_sign_k": "Step through: the k of the D entry whose sign is asked",
    **{f"w_ex_{name}": "a cell of the exercise, as typed" for name in bp_exercise.CELL_NAMES},
    # a class session (lab_ui.classroom: lecturer_ui, student_ui)
    "_class_code": "the code of the class this session leads",
    "_class_secret": "the lecturer's secret of that class (only its hash is kept by the class)",
    "_class_cookie": "the lecturer's cookie for the live view to keep, or '' to forget it",
    "_class_reclaimed": "the lecturer's cookie has been read once in this session",
    "_class_note": "a sentence about the class for the next run (ended, refused, …)",
    "_class_ask_error": "why the last question could not be asked",
    "_class_copy_error": "why the last Take a copy could not be imported",
    "class_max_students": "Students at most: the bound of a class started from this session",
    "class_start": "button: Start a class",
    "class_ask": "button: Ask the class",
    "class_reveal": "button: Reveal the answer and the tally",
    "class_end": "button: End class",
    "class_export": "download button: Export tallies (CSV)",
    "class_follow_again": "button: Follow again (a student with a copy)",
    "class_show_code": "toggle: show the class's code and QR code on the projector",
    "class_tallies": "the table of the class's questions and tallies",
    "class_q_kind": "the kind of the next class question",
    "class_q_lesson": "which lesson question to ask the class",
    "class_q_text": "the text of a quick question (the lecturer's, shown as plain text)",
    "class_q_right": "the right letter of a multiple-choice class question",
    "class_q_number": "the right number of a number class question",
    "class_q_tol": "the tolerance of a number class question",
    "class_q_picked": "the edge picked on the diagram for a sign question",
    "class_q_l": "the l of the D entry of a sign question",
    "class_q_j": "the j of the D entry of a sign question",
    "class_q_k": "the k of the D entry of a sign question",
    "bp_class_panel": "the lecturer's class panel (a container)",
    "bp_follow_view": "a student's live view of the class (lab_ui.live.live_view)",
}

#: Families of keys: prefix → (what it holds, the setting each entry is validated against).
SESSION_PREFIXES: dict[str, tuple[str, Setting | None]] = {
    "w_units_": ("units s_l of hidden layer l = i + 2 (widget)", BY_NAME["hidden"].item()),
    "w_act_": ("activation g of hidden layer l = i + 2 (widget)", BY_NAME["acts"].item()),
    "b_rm_": ("button: remove hidden layer l = i + 2", None),
    "w_q_": ("the answer typed or chosen for lesson question i + 1 (widget)", None),
    "b_q_answer_": ("button: answer lesson question i + 1", None),
    "b_q_skip_": ("button: skip lesson question i + 1", None),
    "b_q_seen_": ("button: put away the reveal of lesson question i + 1", None),
}


def is_declared(key: str) -> bool:
    """True when ``key`` is a setting, a setting's widget, a declared key or of a declared
    family (a per-layer widget's index must be below ``MAX_HIDDEN_LAYERS``)."""
    if key in BY_NAME or key in SESSION_KEYS:
        return True
    if key.startswith(WIDGET_PREFIX) and key[len(WIDGET_PREFIX) :] in BY_NAME:
        return True
    for prefix in SESSION_PREFIXES:
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            return rest.isdigit() and int(rest) < MAX_HIDDEN_LAYERS
    return False


def layer_key(prefix: str, i: int) -> str:
    """The key of hidden layer i's widget (i = 0 for layer 2): ``layer_key("w_units_", 0)``."""
    if prefix not in SESSION_PREFIXES:
        raise ValueError(f"{prefix!r} is not a declared family of keys.")
    return f"{prefix}{int(i)}"


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _names(values: Sequence[Any], fmt: Callable[[Any], str] | None) -> str:
    """The allowed values, for a Markdown message (names such as cross_entropy escaped)."""
    return text.escape_markdown(", ".join(str(v) for v in values))


def validate(setting: Setting, value: Any) -> Any:
    """Return ``value`` converted to the setting's type, or raise ValueError saying why.

    Accepts the Python value or its URL text (``"0.3"``, ``"4,2"``, ``"true"``).  The message
    quotes at most ``text.QUOTE_CHARS`` characters of the value, escaped for Markdown.
    """
    kind = setting.kind
    allowed = setting.allowed()
    shown = text.quote(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{setting.label} must be true or false, not {shown}.")
    if kind == "choice":
        if value in allowed:
            return value
        if isinstance(value, str):
            for c in allowed:  # URL text of a numeric choice
                if str(c) == value:
                    return c
        raise ValueError(f"{setting.label}: {shown} is not one of {_names(allowed, setting.fmt)}.")
    if kind in ("int", "float"):
        try:
            num = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{setting.label} must be a number, not {shown}.") from None
        if not math.isfinite(num):
            raise ValueError(f"{setting.label} must be a finite number, not {shown}.")
        if kind == "int":
            if not num.is_integer():
                raise ValueError(f"{setting.label} must be a whole number, not {shown}.")
            num = int(num)
        if allowed:
            for c in allowed:
                if _close(float(c), float(num)):
                    return c
            raise ValueError(
                f"{setting.label} must be one of {_names(allowed, setting.fmt)}, not {shown}."
            )
        if (setting.lo is not None and num < setting.lo) or (
            setting.hi is not None and num > setting.hi
        ):
            raise ValueError(
                f"{setting.label} must be between {setting.lo:g} and {setting.hi:g}, not {shown}."
            )
        return num
    if kind in ("ints", "choices"):
        if isinstance(value, str):
            items: list[Any] = [] if value.strip() == "" else value.split(",")
        elif isinstance(value, Sequence):
            items = list(value)
        else:
            raise ValueError(f"{setting.label} must be a list, not {shown}.")
        items = [i.strip() if isinstance(i, str) else i for i in items]
        if setting.max_len is not None and len(items) > setting.max_len:
            raise ValueError(
                f"{setting.label}: at most {setting.max_len} entries, not {len(items)}."
            )
        if len(items) < setting.min_len:
            raise ValueError(f"{setting.label}: choose at least {setting.min_len}.")
        inner = setting.item()
        out = tuple(validate(inner, i) for i in items)
        if len(set(out)) != len(out) and setting.name == "features":
            raise ValueError(f"{setting.label}: each may be chosen only once.")
        return out
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


def fit_acts(hidden: Sequence[int], acts: Sequence[str]) -> tuple[str, ...]:
    """One activation per hidden layer: extend with the last one (or the course's sigmoid),
    or cut."""
    acts = tuple(acts)
    fill = acts[-1] if acts else DEFAULT_ACTIVATION
    return tuple(acts[: len(hidden)]) + (fill,) * max(0, len(hidden) - len(acts))


def settings_from_query(query: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validated settings from URL parameters: (values for every setting, notes).

    Unknown parameters are ignored; a bad value keeps the default and adds a note (Markdown,
    the value quoted and escaped by :func:`validate`).
    """
    values = {s.name: s.default for s in SCHEMA}
    notes = []
    preset = _preset_from_query(query, notes)
    if preset:  # the preset's settings first; the link's own values go on top of them
        values.update(preset_values(preset))
        values["preset"] = preset
    for s in URL_SETTINGS:
        if s.url not in query or s.name == "preset":
            continue
        raw = query[s.url]
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        raw = URL_ALIASES.get(s.name, {}).get(raw, raw)  # an old link's value
        if s.name == "dataset" and raw == CSV_DATASET:  # a link cannot carry the file
            notes.append("The link names an uploaded CSV file, which a link cannot carry.")
            continue
        try:
            values[s.name] = validate(s, raw)
        except ValueError as err:
            notes.append(f"The link's value for “{s.label}” was not used: {err}")
    # the per-layer activations follow the number of hidden layers
    values["acts"] = fit_acts(values["hidden"], values["acts"])
    # a data set gets the output unit and loss of its registry entry (``head``), unless the
    # link says which
    if not preset and not any(BY_NAME[n].url in query for n in ("output", "loss")):
        values["output"], values["loss"] = _dataset_head(values["dataset"])
    # …and the settings its entry names (``DatasetInfo.defaults``), unless the link says
    if not preset:
        for k, v in _dataset_defaults(values["dataset"]).items():
            if BY_NAME[k].url not in query:
                values[k] = v
    return values, notes


def _dataset_defaults(name: str) -> dict[str, Any]:
    """The settings a data set starts with besides its head: its entry's ``defaults``."""
    info = bp_datasets.DATASET_INFO.get(name)
    return dict(info.defaults) if info is not None else {}


def _dataset_head(name: str) -> tuple[str, str]:
    """The (output, loss) a data set starts with: its registry entry's ``head``."""
    info = bp_datasets.DATASET_INFO.get(name)
    return tuple(info.head) if info is not None else bp_datasets.default_head("classification")


def _preset_from_query(query: Mapping[str, Any], notes: list[str]) -> str:
    """The link's preset name, validated ("" for none or a refused one, with a note)."""
    s = BY_NAME["preset"]
    raw = query.get(s.url, "")
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    try:
        return validate(s, raw)
    except ValueError as err:
        notes.append(f"The link's value for “{s.label}” was not used: {err}")
        return ""


def preset_values(name: str) -> dict[str, Any]:
    """The settings of preset ``name`` (``bp_core.presets.PRESETS``), each validated by its
    setting here (ValueError if one is refused: a preset the Playground cannot show)."""
    if name not in PRESETS:
        raise ValueError(f"{text.quote(name)} is not a preset.")
    out = {k: validate(BY_NAME[k], v) for k, v in PRESETS[name].settings.items()}
    for s in SCHEMA:  # a network setting the preset does not name (e.g. L2 / L1): its default
        if s.group in NETWORK_GROUPS:
            out.setdefault(s.name, s.default)
    return out


def settings_to_query(state: Mapping[str, Any]) -> dict[str, str]:
    """URL parameters for the settings that differ from their defaults (from the preset's
    settings, when the link names a preset: the link opens with the preset, then these)."""
    out = {}
    base = {s.name: s.default for s in URL_SETTINGS}
    head = ("output", "loss")
    if state.get("preset") in PRESETS:
        base.update(preset_values(state["preset"]))
    elif all(n in state for n in ("dataset", *head)):
        # a link without output and loss gets its data set's task's (settings_from_query):
        # write neither when they are that head, else both
        theirs = _dataset_head(state["dataset"])
        same = (state["output"], state["loss"]) == theirs
        base.update(zip(head, theirs if same else (None, None), strict=True))
        base.update(_dataset_defaults(state["dataset"]))  # what a link to it starts with
    for s in URL_SETTINGS:
        if s.name not in state or s.name == "example":
            continue
        v = state[s.name]
        if s.name == "dataset" and v == CSV_DATASET:
            continue
        if v != base[s.name]:
            out[s.url] = to_text(s, v)
    return out


def init_session(state: MutableMapping[str, Any], query: Mapping[str, Any]) -> None:
    """First run of a session: settings from the URL (validated) or defaults.

    Later runs change nothing here, so the URL is read once per session.
    """
    if state.get("_initialized"):
        return
    values, notes = settings_from_query(query)
    for name, v in values.items():
        state.setdefault(name, v)
    if values["epoch"] or values["step"]:  # the link's epoch, replayed once the Lab is built
        state["_replay"] = (values["epoch"], values["step"])
    state["_url_notes"] = notes
    state["playing"] = False
    state["_initialized"] = True


# ---------------------------------------------------------------------------------------------
# Settings and their widgets
# ---------------------------------------------------------------------------------------------


def widget_key(name: str) -> str:
    """The widget key of setting ``name``: ``"w_" + name``."""
    if name not in BY_NAME:
        raise ValueError(f"{name!r} is not a declared setting.")
    return WIDGET_PREFIX + name


def set_setting(state: MutableMapping[str, Any], name: str, value: Any) -> Any:
    """Set a setting (validated; ValueError if refused) and drop its widget's stale value."""
    state[name] = v = validate(BY_NAME[name], value)
    state.pop(widget_key(name), None)
    return v


def clamp(setting: Setting, value: Any) -> Any:
    """``value`` moved into the setting's [lo, hi] (a number setting without choices)."""
    if setting.lo is not None and value < setting.lo:
        return type(value)(setting.lo)
    if setting.hi is not None and value > setting.hi:
        return type(value)(setting.hi)
    return value


def seed_widget(
    state: MutableMapping[str, Any], name: str, lo: float | None = None, hi: float | None = None
) -> str:
    """The widget key of setting ``name``, its value seeded from the setting.

    ``lo``/``hi`` are bounds that depend on the data (e.g. an example number i ≤ m): a setting
    outside them is moved inside first, so the widget is never drawn with a value it refuses.
    """
    s = BY_NAME[name]
    key = widget_key(name)
    if (lo is not None or hi is not None) and s.kind in ("int", "float") and not s.choices:
        inside = clamp(s.bounded(lo, hi), state[name])
        if inside != state[name]:
            state[name] = inside
            state.pop(key, None)
    if key not in state:
        value = state[name]
        state[key] = list(value) if isinstance(value, tuple) else value
    return key


def sync_from_widget(state: MutableMapping[str, Any], name: str) -> bool:
    """``on_change`` callback: copy the widget's value into the setting (validated).

    A refused value (never offered by the widget, but a session can be poked) puts the old
    value back in the widget.  Returns whether the setting took the value.
    """
    key = widget_key(name)
    try:
        state[name] = validate(BY_NAME[name], state[key])
        return True
    except ValueError:
        state[key] = list(state[name]) if isinstance(state[name], tuple) else state[name]
        return False


def sync_layer_widget(state: MutableMapping[str, Any], prefix: str, i: int) -> bool:
    """``on_change`` of hidden layer i's units (``"w_units_"``) or activation (``"w_act_"``)
    widget: validate against the "hidden" / "acts" setting's entry and store it there."""
    name = {"w_units_": "hidden", "w_act_": "acts"}[prefix]
    key = layer_key(prefix, i)
    values = list(state[name])
    if not 0 <= i < len(values):
        state.pop(key, None)
        return False
    try:
        values[i] = validate(SESSION_PREFIXES[prefix][1], state[key])
    except ValueError:
        state[key] = values[i]
        return False
    state[name] = validate(BY_NAME[name], values)
    return True


def drop_layer_widgets(state: MutableMapping[str, Any]) -> None:
    """Forget the per-layer widgets' values (after the layers were added, removed, replaced)."""
    families = ("w_units_", "w_act_")
    for k in [k for k in state if isinstance(k, str) and k.startswith(families)]:
        del state[k]


def note(state: MutableMapping[str, Any], message: str) -> None:
    """A short notice for the next run (Markdown; quote user values with ``text.quote``)."""
    state["_notes"] = [*state.get("_notes", []), message]


__all__ = [
    "ALPHAS",
    "BATCH_SIZES",
    "BY_NAME",
    "CSV_DATASET",
    "LAMBDAS",
    "MAX_HIDDEN_LAYERS",
    "MAX_LINK_EPOCHS",
    "MAX_LINK_STEPS",
    "MAX_UNITS",
    "NO_BUG",
    "N_POINTS",
    "SCHEMA",
    "SESSION_KEYS",
    "SESSION_PREFIXES",
    "SPEEDS",
    "Setting",
    "fit_acts",
    "init_session",
    "is_declared",
    "layer_key",
    "note",
    "preset_values",
    "set_setting",
    "settings_from_query",
    "settings_to_query",
    "to_text",
    "validate",
    "clamp",
    "drop_layer_widgets",
    "seed_widget",
    "sync_from_widget",
    "sync_layer_widget",
    "widget_key",
]
