"""Sidebar and toolbar widgets of the Playground (each ``*_ui`` renders and returns).

Every widget is keyed ``"w_" + setting`` and copies its value into the setting (see
:mod:`lab_ui.state`) in its ``on_change`` callback; nothing here computes the network.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
import streamlit as st

from bp_core import ACTIVATIONS, INITIALIZERS, LOSSES, OUTPUTS
from bp_core import datasets as bp_datasets
from bp_core.optimizers import OPTIMIZERS
from lab_ui import state
from lab_ui.frames import pretty_feature

ss = st.session_state

DATASET_LABELS = {
    "circle": "Circle",
    "xor": "Exclusive or (XOR)",
    "gaussians": "Two Gaussians",
    "spiral": "Spiral",
    "moons": "Two moons",
    "blobs": "Blobs (K classes)",
    "plane": "Plane (regression)",
    "gaussian_bumps": "Gaussian bumps (regression)",
    "digits": "Handwritten digits 8×8",
    state.CSV_DATASET: "Your CSV file",
}
LOSS_LABELS = {"cross_entropy": "cross-entropy (logistic cost)", "mse": "squared error"}


def _label(registry: dict, name: str) -> str:
    item = registry.get(name)
    return getattr(item, "label", None) or name


def _on(name: str):
    return lambda: state.sync_from_widget(ss, name)


def once(key: str, fn, *args, window: float = 0.0) -> dict:
    """``on_click``/``args`` for a button whose action must run once per click.

    While the live view ticks, Streamlit sometimes delivers one click twice: again in the
    rerun that follows, to the button as redrawn there (measured: a Pause undone by a
    replayed click about 1 press in 4, which looked like a lost click).  A second delivery
    is recognised by the button's token (fixed when the button was drawn, advanced by the
    first delivery) or, for a button redrawn in between (Play ↔ Pause), by arriving within
    ``window`` seconds of the first.
    """
    token = ss.get("_tok_" + key, 0)
    return {"on_click": _run_once, "args": (key, token, fn, args, window)}


PLAY_REPLAY_WINDOW_S = 0.5


def _run_once(key: str, token: int, fn, args: tuple, window: float) -> None:
    now = time.monotonic()
    if ss.get("_tok_" + key, 0) != token or now - ss.get("_t_" + key, -1e9) < window:
        return
    ss["_tok_" + key] = token + 1
    ss["_t_" + key] = now
    fn(*args)


def _dataset_changed() -> None:
    before = ss["dataset"]
    state.sync_from_widget(ss, "dataset")
    after = ss["dataset"]
    task = _task(after)
    if task != _task(before):
        # Pick the course's output + loss for the new kind of problem.
        if task == "regression":
            ss["output"], ss["loss"] = "linear", "mse"
        else:
            ss["output"], ss["loss"] = "sigmoid", "cross_entropy"
        for n in ("output", "loss"):
            ss.pop("w_" + n, None)
        ss["_note"] = (
            f"Output unit set to {ss['output']} with {LOSS_LABELS[ss['loss']]} "
            f"for a {task} problem."
        )


def _task(name: str) -> str:
    if name == state.CSV_DATASET:
        return ss.get("_csv_task", "classification")
    return bp_datasets.TASKS.get(name, "classification")


def _new_seed() -> None:
    ss["seed"] = (int(ss["seed"]) + 1) % 1_000_000
    ss.pop("w_seed", None)


def data_ui() -> None:
    """Data set, noise, split, number of examples, features, scaling, seed, CSV upload."""
    # The uploader is drawn last but must run first: a new file switches the data set,
    # and a widget's value may only be changed before that widget is drawn.
    controls = st.container()
    csv_ui()
    with controls:
        _data_controls_ui()


def _data_controls_ui() -> None:
    names = list(bp_datasets.DATASET_NAMES)
    if ss.get("_csv_bytes") is not None:
        names.append(state.CSV_DATASET)
    if ss["dataset"] not in names:
        ss["dataset"] = state.BY_NAME["dataset"].default
        ss.pop("w_dataset", None)
    csv_name = ss.get("_csv_name", "")
    st.selectbox(
        "Data set",
        names,
        key=state.widget_key(ss, "dataset"),
        format_func=lambda n: DATASET_LABELS.get(n, n) + (f": {csv_name}" if n == "csv" else ""),
        on_change=_dataset_changed,
    )
    name = ss["dataset"]
    info = bp_datasets.DATASET_INFO.get(name)
    if info is not None:
        st.caption(info.description)
    generated = name in bp_datasets.GENERATORS
    planar = generated or (name == state.CSV_DATASET and ss.get("_csv_planar"))
    st.slider(
        "Noise",
        0.0,
        1.0,
        step=0.05,
        key=state.widget_key(ss, "noise"),
        on_change=_on("noise"),
        disabled=not generated,
        help=f"For this data set: {info.noise}." if info and info.noise else None,
    )
    st.slider(
        "Training examples (%)",
        10,
        90,
        step=5,
        key=state.widget_key(ss, "train_pct"),
        on_change=_on("train_pct"),
        help="The rest are test examples, never trained on.",
    )
    st.select_slider(
        "Number of examples m (train + test)",
        state.N_POINTS,
        key=state.widget_key(ss, "n_points"),
        on_change=_on("n_points"),
        disabled=not generated,
    )
    if name == "blobs":
        st.slider(
            "Classes K", 2, 10, key=state.widget_key(ss, "n_classes"), on_change=_on("n_classes")
        )
    st.multiselect(
        "Input features",
        list(bp_datasets.FEATURES),
        key=state.widget_key(ss, "features"),
        on_change=_features_changed,
        format_func=pretty_feature,
        disabled=not planar,
        help="What the input layer gets: the point (x₁, x₂) or functions of it.",
    )
    st.toggle(
        "Feature scaling (mean 0, std 1)",
        key=state.widget_key(ss, "standardize"),
        on_change=_on("standardize"),
        help="Standardize every input feature with the training set's mean and spread.",
    )
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    c1.number_input(
        "Random seed", 0, 999_999, step=1, key=state.widget_key(ss, "seed"), on_change=_on("seed")
    )
    c2.button(
        "New data",
        **once("b_new_data", _new_seed),
        key="b_new_data",
        help="Regenerate with the next seed.",
    )


def _features_changed() -> None:
    key = "w_features"
    if not ss.get(key):
        ss[key] = list(ss["features"])
        ss["_note"] = "Keep at least one input feature."
        return
    state.sync_from_widget(ss, "features")


def csv_ui() -> None:
    """Upload a CSV (validated by bp_core.datasets.load_csv); a bad file changes nothing."""
    up = st.file_uploader(
        "Or upload a CSV (header, feature columns, last column `label`)",
        type=["csv", "txt"],
        key="w_csv",
        help="Example:\n\nx1,x2,label\n0.5,-1.2,1\n-0.3,0.8,0",
    )
    if up is None:
        return
    data = up.getvalue()
    token = hashlib.sha1(data).hexdigest()[:12]
    if ss.get("_csv_seen") == token:
        return
    ss["_csv_seen"] = token
    try:
        ds = bp_datasets.load_csv(data, rng=np.random.default_rng(0))
    except ValueError as err:
        ss["_csv_error"] = (
            f"“{up.name}” was not loaded: {err} Your current data and network are unchanged."
        )
        return
    ss["_csv_error"] = ""
    ss["_csv_bytes"] = data
    ss["_csv_token"] = token
    ss["_csv_name"] = up.name
    ss["_csv_planar"] = ds.raw_train is not None
    ss["_csv_task"] = ds.task
    before = ss["dataset"]
    ss["dataset"] = state.CSV_DATASET
    ss.pop("w_dataset", None)
    if not ss["_csv_planar"]:
        ss["features"] = ("x1", "x2")
    if _task(before) != ds.task:
        ss["output"], ss["loss"] = (
            ("linear", "mse") if ds.task == "regression" else ("sigmoid", "cross_entropy")
        )
        ss.pop("w_output", None)
        ss.pop("w_loss", None)
    ss["_note"] = (
        f"Loaded “{up.name}”: {ds.m_train + ds.m_test} rows, {ds.n_features} features, "
        f"{ds.task}" + (f" with {ds.n_classes} classes." if ds.n_classes else ".")
    )


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def _set_layers(hidden: list[int], acts: list[str]) -> None:
    ss["hidden"] = tuple(hidden)
    ss["acts"] = state.fit_acts(hidden, acts)
    for k in [k for k in ss if isinstance(k, str) and k.startswith(("w_units_", "w_act_"))]:
        del ss[k]


def _add_layer() -> None:
    hidden, acts = list(ss["hidden"]), list(ss["acts"])
    if len(hidden) >= state.MAX_HIDDEN_LAYERS:
        ss["_note"] = f"At most {state.MAX_HIDDEN_LAYERS} hidden layers."
        return
    hidden.append(hidden[-1] if hidden else 4)
    acts.append(acts[-1] if acts else "tanh")
    _set_layers(hidden, acts)


def _remove_layer(i: int) -> None:
    hidden, acts = list(ss["hidden"]), list(ss["acts"])
    if 0 <= i < len(hidden):
        del hidden[i]
        del acts[i]
    _set_layers(hidden, acts)


def _units_changed(i: int) -> None:
    hidden = list(ss["hidden"])
    v = ss.get(f"w_units_{i}")
    if v is None:
        return
    hidden[i] = int(min(max(int(v), 1), state.MAX_UNITS))
    ss["hidden"] = tuple(hidden)


def _act_changed(i: int) -> None:
    acts = list(ss["acts"])
    acts[i] = ss[f"w_act_{i}"]
    ss["acts"] = tuple(acts)


def _preset(hidden: tuple[int, ...], act: str) -> None:
    _set_layers(list(hidden), [act] * len(hidden))


def network_ui() -> None:
    """Architecture editor (hidden layers: units and activation each), output, loss, init."""
    hidden, acts = list(ss["hidden"]), list(state.fit_acts(ss["hidden"], ss["acts"]))
    st.caption(f"Layer 1: {_n_inputs()} input units (the features)")
    for i, (units, act) in enumerate(zip(hidden, acts, strict=True)):
        c1, c2, c3 = st.columns([5, 6, 2], vertical_alignment="bottom")
        uk, ak = f"w_units_{i}", f"w_act_{i}"
        if uk not in ss:
            ss[uk] = units
        if ak not in ss:
            ss[ak] = act
        c1.number_input(
            f"Layer {i + 2} units",
            1,
            state.MAX_UNITS,
            step=1,
            key=uk,
            on_change=_units_changed,
            args=(i,),
        )
        c2.selectbox(
            f"g in layer {i + 2}",
            list(ACTIVATIONS),
            key=ak,
            format_func=lambda n: _label(ACTIVATIONS, n),
            on_change=_act_changed,
            args=(i,),
        )
        c3.button(
            "",
            icon=":material/close:",
            key=f"b_rm_{i}",
            **once(f"b_rm_{i}", _remove_layer, i),
            help=f"Remove hidden layer {i + 2}",
        )
    c1, c2 = st.columns(2)
    c1.button(
        "Add layer",
        icon=":material/add:",
        key="b_add_layer",
        **once("b_add_layer", _add_layer),
        disabled=len(hidden) >= state.MAX_HIDDEN_LAYERS,
    )
    c2.button(
        "8 × 32 sigmoid",
        key="b_deep",
        **once("b_deep", _preset, (32,) * 8, "sigmoid"),
        help="A deep sigmoid net: watch ‖D⁽ˡ⁾‖ vanish in the early layers.",
    )
    st.selectbox(
        "Output unit (layer L)",
        list(OUTPUTS),
        key=state.widget_key(ss, "output"),
        on_change=_on("output"),
        format_func=lambda n: _label(OUTPUTS, n),
    )
    st.selectbox(
        "Loss J",
        list(LOSSES),
        key=state.widget_key(ss, "loss"),
        on_change=_on("loss"),
        format_func=lambda n: LOSS_LABELS.get(n, _label(LOSSES, n)),
    )
    st.selectbox(
        "Initialization of Θ",
        [k for k in INITIALIZERS if k != "debug"],
        key=state.widget_key(ss, "init"),
        on_change=_on("init"),
        format_func=lambda n: _label(INITIALIZERS, n),
        help="How the weights are drawn before training (from the random seed).",
    )


def _n_inputs() -> int:
    lab = ss.get("lab")
    return lab.dataset.n_features if lab is not None else len(ss["features"])


def _fmt_num(v: float) -> str:
    return f"{v:g}"


def training_ui() -> None:
    """α, λ, batch size and optimizer."""
    st.select_slider(
        "Learning rate α",
        state.ALPHAS,
        key=state.widget_key(ss, "alpha"),
        on_change=_on("alpha"),
        format_func=_fmt_num,
    )
    st.select_slider(
        "Regularization λ",
        state.LAMBDAS,
        key=state.widget_key(ss, "lambda_"),
        on_change=_on("lambda_"),
        format_func=_fmt_num,
        help="J gets + λ/(2m) Σ Θ² over all non-bias weights.",
    )
    st.select_slider(
        "Batch size",
        state.BATCH_SIZES,
        key=state.widget_key(ss, "batch"),
        on_change=_on("batch"),
        format_func=lambda b: "all" if b == 0 else str(b),
        help="Examples per gradient step: 'all' is the course's (full-batch) gradient descent, "
        "1 is stochastic gradient descent.",
    )
    st.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        key=state.widget_key(ss, "optimizer"),
        on_change=_on("optimizer"),
        format_func=lambda n: _label(OPTIMIZERS, n),
    )


def sidebar_ui() -> None:
    """The whole Playground sidebar."""
    with st.sidebar:
        with st.expander("**Data**", expanded=True):
            data_ui()
        with st.expander("**Network**", expanded=True):
            network_ui()
        with st.expander("**Training**", expanded=True):
            training_ui()


# ---------------------------------------------------------------------------------------------
# Toolbar (inside the live fragment)
# ---------------------------------------------------------------------------------------------


def _set_playing(on: bool) -> None:
    """Play (on=True) or Pause.  Takes the wanted state rather than toggling, so a click that
    Streamlit happens to deliver twice (a fragment tick racing the click) cannot undo itself."""
    lab = ss.get("lab")
    if on and lab is not None and lab.trainer.diverged:
        ss["_note"] = "Training has diverged: press Reset (and try a smaller α) first."
        return
    ss["playing"] = on


def _step(kind: str) -> None:
    ss["playing"] = False
    lab = ss.get("lab")
    if lab is None:
        return
    if kind == "batch":
        lab.trainer.step()
    else:
        lab.trainer.run_epoch()


def _reset() -> None:
    state.reset_lab(ss)


def toolbar_ui(m_train: int) -> None:
    """Play/Pause, Step (mini-batch, epoch), Reset, speed; and the diagram's view options."""
    c = st.columns([1.3, 1.5, 1.3, 1.1, 3.2], vertical_alignment="bottom")
    c[0].button(
        "Pause" if ss["playing"] else "Play",
        icon=":material/pause:" if ss["playing"] else ":material/play_arrow:",
        key="b_play",
        **once("b_play", _set_playing, not ss["playing"], window=PLAY_REPLAY_WINDOW_S),
        type="primary",
        width="stretch",
    )
    c[1].button(
        "Step 1 mini-batch",
        key="b_step_batch",
        **once("b_step_batch", _step, "batch"),
        width="stretch",
    )
    c[2].button(
        "Step 1 epoch", key="b_step_epoch", **once("b_step_epoch", _step, "epoch"), width="stretch"
    )
    c[3].button(
        "Reset",
        icon=":material/restart_alt:",
        key="b_reset",
        **once("b_reset", _reset),
        width="stretch",
        help="Back to epoch 0 with the same initial Θ.",
    )
    c[4].select_slider(
        "Speed",
        state.SPEEDS,
        key=state.widget_key(ss, "speed"),
        on_change=_on("speed"),
        format_func=lambda s: state.SPEED_LABELS.get(s, f"{s} epochs per frame"),
    )
    v = st.columns([2.6, 2.2, 1.3, 1.3, 1.2], vertical_alignment="bottom")
    v[0].segmented_control(
        "Diagram",
        ["forward", "backward"],
        key=state.widget_key(ss, "mode"),
        on_change=_mode_changed,
        format_func=lambda m: "Forward: a⁽ˡ⁾, Θ⁽ˡ⁾" if m == "forward" else "Backward: δ⁽ˡ⁾, D⁽ˡ⁾",
    )
    if ss["example"] > m_train:
        ss["example"] = 0
        ss.pop("w_example", None)
    v[1].number_input(
        f"Example i (1…{m_train}; 0 = whole batch)",
        0,
        m_train,
        step=1,
        key=state.widget_key(ss, "example"),
        on_change=_on("example"),
        help="Show one training example x⁽ⁱ⁾ in the diagram, or 0 for the mean over all.",
    )
    v[2].toggle("Test points", key=state.widget_key(ss, "show_test"), on_change=_on("show_test"))
    v[3].toggle(
        "Discretize",
        key=state.widget_key(ss, "discretize"),
        on_change=_on("discretize"),
        help="Colour by predicted class only.",
    )
    v[4].toggle("log J", key=state.widget_key(ss, "log_cost"), on_change=_on("log_cost"))


