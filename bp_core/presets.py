"""Presets: Playground settings that tell one story each, with a claim a test checks.

A :class:`Preset` is a lesson: a name (its key in ``PRESETS``), a title, the settings it
sets, two or three sentences on what to watch and on what to try next, how many epochs to
train, and a :class:`Claim` about the outcome.  Most presets also name a *comparison*: the
same settings with a few changed (the "try next"), and the claim compares the two runs.

The settings use the names and values of the Playground's settings schema
(``lab_ui.shared.schema``: ``dataset``, ``noise``, ``n_points``, ``train_pct``, ``n_classes``,
``seed``, ``features``, ``standardize``, ``hidden``, ``acts``, ``output``, ``loss``, ``init``,
``alpha``, ``lambda_``, ``regularization``, ``batch``, ``optimizer``, and the view's
``speed``: ``bp_core.runs.RunSettings``' fields).  Every preset
sets every one of ``TRAINING_SETTINGS``, so what it does never depends on the app's
defaults; ``acts`` has one activation per hidden layer.

A preset holds settings and nothing else that builds: it becomes a network through
``bp_core.runs.build_run``, the one rule the Playground (``lab_ui.shared.lab.build_lab``), a
link, an imported run and the exported script use too, so the app, these functions and the
tests train the very same network, bit for bit.

:func:`train_preset` builds and trains one run; :func:`evaluate_preset` trains the preset
and its comparison and checks the claim.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import questions as qs
from .config import NetConfig
from .datasets import Dataset
from .health import dead_units
from .network import forward, predict
from .runs import RUN_SETTINGS, RunSettings, build_run, output_units
from .training import History, Trainer

Array = np.ndarray

#: The settings every preset sets (the schema's data, network and training settings: the
#: fields of ``bp_core.runs.RunSettings``).
TRAINING_SETTINGS: tuple[str, ...] = RUN_SETTINGS
#: View settings a preset may set too.
VIEW_SETTINGS: tuple[str, ...] = ("speed",)


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PresetRun:
    """One preset (or its comparison) built and trained.

    Attributes
    ----------
    preset : Preset
        What was trained (for a comparison run: the preset with its comparison's settings).
    dataset : Dataset
    cfg : NetConfig
    trainer : Trainer
        Trained for ``epochs`` epochs (fewer if it diverged: see ``trainer.divergence``).
    epochs : int
        The epochs asked for.
    seconds : float
        Wall-clock time of building and training.
    """

    preset: Preset
    dataset: Dataset
    cfg: NetConfig
    trainer: Trainer
    epochs: int
    seconds: float

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def Theta(self) -> tuple[Array, ...]:
        """The trained weights, ``Theta[l - 1]`` = Θ^(l)."""
        return self.trainer.Theta

    @property
    def metric_train(self) -> float:
        """The last recorded accuracy (R² for regression) on the training set."""
        return float(self.history.metric_train[-1])

    @property
    def metric_test(self) -> float:
        """The last recorded accuracy (R² for regression) on the test set."""
        return float(self.history.metric_test[-1])

    @property
    def weight_norm(self) -> float:
        """‖Θ‖ over every weight but the bias columns: √(Σ_l Σ_{j,k≥1} (Θ^(l)_{jk})²)."""
        return math.sqrt(sum(float(np.sum(T[:, 1:] ** 2)) for T in self.Theta))


@dataclass(frozen=True)
class Claim:
    """What a preset's training shows, in words and as a check.

    Attributes
    ----------
    statement : str
        The claim, for a student and for the test that checks it.
    measure : callable
        ``measure(run, comparison) -> dict`` of the numbers the claim is about
        (``comparison`` is None for a preset without one).
    holds : callable
        ``holds(numbers) -> bool``: whether those numbers bear the claim out.
    since : int
        The first epoch the claim holds at: it holds at every epoch from ``since`` to the
        preset's stop epoch (``tests/test_lessons_hold.py`` checks each one), and the
        statement says so.
    """

    statement: str
    measure: Callable[[PresetRun, PresetRun | None], dict[str, float]]
    holds: Callable[[Mapping[str, float]], bool]
    since: int = 1


@dataclass(frozen=True)
class Stop:
    """An epoch where Play pauses by itself, and what to look at there.

    Attributes
    ----------
    epoch : int
        The epoch (≥ 1) at which the live view pauses: training lands exactly on it.
    message : str
        One line for a student: what the run shows now and where to look.
    claim : Claim or None
        A later beat's own check, measured on the run alone (``comparison`` None) at
        ``epoch``; None for the first stop, whose claim is the preset's.
    """

    epoch: int
    message: str
    claim: Claim | None = None

    def __post_init__(self) -> None:
        if isinstance(self.epoch, bool) or not isinstance(self.epoch, int) or self.epoch < 1:
            raise ValueError(f"A stop's epoch must be a whole number ≥ 1 (got {self.epoch!r}).")
        if not isinstance(self.message, str) or not self.message.strip():
            raise ValueError(f"The stop at epoch {self.epoch} needs a message (one line).")

    def after(self) -> str:
        """The line shown when Play goes on past this stop."""
        return (
            f"Playing on past epoch {self.epoch:,}: the lesson's claim was about the run up "
            f"to epoch {self.epoch:,}."
        )


@dataclass(frozen=True)
class Preset:
    """A lesson: settings, what to watch, what to try next, and a checked claim.

    Attributes
    ----------
    name, title : str
        Registry key and display title.
    values : tuple of (str, value)
        The settings, every one of ``TRAINING_SETTINGS`` (and maybe ``speed``), with the
        schema's names and values; ``settings`` gives them as a dict.
    epochs : int
        Epochs to train for the claim.
    watch, try_next : str
        Two or three sentences each, for a student.
    claim : Claim
    compare : tuple of (str, value)
        The settings the comparison run changes (empty: no comparison).
    stops : tuple of Stop
        Where Play pauses by itself, in order: the first at ``epochs`` (the claim's epoch,
        ``stop_epoch``), later ones for a second beat of the lesson.  Empty: one stop at
        ``epochs`` with a plain message (``all_stops``).
    """

    name: str
    title: str
    values: tuple[tuple[str, Any], ...]
    epochs: int
    watch: str
    try_next: str
    claim: Claim
    compare: tuple[tuple[str, Any], ...] = field(default=())
    questions: tuple[qs.Question, ...] = field(default=())
    stops: tuple[Stop, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [k for k, _ in self.values]
        missing = [k for k in TRAINING_SETTINGS if k not in names]
        unknown = [k for k in names if k not in TRAINING_SETTINGS + VIEW_SETTINGS]
        if missing or unknown or len(set(names)) != len(names):
            raise ValueError(
                f"Preset {self.name!r} must set each of {', '.join(TRAINING_SETTINGS)} once "
                f"(missing: {', '.join(missing) or 'none'}; "
                f"unknown: {', '.join(unknown) or 'none'})."
            )
        for where in (self.settings, self.comparison_settings):
            if where is None:
                continue
            try:
                RunSettings.from_mapping(where)  # every setting checked, as build_run will
            except ValueError as err:
                raise ValueError(f"Preset {self.name!r}: {err}") from None
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"Preset {self.name!r}: epochs must be a whole number ≥ 1.")
        if not 1 <= self.claim.since <= self.epochs:
            raise ValueError(
                f"Preset {self.name!r}: its claim must start holding (since) between epoch 1 "
                f"and its stop at epoch {self.epochs}."
            )
        at = [s.epoch for s in self.stops]
        if at and (at[0] != self.epochs or any(b <= a for a, b in zip(at, at[1:], strict=False))):
            raise ValueError(
                f"Preset {self.name!r}: its stops must start at its claim's epoch "
                f"({self.epochs}) and go up (got {at})."
            )

    @property
    def stop_epoch(self) -> int:
        """The epoch Play first pauses at: the claim's epoch."""
        return self.epochs

    @property
    def all_stops(self) -> tuple[Stop, ...]:
        """Every stop, the first at ``stop_epoch`` (a plain one when ``stops`` is empty)."""
        if self.stops:
            return self.stops
        return (Stop(self.epochs, f"Epoch {self.epochs:,}: where this lesson's claim is checked."),)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings by name (a fresh dict)."""
        return dict(self.values)

    @property
    def comparison_settings(self) -> dict[str, Any] | None:
        """The comparison run's settings: the preset's with ``compare`` applied (None when
        the preset has no comparison)."""
        if not self.compare:
            return None
        unknown = [k for k, _ in self.compare if k not in TRAINING_SETTINGS + VIEW_SETTINGS]
        if unknown:
            raise ValueError(f"Preset {self.name!r} compares unknown settings {unknown}.")
        return {**self.settings, **dict(self.compare)}

    def comparison(self) -> Preset | None:
        """The comparison as a preset of its own (same texts and claim), or None."""
        s = self.comparison_settings
        if s is None:
            return None
        return Preset(
            f"{self.name}:compare",
            self.title,
            tuple(s.items()),
            self.epochs,
            self.watch,
            self.try_next,
            self.claim,
        )

    def check(self, run: PresetRun, comparison: PresetRun | None = None) -> bool:
        """Whether the claim holds for these trained runs."""
        return bool(self.claim.holds(self.claim.measure(run, comparison)))


@dataclass(frozen=True, eq=False)
class PresetOutcome:
    """A preset and its comparison trained, the claim's numbers and whether it holds."""

    preset: Preset
    run: PresetRun
    comparison: PresetRun | None
    numbers: dict[str, float]
    holds: bool


# --------------------------------------------------------------------------------------
# Building and training, exactly as the Playground does
# --------------------------------------------------------------------------------------


def build_preset(preset: Preset | Mapping[str, Any]) -> tuple[Dataset, NetConfig, Trainer]:
    """The data set, NetConfig and (untrained) Trainer the settings describe: a thin
    wrapper of ``bp_core.runs.build_run``, the Playground's own rule.

    Parameters
    ----------
    preset : Preset or mapping
        A preset, or settings by name (every one of ``TRAINING_SETTINGS``).
    """
    run = build_run(preset.settings if isinstance(preset, Preset) else preset)
    return run.dataset, run.cfg, run.trainer


def train_preset(preset: Preset, epochs: int | None = None) -> PresetRun:
    """Build the preset as the Playground would and train it.

    Parameters
    ----------
    preset : Preset
    epochs : int or None
        Epochs to train; default ``preset.epochs``.  Training stops early if it diverges.

    Returns
    -------
    PresetRun
        The trainer and its data.
    """
    n = preset.epochs if epochs is None else epochs
    t0 = time.perf_counter()
    data, cfg, trainer = build_preset(preset)
    trainer.run_epochs(n)
    return PresetRun(preset, data, cfg, trainer, n, time.perf_counter() - t0)


def evaluate_preset(preset: Preset, epochs: int | None = None) -> PresetOutcome:
    """Train the preset and its comparison (if any) and check the claim."""
    run = train_preset(preset, epochs)
    other = preset.comparison()
    comparison = None if other is None else train_preset(other, epochs)
    numbers = preset.claim.measure(run, comparison)
    return PresetOutcome(preset, run, comparison, numbers, bool(preset.claim.holds(numbers)))


# --------------------------------------------------------------------------------------
# Helpers the claims (and the UI) use
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One misclassified example: its row in X_test (0-based), its label and the prediction."""

    index: int
    label: int
    predicted: int


def misclassified(run: PresetRun | Trainer, part: str = "test") -> list[Mistake]:
    """The examples of the test (or training) set the network gets wrong, in row order.

    Parameters
    ----------
    run : PresetRun or Trainer
    part : {"test", "train"}

    Returns
    -------
    list of Mistake
        ``index`` is the row of ``X_test`` (``X_train`` for part="train"), 0-based, so the
        image of a digit is ``X_test[index].reshape(dataset.image_shape)``.
    """
    tr = run.trainer if isinstance(run, PresetRun) else run
    if part not in ("test", "train"):
        raise ValueError(f"part must be 'test' or 'train' (got {part!r}).")
    if tr.task != "classification":
        raise ValueError("Only a classification has misclassified examples.")
    X, y = (tr.X_test, tr.y_test) if part == "test" else (tr.X_train, tr.y_train)
    if X is None:
        return []
    pred = predict(tr.cfg, tr.Theta, X)  # (m,)
    wrong = np.flatnonzero(pred != y)
    return [Mistake(int(i), int(y[i]), int(pred[i])) for i in wrong]


def _grad_ratio(run: PresetRun, row: int = -1) -> float:
    """‖D^(1)‖ / ‖D^(L−1)‖ at a history row."""
    g = run.history.grad_norm[row]
    return g[0] / g[-1] if g[-1] > 0 else math.inf


def _rows_identical(T: Array) -> float:
    """Largest spread of a column over the rows of T, relative to T's largest entry."""
    return float(np.ptp(T, axis=0).max() / max(np.abs(T).max(), 1e-300))


# --------------------------------------------------------------------------------------
# The measurements behind each claim
# --------------------------------------------------------------------------------------


def _accuracies(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    out = {"train": run.metric_train, "test": run.metric_test}
    if other is not None:
        out |= {"compare_train": other.metric_train, "compare_test": other.metric_test}
    return out


def _vanishing(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    ratios = [g[0] / g[-1] for g in run.history.grad_norm]  # every recorded epoch
    return {
        "ratio": _grad_ratio(run),
        "largest_ratio": max(ratios),
        "smallest_ratio": min(ratios),
        "compare_ratio": _grad_ratio(other),
        "train": run.metric_train,
        "compare_train": other.metric_train,
    }


def _divergence(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    J = run.history.J_train
    rising = len(J) >= 6 and all(b > a for a, b in zip(J[:5], J[1:6], strict=True))
    d = run.trainer.divergence
    return {
        "diverged": float(run.trainer.diverged),
        "has_message": float(d is not None and "Training stopped" in d.message),
        "epoch": float(d.epoch) if d is not None else math.nan,
        "J_rose_first_5": float(rising),
        "compare_diverged": float(other.trainer.diverged),
        "compare_test_r2": other.metric_test,
    }


def _overfitting(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    return {
        "train": run.metric_train,
        "test": run.metric_test,
        "gap": run.metric_train - run.metric_test,
        "weight_norm": run.weight_norm,
        "compare_train": other.metric_train,
        "compare_test": other.metric_test,
        "compare_gap": other.metric_train - other.metric_test,
        "compare_weight_norm": other.weight_norm,
    }


def _symmetry(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    Th = run.Theta
    # rows of Θ^(l) are layer l + 1's units' incoming weights; columns 1… of Θ^(l+1) their
    # outgoing ones: identical units have identical rows and identical columns
    spread_in = max(_rows_identical(Th[l - 1]) for l in range(1, len(Th)))
    spread_out = max(_rows_identical(Th[l][:, 1:].T) for l in range(1, len(Th)))
    return {
        "spread_in": spread_in,
        "spread_out": spread_out,
        "moved": float(np.abs(Th[0]).max()),
        "train": run.metric_train,
        "compare_train": other.metric_train,
    }


def _saturated_start(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    z0 = forward(run.cfg, run.trainer.snapshots[0].Theta, run.trainer.X_train).z[-1]  # (m, s_L)
    return {
        "median_abs_z_start": float(np.median(np.abs(z0))),
        "J_start": run.history.J_train[0],
        "J_end": run.history.J_train[-1],
        "J_fraction": run.history.J_train[-1] / run.history.J_train[0],
        "train": run.metric_train,
        "compare_J_start": other.history.J_train[0],
        "compare_J_end": other.history.J_train[-1],
        "compare_J_fraction": other.history.J_train[-1] / other.history.J_train[0],
        "compare_train": other.metric_train,
    }


def _plateau(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    g = run.history.grad_norm[-1]  # ‖D^(l)‖ at entry l − 1
    return {"largest_norm": max(g), "J": run.history.J_train[-1], "train": run.metric_train}


def _symmetry_broken(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    return {"spread_in": _rows_identical(run.Theta[0]), "train": run.metric_train}


def _softmax(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    h = forward(run.cfg, run.Theta, run.trainer.X_test).h  # (m_test, K)
    return {
        "train": run.metric_train,
        "test": run.metric_test,
        "K": float(h.shape[1]),
        "largest_row_sum_error": float(np.abs(h.sum(axis=1) - 1).max()),
    }


def _digits(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    return {
        "train": run.metric_train,
        "test": run.metric_test,
        "misclassified_test": float(len(misclassified(run))),
        "m_test": float(run.dataset.m_test),
    }


def _dead(run: PresetRun, other: PresetRun | None) -> dict[str, float]:
    def layers_all_dead(r: PresetRun) -> int:
        dead = dead_units(r.cfg, r.Theta, r.trainer.X_train)
        return sum(len(u) == r.cfg.layer_sizes[l - 1] for l, u in dead.items())

    def n_dead(r: PresetRun) -> int:
        return sum(len(u) for u in dead_units(r.cfg, r.Theta, r.trainer.X_train).values())

    return {
        "dead_units": float(n_dead(run)),
        "layers_all_dead": float(layers_all_dead(run)),
        "train": run.metric_train,
        "compare_dead_units": float(n_dead(other)),
        "compare_layers_all_dead": float(layers_all_dead(other)),
        "compare_train": other.metric_train,
    }


# --------------------------------------------------------------------------------------
# The presets
# --------------------------------------------------------------------------------------


def _settings(**changes: Any) -> tuple[tuple[str, Any], ...]:
    """Every training setting: the Playground's defaults (as they were when these presets were
    written) with ``changes`` applied.  Each preset keeps all of them, so a later change of
    the app's defaults changes no preset."""
    base: dict[str, Any] = {
        "dataset": "circle",
        "noise": 0.1,
        "n_points": 500,
        "train_pct": 50,
        "n_classes": 3,
        "seed": 1,
        "features": ("x1", "x2"),
        "standardize": True,
        "hidden": (4, 2),
        "acts": ("sigmoid", "sigmoid"),
        "output": "sigmoid",
        "loss": "cross_entropy",
        "init": "ng_uniform",
        "alpha": 1.0,
        "lambda_": 0.0,
        "regularization": "l2",
        "batch": 0,
        "optimizer": "gd",
        "speed": "20",
    }
    unknown = set(changes) - set(base)
    if unknown:
        raise ValueError(f"Unknown settings {sorted(unknown)}.")
    return tuple({**base, **changes}.items())


_PRESET_LIST: tuple[Preset, ...] = (
    Preset(
        "xor_hidden_layer",
        "XOR needs a hidden layer",
        _settings(dataset="xor", noise=0.0, hidden=(8,), acts=("tanh",)),
        300,
        "Opposite quadrants share a class. With 8 tanh units in layer 2 the boundary bends "
        "around all four quadrants and J falls towards 0. Without a hidden layer "
        "h_Θ(x) = g(Θ^(1) x) is logistic regression: its boundary Θ^(1) x = 0 is one straight "
        "line, and no line puts opposite quadrants on the same side.",
        "Remove the hidden layer (no hidden layers) and train again: J stays near "
        "log 2 ≈ 0.69 and the accuracy near chance. Then give the inputs x₁x₂ as a feature "
        "instead: now no hidden layer is needed.",
        Claim(
            "At every epoch from 200 to 300 the 2-8-1 tanh network classifies at least 95 % of "
            "the training set; the 2-1 network without a hidden layer stays at or below 75 %.",
            _accuracies,
            lambda n: n["train"] >= 0.95 and n["compare_train"] <= 0.75,
            since=200,
        ),
        compare=(("hidden", ()), ("acts", ())),
        stops=(
            Stop(
                300,
                "Epoch 300: the boundary bends around all four quadrants and J is below 0.1 — "
                "see the boundary plot and the J curve.",
            ),
        ),
        questions=(
            qs.Question(
                "Before you press Play: with 8 tanh units in layer 2, where will J be after "
                "300 epochs?",
                0,
                qs.band(qs.last_J, (0.1, 0.6)),
                "cost",
                "J falls below 0.1: the hidden units give the output unit new features, and "
                "opposite quadrants end up on the same side. Without a hidden layer J would "
                "stay near log 2 ≈ 0.69.",
                choices=("Below 0.1", "Between 0.1 and 0.6", "Still near log 2 ≈ 0.69 or above"),
                reveal_at=300,
            ),
            qs.Question(
                "How many percent of the training points will be classified right after 300 "
                "epochs?",
                100,
                qs.accuracy_percent("train"),
                "boundary",
                "All of them, or nearly: the boundary bends around the four quadrants, which "
                "no single straight line could do.",
                tolerance=5,
                reveal_at=300,
            ),
        ),
    ),
    Preset(
        "circle_squares",
        "The circle from x₁² and x₂²: no hidden layer needed",
        _settings(features=("x1^2", "x2^2"), hidden=(), acts=(), speed="5"),
        100,
        "The network is logistic regression on x₁² and x₂² (scaled): z^(2) = Θ_10 + "
        "Θ_11 x₁² + Θ_12 x₂², and z^(2) = 0 is an ellipse in the (x₁, x₂) plane, here nearly "
        "a circle. Watch Θ_11 and Θ_12 turn negative: z^(2) is largest where x₁² and x₂² are "
        "small, so inside the circle is class 1.",
        "Change the features back to x₁, x₂: one straight line cannot enclose the disc and "
        "the accuracy stays near two thirds. Then keep x₁, x₂ and add a hidden layer of 3 or "
        "more units instead — the network learns its own features.",
        Claim(
            "At every epoch from 10 to 100, without a hidden layer, the inputs x₁², x₂² give at "
            "least 95 % on the training and the test set; x₁, x₂ give at most 75 % on the "
            "training set.",
            _accuracies,
            lambda n: n["train"] >= 0.95 and n["test"] >= 0.95 and n["compare_train"] <= 0.75,
            since=10,
        ),
        compare=(("features", ("x1", "x2")),),
        stops=(
            Stop(
                100,
                "Epoch 100: Θ^(1)_11 and Θ^(1)_12 are both negative, so z^(2) = 0 encloses the "
                "disc — see the diagram's weights and the boundary plot.",
            ),
        ),
        questions=(
            qs.Question(
                "The inputs are x₁² and x₂². After 100 epochs, what signs will Θ^(1)_11 and "
                "Θ^(1)_12 have?",
                1,
                qs.weight_signs(1, 1, (1, 2)),
                "theta_rows",
                "Both negative: the output must be large inside the circle, where x₁² and x₂² "
                "are small, and small outside, so z^(2) must fall as x₁² and x₂² grow.",
                choices=("Both positive", "Both negative", "One positive, one negative"),
                reveal_at=100,
            ),
            qs.Question(
                "How many percent of the test points will be classified right after 100 epochs?",
                100,
                qs.accuracy_percent("test"),
                "boundary",
                "All of them, or nearly: z^(2) = 0 is a circle in the (x₁, x₂) plane, the very "
                "shape of the data, so logistic regression on the squares is enough.",
                tolerance=5,
                reveal_at=100,
            ),
        ),
    ),
    Preset(
        "deep_sigmoid_vanishing",
        "Vanishing gradients in a deep sigmoid network",
        _settings(hidden=(32,) * 8, acts=("sigmoid",) * 8, init="ng_sqrt6", alpha=0.03, speed="1"),
        60,
        "Look at ‖D^(l)‖ per layer (log scale): up to epoch 60 ‖D^(1)‖ sits four to six "
        "orders of magnitude below ‖D^(9)‖. Each step back, δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* "
        "g'(z^(l)) is multiplied by σ'(z) ≤ 1/4, eight times over (4⁸ ≈ 65,000), and the "
        "weights make up only a little of it. So the first layers hardly move, and J only "
        "falls to log 2 ≈ 0.69, the cost of answering 0.5 for every point.",
        "Switch all eight activations to tanh (whose g'(0) = 1) with the same initialization: "
        "‖D^(1)‖ and ‖D^(9)‖ are now about the same size and the circle starts to be learnt. "
        "Or keep sigmoid and use two hidden layers.",
        Claim(
            "At every epoch from 1 to 60 ‖D^(1)‖ is 10⁴ to 10⁶ times smaller than ‖D^(9)‖ "
            "in the 8 × 32 sigmoid network; in the same network with tanh units "
            "‖D^(1)‖/‖D^(9)‖ is at least 1/20.",
            _vanishing,
            lambda n: (
                n["largest_ratio"] <= 1e-4
                and n["smallest_ratio"] >= 1e-6
                and n["compare_ratio"] >= 0.05
            ),
            since=1,
        ),
        compare=(("acts", ("tanh",) * 8),),
        stops=(
            Stop(
                60,
                "Epoch 60: ‖D^(1)‖ is still more than 10,000 times smaller than ‖D^(9)‖ — see "
                "the ‖D^(l)‖ chart (log scale) and the health notes below the view.",
            ),
            Stop(
                200,
                "Epoch 200: now every ‖D^(l)‖ is below 10⁻⁶ — the output settled on answering "
                "0.5 (J = log 2), so ‖D^(9)‖ vanished too and no layer stands out: the first "
                "layers never learnt, and the network is stuck on a plateau.",
                Claim(
                    "At epoch 200 every ‖D^(l)‖ is below 10⁻⁶, J is within 0.001 of log 2 and "
                    "the training accuracy at most 55 %.",
                    _plateau,
                    lambda n: (
                        n["largest_norm"] < 1e-6
                        and abs(n["J"] - math.log(2)) <= 1e-3
                        and n["train"] <= 0.55
                    ),
                ),
            ),
        ),
        questions=(
            qs.Question(
                "Eight sigmoid layers of 32 units. After 10 epochs, which layer's gradient "
                "‖D^(l)‖ will be the smallest?",
                0,
                qs.layer_choice((1, 5, 9)),
                "grad_norms",
                "‖D^(1)‖, next to the input: each step back multiplies δ by σ'(z) ≤ 1/4, so "
                "after eight layers it is many orders of magnitude smaller than ‖D^(9)‖.",
                choices=(
                    "‖D^(1)‖, next to the input",
                    "‖D^(5)‖, in the middle",
                    "‖D^(9)‖, next to the output",
                    "They are all about the same size",
                ),
                reveal_at=10,
            ),
            qs.Question(
                "Keep playing: where will J be at epoch 60?",
                2,
                qs.band(qs.last_J, (0.3, 0.6)),
                "cost",
                "Still about log 2 ≈ 0.69: the first layers hardly move, so the network "
                "learns almost nothing of the circle.",
                choices=(
                    "Below 0.3: the circle is learnt",
                    "Between 0.3 and 0.6",
                    "Still about log 2 ≈ 0.69",
                ),
                epoch=10,
                reveal_at=60,
            ),
        ),
    ),
    Preset(
        "alpha_too_large",
        "A learning rate α too large diverges",
        _settings(
            dataset="plane",
            standardize=False,
            hidden=(),
            acts=(),
            output="linear",
            loss="mse",
            alpha=10.0,
            speed="1",
        ),
        100,
        "This is linear regression (no hidden layer, a linear output, squared error) on "
        "unscaled x₁, x₂ between −6 and 6. With α = 10 every step Θ := Θ − α D jumps past "
        "the minimum of J by more than it was away: J grows about 20,000-fold each epoch until "
        "it overflows (epoch 72), and training stops with a message.",
        "Set α = 0.03: J falls at every epoch and R² on the test set reaches 0.99. Then look "
        "for the largest α at which J still falls, and see how it changes when you turn on "
        "feature scaling.",
        Claim(
            "With α = 10 J rises at each of the first 5 epochs and training diverges at epoch "
            "72 (the trainer stops with `diverged` set and a message); with α = 0.03 it does "
            "not diverge and R² on the test set is at least 0.95 by then.",
            _divergence,
            lambda n: (
                n["diverged"] == 1.0
                and n["has_message"] == 1.0
                and n["J_rose_first_5"] == 1.0
                and n["compare_diverged"] == 0.0
                and n["compare_test_r2"] >= 0.95
            ),
            since=72,
        ),
        compare=(("alpha", 0.03),),
        stops=(
            Stop(
                100,
                "Epoch 100: with α = 10 training diverged long before here — press Reset and "
                "try α = 0.03.",
            ),
        ),
        questions=(
            qs.Question(
                "With α = 10, what will J do during the first 5 epochs?",
                1,
                qs.J_trend(5),
                "cost",
                "J rises at every epoch: each step Θ := Θ − α D jumps past the minimum of J by "
                "more than it was away from it.",
                choices=("Fall at every epoch", "Rise at every epoch", "Go up and down"),
                reveal_at=5,
            ),
            qs.Question(
                "J has grown for 5 epochs. If you keep playing, what will happen?",
                1,
                qs.diverged,
                "cost",
                "J keeps growing until it overflows; the trainer stops with a message instead "
                "of training on numbers that are no longer numbers.",
                choices=(
                    "J turns round and falls to its minimum",
                    "J keeps growing until it overflows, and training stops with a message",
                ),
                epoch=5,
                reveal_at=100,
            ),
        ),
    ),
    Preset(
        "lambda_overfitting",
        "λ against over-fitting",
        _settings(
            noise=0.3,
            n_points=200,
            train_pct=20,
            hidden=(32, 32),
            acts=("tanh", "tanh"),
            init="ng_sqrt6",
            alpha=0.01,
            optimizer="adam",
            speed="50",
        ),
        1000,
        "40 noisy training points and 1,185 weights. With λ = 0 the network fits every "
        "training point: the boundary curls around single mislabelled points, ‖Θ‖ keeps "
        "growing, and the test accuracy stays well below the training accuracy.",
        "Set λ = 1: J gets + λ/(2m) ΣΘ², D gets + (λ/m) Θ, the weights stay small and the "
        "boundary becomes a smooth round shape; training and test accuracy move closer. "
        "With λ = 10 everything is pulled to 0 and the network underfits.",
        Claim(
            "At every epoch from 100 to 1,000 with λ = 0 the training accuracy is at least "
            "98 % and at least 0.15 above the test accuracy; with λ = 1 that gap is at least "
            "0.05 smaller and ‖Θ‖ (bias columns excluded) at most half as large.",
            _overfitting,
            lambda n: (
                n["train"] >= 0.98
                and n["gap"] >= 0.15
                and n["compare_gap"] <= n["gap"] - 0.05
                and n["compare_weight_norm"] <= 0.5 * n["weight_norm"]
            ),
            since=100,
        ),
        compare=(("lambda_", 1.0),),
        stops=(
            Stop(
                1000,
                "Epoch 1,000: every training point is right but the test accuracy is far lower "
                "— see how the boundary curls around single points.",
            ),
        ),
        questions=(
            qs.Question(
                "40 noisy training points, 1,185 weights and λ = 0. After 1,000 epochs, how "
                "far below the training accuracy will the test accuracy be?",
                2,
                qs.band(qs.accuracy_gap, (5, 15)),
                "boundary",
                "More than 15 points below: the boundary curls around single mislabelled "
                "training points, and those curls are wrong for new points.",
                choices=(
                    "About the same (within 5 points)",
                    "5 to 15 points lower",
                    "More than 15 points lower",
                ),
                reveal_at=1000,
            ),
            qs.Question(
                "How many percent of the training points will be right after 1,000 epochs?",
                100,
                qs.accuracy_percent("train"),
                "cost",
                "All of them, or nearly: with so many weights the network can fit every "
                "training point, noise included.",
                tolerance=2,
                reveal_at=1000,
            ),
        ),
    ),
    Preset(
        "zero_init_symmetry",
        "Zero initialization: every hidden unit stays the same",
        _settings(hidden=(4,), acts=("sigmoid",), init="zeros", alpha=3.0),
        300,
        "With Θ = 0 every unit of layer 2 computes the same a^(2)_j = σ(0) = 0.5, gets the "
        "same δ^(2)_j and therefore the same update: in exact arithmetic the four rows of "
        "Θ^(1) (and the columns of Θ^(2)) would stay identical for ever, and up to epoch 300 "
        "they agree to 9 digits. Four hidden units act as one, and one sigmoid unit draws one "
        "straight line. Play on past the stop: float64 rounding differences of about 10⁻¹⁶ "
        "grow epoch after epoch until, near epoch 1,700, the symmetry breaks.",
        "Choose the course's initialization (uniform ±0.12): the small random differences "
        "break the symmetry, the units specialise and the circle is learnt.",
        Claim(
            "At every epoch from 250 to 300, from Θ = 0, the weights have moved but the four "
            "hidden units still have identical incoming and outgoing weights (to 1e-9 of the "
            "largest), and the training accuracy is at most 80 %; from uniform ±0.12 it is at "
            "least 95 %.",
            _symmetry,
            lambda n: (
                n["moved"] > 0.01
                and n["spread_in"] <= 1e-9
                and n["spread_out"] <= 1e-9
                and n["train"] <= 0.80
                and n["compare_train"] >= 0.95
            ),
            since=250,
        ),
        compare=(("init", "ng_uniform"),),
        stops=(
            Stop(
                300,
                "Epoch 300: the four rows of Θ^(1) are still identical (to 9 digits) — see the "
                "diagram: four hidden units acting as one, one straight boundary.",
            ),
            Stop(
                2000,
                "Epoch 2,000: rounding differences of 10⁻¹⁶ have grown until the symmetry broke "
                "(near epoch 1,700) — the rows of Θ^(1) now differ, the units have specialised "
                "and more of the circle is learnt. Exact arithmetic would never get here.",
                Claim(
                    "At epoch 2,000 the rows of Θ^(1) differ by at least half of its largest "
                    "entry and the training accuracy is at least 80 %.",
                    _symmetry_broken,
                    lambda n: n["spread_in"] >= 0.5 and n["train"] >= 0.80,
                ),
            ),
        ),
        questions=(
            qs.Question(
                "Θ starts as all zeros. After 300 epochs, how many different rows will Θ^(1) "
                "have (it has one row per hidden unit: 4)?",
                1,
                qs.distinct_rows(1),
                "theta_rows",
                "One: the four rows are still identical. Every hidden unit computes the same "
                "a, gets the same δ and so the same update, at every step.",
                reveal_at=300,
            ),
            qs.Question(
                "Will the network learn the circle in those 300 epochs?",
                0,
                qs.band(qs.accuracy_percent("train"), (80, 95)),
                "boundary",
                "No: four identical units act as one, and one sigmoid unit draws one straight "
                "line, which cannot enclose the disc.",
                choices=(
                    "No: 80 % of the training points or fewer",
                    "Partly: between 80 % and 95 %",
                    "Yes: 95 % or more",
                ),
                reveal_at=300,
            ),
        ),
    ),
    Preset(
        "spiral_depth",
        "The spiral needs depth",
        _settings(
            dataset="spiral",
            noise=0.0,
            hidden=(8, 8, 8),
            acts=("relu", "relu", "relu"),
            init="he",
            alpha=0.01,
            optimizer="adam",
        ),
        400,
        "The two arms wind 1¾ turns around each other. Three layers of 8 ReLU units compose "
        "three piecewise-linear maps, each folding the plane again, and follow the arms "
        "round.",
        "Put the same 24 units in one layer (one hidden layer of 24): after the same 400 "
        "epochs it is stuck near 70 %, because one layer of ReLUs can only add up straight "
        "folds. Then try tanh units in the deep network.",
        Claim(
            "At every epoch from 300 to 400 the 2-8-8-8-1 ReLU network classifies at least "
            "95 % of the training set; the 2-24-1 ReLU network, with as many hidden units, at "
            "most 80 %.",
            _accuracies,
            lambda n: n["train"] >= 0.95 and n["compare_train"] <= 0.80,
            since=300,
        ),
        compare=(("hidden", (24,)), ("acts", ("relu",))),
        stops=(
            Stop(
                400,
                "Epoch 400: the boundary follows both arms of the spiral round — see the "
                "boundary plot, and the per-neuron maps for each layer's folds.",
            ),
        ),
        questions=(
            qs.Question(
                "Three hidden layers of 8 ReLU units. After 400 epochs, how much of the "
                "spiral's training set will be right?",
                2,
                qs.band(qs.accuracy_percent("train"), (70, 95)),
                "boundary",
                "95 % or more: each layer folds the plane again, and three folds are enough to "
                "follow the arms round.",
                choices=("Below 70 %", "Between 70 % and 95 %", "95 % or more"),
                reveal_at=400,
            ),
        ),
    ),
    Preset(
        "softmax_blobs",
        "Softmax for K = 6 classes",
        _settings(
            dataset="blobs",
            noise=0.0,
            n_classes=6,
            hidden=(8,),
            acts=("tanh",),
            output="softmax",
            speed="5",
        ),
        200,
        "The output layer has K = 6 units and a^(L) = softmax(z^(L)): each row of h_Θ(x) is a "
        "probability distribution over the 6 classes (positive, summing to 1) and the "
        "prediction is the largest. With cross-entropy δ^(L) = a^(L) − y for a one-hot y, "
        "exactly as for the sigmoid.",
        "Switch the output to sigmoid: you get K separate one-vs-all units, the course's "
        "way, whose outputs need not sum to 1. Then raise the noise to 0.3 and see which "
        "neighbouring blobs get confused.",
        Claim(
            "At every epoch from 20 to 200 at least 95 % of the training and of the test set "
            "are classified right, and every row of a^(L) sums to 1 (within 1e-12).",
            _softmax,
            lambda n: (
                n["K"] == 6
                and n["train"] >= 0.95
                and n["test"] >= 0.95
                and n["largest_row_sum_error"] <= 1e-12
            ),
            since=20,
        ),
        stops=(
            Stop(
                200,
                "Epoch 200: six regions, one per blob, and every row of a^(L) sums to 1 — see "
                "the boundary plot and the output layer in the diagram.",
            ),
        ),
        questions=(
            qs.Question(
                "The output is softmax over K = 6 classes. After 200 epochs, what will each "
                "row of a^(L) (the 6 outputs for one point) add up to?",
                1,
                qs.output_row_sum,
                "boundary",
                "Exactly 1, always: softmax divides each e^z by their sum, so the outputs are a "
                "probability distribution; the boundary colours each point by its most "
                "probable class.",
                tolerance=1e-9,
                reveal_at=200,
            ),
            qs.Question(
                "How many percent of the test points will be classified right after 200 epochs?",
                100,
                qs.accuracy_percent("test"),
                "boundary",
                "All of them, or nearly: the six blobs lie apart, and the boundaries between "
                "them run through the empty space.",
                tolerance=5,
                reveal_at=200,
            ),
        ),
    ),
    Preset(
        "saturated_output",
        "Cross-entropy vs squared error on a saturated output",
        _settings(
            dataset="xor",
            noise=0.0,
            seed=6,
            features=("x1*x2",),
            standardize=False,
            hidden=(),
            acts=(),
            init="he",
            alpha=0.03,
            speed="1",
        ),
        100,
        "One unscaled input x₁x₂ (up to ±36) and one weight, which starts at Θ^(1)_11 ≈ −2.07 "
        "from seed 6: half the examples have |z^(2)| above 12, σ(z) is 0 or 1, and every "
        "example is confidently wrong. With cross-entropy δ^(2) = a − y ≈ ±1 however flat σ "
        "is, so J falls from 16 to below 0.1 within 100 epochs.",
        "Switch the loss to squared error: δ^(2) = (a − y) .* σ'(z) ≈ 0 where σ is flat, so "
        "the same start barely moves — J stays at 0.48 and the accuracy at 0 % for hundreds "
        "of epochs. That is why the course pairs the sigmoid with the cross-entropy cost.",
        Claim(
            "The output starts saturated (median |z^(2)| ≥ 10); at every epoch from 10 to 100 "
            "cross-entropy's J is at most 10 % of where it started, squared error's at least "
            "95 % of where it started.",
            _saturated_start,
            lambda n: (
                n["median_abs_z_start"] >= 10
                and n["J_fraction"] <= 0.10
                and n["compare_J_fraction"] >= 0.95
            ),
            since=10,
        ),
        compare=(("loss", "mse"),),
        stops=(
            Stop(
                100,
                "Epoch 100: cross-entropy has brought J from 16 to below 0.1 — see the J curve; "
                "now switch the loss to squared error and press Reset.",
            ),
        ),
        questions=(
            qs.Question(
                "The output starts saturated: σ(z) is 0 or 1 and every example is "
                "confidently wrong. With cross-entropy, what will J do in 100 epochs?",
                0,
                qs.band(qs.J_fraction, (0.1, 1.0)),
                "cost",
                "It falls to less than a tenth of where it started: with cross-entropy "
                "δ^(2) = a − y ≈ ±1 however flat σ is there.",
                choices=(
                    "Fall to less than a tenth of where it started",
                    "Fall a little, or barely move: σ is flat there",
                    "Rise",
                ),
                reveal_at=100,
            ),
        ),
    ),
    Preset(
        "ex4_digits",
        "The course's ex4 in miniature: 8 × 8 digits",
        _settings(
            dataset="digits",
            train_pct=70,
            hidden=(25,),
            acts=("sigmoid",),
            alpha=3.0,
            lambda_=1.0,
            speed="5",
        ),
        100,
        "The network of the course's ex4 for 8 × 8 images: 64 inputs, 25 sigmoid units, 10 "
        "sigmoid outputs (one-vs-all), λ = 1, full-batch gradient descent. The training "
        "accuracy passes 95 % within 50 epochs; the test digits it still gets wrong are "
        "listed with their predictions.",
        "Set λ = 0 and compare training and test accuracy, then try λ = 10. Or use fewer "
        "hidden units than 25: how few are enough?",
        Claim(
            "At every epoch from 50 to 100 at least 95 % of the training digits and at least "
            "90 % of the test digits are recognised.",
            _digits,
            lambda n: n["train"] >= 0.95 and n["test"] >= 0.90,
            since=50,
        ),
        stops=(
            Stop(
                100,
                "Epoch 100: at least 95 % of the training digits are recognised — the test "
                "digits it still gets wrong are listed below the view.",
            ),
        ),
        questions=(
            qs.Question(
                "64 inputs, 25 hidden units, 10 outputs, full batch, α = 3. After only 10 "
                "epochs, how many of the training digits will be recognised?",
                1,
                qs.band(qs.accuracy_percent("train"), (50, 95)),
                "cost",
                "Between half and 95 %: J falls fast in the first epochs; passing 95 % takes "
                "a few dozen more.",
                choices=("Fewer than half", "Between half and 95 %", "95 % or more"),
                reveal_at=10,
            ),
        ),
    ),
    Preset(
        "dying_relu",
        "Dying ReLUs: a large α kills units",
        _settings(
            hidden=(16, 16, 16), acts=("relu", "relu", "relu"), init="he", alpha=3.0, speed="5"
        ),
        100,
        "A few big steps push the biases of many ReLU units so far down that z ≤ 0 for every "
        "training example: such a unit outputs 0, its g'(z) is 0 everywhere, so its δ is 0 "
        "and its weights never change again. Here a whole hidden layer dies and the network "
        "predicts one class for every point.",
        "Set α = 0.3: a few units may still die, but the network learns the circle. Or try "
        "leaky ReLU, whose slope for z < 0 is small but never 0.",
        Claim(
            "At every epoch from 30 to 100 with α = 3 every unit of at least one hidden layer "
            "is dead (a = 0 for all m training examples) and the training accuracy is at most "
            "60 %; with α = 0.3 no layer is all dead and the accuracy is at least 95 %.",
            _dead,
            lambda n: (
                n["layers_all_dead"] >= 1
                and n["train"] <= 0.60
                and n["compare_layers_all_dead"] == 0
                and n["compare_train"] >= 0.95
            ),
            since=30,
        ),
        compare=(("alpha", 0.3),),
        stops=(
            Stop(
                100,
                "Epoch 100: a whole hidden layer outputs 0 for every point — see the diagram "
                "and the health notes below the view: nothing can flow back through it.",
            ),
        ),
        questions=(
            qs.Question(
                "α = 3 with three layers of 16 ReLU units. After 100 epochs, what will the "
                "network predict?",
                0,
                lambda tr: 0 if qs.predicted_classes(tr) == 1 else 1,
                "boundary",
                "One class for every point: a hidden layer has died (z ≤ 0 for every example), "
                "so the output no longer depends on the input.",
                choices=(
                    "One class for every point",
                    "Two classes, with a boundary between them",
                ),
                reveal_at=100,
            ),
            qs.Question(
                "What will ‖D^(1)‖ be at epoch 100?",
                0,
                lambda tr: 0 if qs.grad_norm(1)(tr) == 0 else 1,
                "grad_norms",
                "Exactly 0: a dead unit has g'(z) = 0 for every example, so no δ gets back "
                "through it, and Θ^(1) never changes again (0 has no place on a log scale: the "
                "line ends).",
                choices=(
                    "Exactly 0: no gradient reaches layer 1",
                    "Small, but more than 0",
                ),
                reveal_at=100,
            ),
        ),
    ),
)

#: Every preset by name, in the order a lesson would take them.
PRESETS: dict[str, Preset] = {p.name: p for p in _PRESET_LIST}


__all__ = [
    "PRESETS",
    "TRAINING_SETTINGS",
    "VIEW_SETTINGS",
    "Claim",
    "Mistake",
    "Preset",
    "PresetOutcome",
    "Stop",
    "PresetRun",
    "build_preset",
    "evaluate_preset",
    "misclassified",
    "output_units",
    "train_preset",
]
