"""Sidebar and toolbar widgets of the Playground (each ``*_ui`` renders and returns).

Every setting's widget is drawn from the schema (:func:`lab_ui.shared.widgets.setting_ui`: bounds,
label, option names) and copies its value into the setting in its ``on_change`` callback;
the per-layer widgets are validated against the "hidden" / "acts" settings' entries
(:func:`lab_ui.shared.schema.sync_layer_widget`).  Every change is a callback, the CSV upload
included, so the page brings its Lab in line once, before drawing anything.  Nothing here
computes the network.
"""

from __future__ import annotations

import streamlit as st

from bp_core import ACTIVATIONS
from bp_core import datasets as bp_datasets
from bp_core.config import DEFAULT_ACTIVATION, REGULARIZATIONS
from bp_core.optimizers import OPTIMIZERS
from lab_ui.playground.presets_ui import presets_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import presenter_ui, schema, text
from lab_ui.shared.schema import CSV_DATASET, MAX_HIDDEN_LAYERS, MAX_UNITS
from lab_ui.shared.widgets import option_index, setting_ui

ss = st.session_state

#: The deep preset: enough sigmoid layers to watch ‖D⁽ˡ⁾‖ vanish in the early ones.
DEEP_PRESET = ((32,) * 8, "sigmoid")

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def _dataset_changed() -> None:
    """A data set of another kind gets the course's output unit and loss for its task, and
    every data set the settings its registry entry names (``DatasetInfo.defaults``)."""
    task = lab_mod.task_of(ss, ss["dataset"])
    lab = ss.get("lab")
    if lab is None or lab.dataset.task != task:
        message = lab_mod.apply_head(ss, task, lab_mod.head_of(ss, ss["dataset"]))
        if message:
            schema.note(ss, message)
    old = lab.dataset.name if lab is not None else ""
    message = lab_mod.apply_dataset_defaults(ss, old, ss["dataset"])
    if message:
        schema.note(ss, message)


def _new_seed() -> None:
    schema.set_setting(ss, "seed", (int(ss["seed"]) + 1) % 1_000_000)


def _csv_uploaded() -> None:
    """A new file: parse it once (bp_core.datasets.load_csv) and switch to it; a bad file
    changes nothing and says why, quoting at most a few dozen characters of it."""
    up = ss.get("w_csv")
    if up is None:
        return
    data, name = up.getvalue(), text.clip(up.name, 80)
    try:
        csv = lab_mod.load_csv_file(ss, data, name)
    except ValueError as err:
        ss["_csv_error"] = (
            f"{text.quote(name)} was not loaded: {text.plain(err)} Your current data and "
            "network are unchanged."
        )
        return
    ss["_csv_error"] = ""
    ss["_csv"] = csv
    schema.set_setting(ss, "dataset", CSV_DATASET)
    schema.set_setting(ss, "features", ("x1", "x2"))
    ds = csv.dataset
    kind = f"{ds.task} with {ds.n_classes} classes" if ds.n_classes else ds.task
    schema.note(
        ss,
        f"Loaded {text.quote(name)}: {ds.m_train + ds.m_test} rows, {ds.n_features} features, "
        f"{kind}.",
    )
    _dataset_changed()


def data_ui(lab: lab_mod.Lab) -> None:
    """Data set, noise, split, number of examples, features, scaling, seed, CSV upload."""
    csv: lab_mod.CsvFile | None = ss.get("_csv")
    names = list(bp_datasets.DATASET_NAMES) + ([CSV_DATASET] if csv is not None else [])
    name = setting_ui("dataset", options=names, after=_dataset_changed)
    info = bp_datasets.DATASET_INFO.get(name)
    if name == CSV_DATASET and csv is not None:
        ds = csv.dataset
        st.caption(
            f"File {text.quote(csv.name)}: {ds.m_train + ds.m_test} rows, "
            f"{ds.n_features} feature columns, {ds.task}."
        )
    elif info is not None:
        st.caption(text.escape_markdown(info.description))
    # what each control does for this data set is a fact of its registry entry
    planar = info.planar if info is not None else csv is not None and csv.planar
    setting_ui(
        "noise",
        disabled=info is None or not info.noise,
        help=f"For this data set: {info.noise}." if info and info.noise else None,
    )
    setting_ui("train_pct")
    setting_ui("n_points", disabled=info is None or not info.sized)
    if info is not None and info.classes_setting:
        setting_ui("n_classes")
    setting_ui("features", on_change=_features_changed, disabled=not planar)
    setting_ui("standardize")
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    setting_ui("seed", c1)
    c2.button(
        "New data",
        on_click=_new_seed,
        key="b_new_data",
        width="stretch",
        help="Regenerate with the next seed.",
    )
    st.file_uploader(
        "Or upload a CSV (header, feature columns, last column `label`)",
        type=["csv", "txt"],
        key="w_csv",
        on_change=_csv_uploaded,
        help="Example:\n\nx1,x2,label\n0.5,-1.2,1\n-0.3,0.8,0",
    )