def _mode_changed() -> None:
    if ss.get("w_mode") is None:  # segmented control clicked off: keep the mode
        ss["w_mode"] = ss["mode"]
        return
    state.sync_from_widget(ss, "mode")


def image_data_ui(lab: state.Lab, n_images: int = 16) -> None:
    """For image data (the digits): the input plane does not exist, so show what the network
    makes of the test images and its confusion matrix instead.  Numbers from bp_core."""
    from bp_core import predict
    from bp_core.metrics import confusion_matrix
    from lab_ui import figures

    ds = lab.dataset
    if ds.image_shape is None or ds.m_test == 0:
        return
    pred = predict(lab.cfg, lab.trainer.Theta, ds.X_test, ds.task)  # (m_test,)
    k = min(n_images, ds.m_test)
    images = ds.X_test[:k].reshape(k, *ds.image_shape)
    names = ds.class_names or tuple(str(c) for c in range(ds.n_classes))
    st.subheader(f"What the network makes of the {ds.name} (epoch {lab.trainer.epoch})")
    left, right = st.columns([3, 2])
    left.plotly_chart(
        figures.image_predictions_figure(images, ds.y_test[:k], pred[:k], names),
        key="digits_images",
    )
    right.plotly_chart(
        figures.confusion_figure(confusion_matrix(ds.y_test, pred, ds.n_classes), names),
        key="digits_confusion",
    )