def _features_changed() -> None:
    if not ss.get("w_features"):
        ss["w_features"] = list(ss["features"])
        schema.note(ss, "Keep at least one input feature.")
        return
    schema.sync_from_widget(ss, "features")


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def _set_layers(hidden: list[int], acts: list[str]) -> None:
    schema.set_setting(ss, "hidden", tuple(hidden))
    schema.set_setting(ss, "acts", schema.fit_acts(hidden, acts))
    schema.drop_layer_widgets(ss)


def _add_layer() -> None:
    hidden, acts = list(ss["hidden"]), list(ss["acts"])
    if len(hidden) >= MAX_HIDDEN_LAYERS:
        schema.note(ss, f"At most {MAX_HIDDEN_LAYERS} hidden layers.")
        return
    hidden.append(hidden[-1] if hidden else 4)
    acts.append(acts[-1] if acts else DEFAULT_ACTIVATION)
    _set_layers(hidden, acts)


def _remove_layer(i: int) -> None:
    hidden, acts = list(ss["hidden"]), list(ss["acts"])
    if 0 <= i < len(hidden):
        del hidden[i]
        del acts[i]
    _set_layers(hidden, acts)


def _preset(hidden: tuple[int, ...], act: str) -> None:
    _set_layers(list(hidden), [act] * len(hidden))


def layers_ui() -> None:
    """One row per hidden layer: its units s_l, its activation g, a remove button."""
    hidden, acts = ss["hidden"], schema.fit_acts(ss["hidden"], ss["acts"])
    act_fmt = schema.BY_NAME["acts"].fmt
    for i, (units, act) in enumerate(zip(hidden, acts, strict=True)):
        l = i + 2  # hidden layer i is course layer i + 2
        uk, ak = schema.layer_key("w_units_", i), schema.layer_key("w_act_", i)
        ss.setdefault(uk, units)
        ss.setdefault(ak, act)
        c1, c2, c3 = st.columns([5, 6, 3], vertical_alignment="bottom")
        c1.number_input(
            f"Units s{text.subscript(l)}",
            1,
            MAX_UNITS,
            int(ss[uk]),  # its value is its default too (widgets.setting_ui says why)
            step=1,
            key=uk,
            on_change=schema.sync_layer_widget,
            args=(ss, "w_units_", i),
        )
        c2.selectbox(
            f"g of layer {l}",
            list(ACTIVATIONS),
            option_index(list(ACTIVATIONS), ss[ak]),
            key=ak,
            format_func=act_fmt,
            on_change=schema.sync_layer_widget,
            args=(ss, "w_act_", i),
            help=", ".join(f"{act_fmt(n)}: {a.label}" for n, a in ACTIVATIONS.items()),
        )
        c3.button(
            "",
            icon=":material/close:",
            key=f"b_rm_{i}",
            on_click=_remove_layer,
            args=(i,),
            help=f"Remove hidden layer {l}",
            width="stretch",
        )


def network_ui(lab: lab_mod.Lab) -> None:
    """Architecture editor (hidden layers: units and activation each), output, loss, init."""
    ds = lab.dataset
    st.caption(
        f"Layer 1: {ds.n_features} input unit{'s' * (ds.n_features != 1)} (the features of "
        f"the data set); layer L = {len(ss['hidden']) + 2}: the output."
    )
    layers_ui()
    full = len(ss["hidden"]) >= MAX_HIDDEN_LAYERS
    st.button(
        "Add layer",
        icon=":material/add:",
        key="b_add_layer",
        on_click=_add_layer,
        disabled=full,
        width="stretch",
        help=f"At most {MAX_HIDDEN_LAYERS} hidden layers of {MAX_UNITS} units.",
    )
    hidden, act = DEEP_PRESET
    st.button(
        f"Deep: {len(hidden)} × {hidden[0]} {schema.BY_NAME['acts'].fmt(act)}",
        key="b_deep",
        on_click=_preset,
        args=DEEP_PRESET,
        width="stretch",
        help="A deep sigmoid net: watch ‖D⁽ˡ⁾‖ vanish in the early layers.",
    )
    setting_ui("output")
    setting_ui("loss")
    setting_ui("init")


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def _optimizer_changed() -> None:
    """An optimizer that takes small steps by design (Adam) gets a small α, with a note."""
    cap = OPTIMIZERS[ss["optimizer"]].max_alpha  # a fact of the optimizer's entry
    if cap is not None and ss["alpha"] > cap:
        before = ss["alpha"]
        schema.set_setting(ss, "alpha", cap)
        label = schema.BY_NAME["optimizer"].fmt(ss["optimizer"])
        schema.note(
            ss,
            f"{label} moves each weight by about α per step: α set to {text.number(cap)} "
            f"(it was {text.number(before)}).",
        )


def training_ui() -> None:
    """α, the regularization (L2 / L1) and λ, batch size and optimizer."""
    setting_ui("alpha")
    reg = REGULARIZATIONS[setting_ui("regularization")]  # the registry's entry says its term
    setting_ui(
        "lambda_",
        help=f"J gets + {reg.formula} over all non-bias weights. {reg.description}",
    )
    setting_ui("batch")
    setting_ui("optimizer", after=_optimizer_changed)
    setting_ui("stop")  # Play pauses by itself there (0: never)


def sidebar_ui(lab: lab_mod.Lab) -> None:
    """The whole Playground sidebar: presets, then data, network and training; every widget
    the sidebar's full width."""
    with st.sidebar:
        st.subheader("Presets", divider="gray")
        presets_ui()
        st.subheader("Data", divider="gray")
        data_ui(lab)
        st.subheader("Network", divider="gray")
        network_ui(lab)
        st.subheader("Training", divider="gray")
        training_ui()


# ---------------------------------------------------------------------------------------------
# Toolbar
# ---------------------------------------------------------------------------------------------


def _mode_changed() -> None:
    if ss.get("w_mode") is None:  # segmented control clicked off: keep the mode
        ss["w_mode"] = ss["mode"]
        return
    schema.sync_from_widget(ss, "mode")


def toolbar_ui(lab: lab_mod.Lab, compact: bool = False) -> None:
    """The speed and the diagram's view options (Play/Pause/Step/Reset live in the view).

    ``compact`` (presenter mode): only the speed and the forward / backward switch."""
    # Play/Pause, Step and Reset are the live view's own buttons (lab_ui.live.live_view): they
    # are answered over its channel, without re-running the page.
    if compact:
        c = st.columns([3, 2], vertical_alignment="bottom")
        setting_ui("speed", c[0])
        setting_ui("mode", c[1], on_change=_mode_changed)
        return
    m_train = lab.dataset.m_train
    regression = lab.dataset.task == "regression"
    c = st.columns([3, 2], vertical_alignment="bottom")
    setting_ui("speed", c[0])
    setting_ui("example", c[1], hi=m_train, label=f"Example i (1 … {m_train}; 0 = all)")
    v = st.columns([2.6, 1.3, 1.3, 1.2], vertical_alignment="bottom")
    setting_ui("mode", v[0], on_change=_mode_changed)
    setting_ui("show_test", v[1])
    setting_ui(
        "discretize",
        v[2],
        disabled=regression,
        help="Regression has no classes to colour by."
        if regression
        else schema.BY_NAME["discretize"].help,
    )
    setting_ui("log_cost", v[3])


def classification_ui(lab: lab_mod.Lab, n_images: int = 16, n_mistakes: int = 8) -> None:
    """For a classification problem, what the network makes of the test set: its confusion
    matrix; for image data (the digits, which have no input plane) a few test images with
    their predictions and the misclassified ones, "true → predicted".  Numbers from bp_core
    (``predict``, ``metrics.confusion_matrix``, ``presets.misclassified``)."""
    from bp_core import predict
    from bp_core.metrics import confusion_matrix
    from bp_core.presets import misclassified
    from lab_ui.shared import figures

    ds = lab.dataset
    if ds.task != "classification" or ds.m_test == 0 or not ds.n_classes:
        return
    pred = predict(lab.cfg, lab.trainer.Theta, ds.X_test, ds.task)  # (m_test,)
    # a CSV file's class labels are user text: escaped like every other (a plotly label
    # renders no Markdown, but the page's text must never hold a link or LaTeX form)
    names = tuple(
        text.escape_markdown(text.clip(c, 20))
        for c in (ds.class_names or tuple(str(c) for c in range(ds.n_classes)))
    )
    confusion = figures.confusion_figure(confusion_matrix(ds.y_test, pred, ds.n_classes), names)
    name, epoch = text.escape_markdown(text.clip(ds.name)), lab.trainer.epoch
    if ds.image_shape is None:
        st.subheader(f"Test set: true class against predicted (epoch {epoch})")
        figure = presenter_ui.figure(confusion)
        st.columns([1, 1])[0].plotly_chart(figure, key="confusion")  # half width: K × K
        return
    k = min(n_images, ds.m_test)
    images = ds.images(ds.X_test[:k])  # (k, 8, 8): the raw pixels, not the scaled inputs
    st.subheader(f"What the network makes of the {name} (epoch {epoch})")
    left, right = st.columns([3, 2])
    left.plotly_chart(
        figures.image_predictions_figure(images, ds.y_test[:k], pred[:k], names),
        key="digits_images",
    )
    right.plotly_chart(confusion, key="digits_confusion")
    all_wrong = misclassified(lab.trainer)
    wrong = all_wrong[:n_mistakes]
    if not wrong:
        st.caption("Every test image is classified correctly.")
        return
    rows = [w.index for w in wrong]
    st.markdown(
        f"**Misclassified test images** (true → predicted; the first {len(wrong)} of "
        f"{len(all_wrong)})"
    )
    st.plotly_chart(
        figures.image_predictions_figure(
            ds.images(ds.X_test[rows]),
            [w.label for w in wrong],
            [w.predicted for w in wrong],
            names,
        ),
        key="digits_mistakes",
    )


#: Old name of :func:`classification_ui` (it showed the digits only).
image_data_ui = classification_ui
