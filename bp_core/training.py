"""Training: an incremental trainer the live UI drives a mini-batch, an epoch or N epochs at a
time, with a history of what happened and Θ snapshots to scrub back through.

Batch size ``None`` is full-batch gradient descent (the course's way), 1 is stochastic
gradient descent, anything between is mini-batch.  One epoch is one pass over the training
set in a fresh random order drawn from the trainer's ``rng``.

Time travel: every snapshot holds the whole training state (Θ, the optimizer's memory, the
random generator's state, the counts), so ``Trainer.restore(epoch)`` goes back to it and
training on from there gives, bit for bit, the Θ that training on without stopping gave.
Restoring keeps the later snapshots and history rows, so one can scrub back and forth; they
are replaced only when training goes on from an earlier point (or a weight is edited there),
as with undo.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar, Protocol

import numpy as np

from .config import NetConfig
from .indexing import weight_to_index
from .metrics import TASK_METRICS
from .network import (
    BackpropTrace,
    _backprop,
    _cost,
    _forward,
    check_inputs,
    decode_outputs,
    encode_targets,
    reshape_params,
    unroll,
)
from .optimizers import OPTIMIZERS

Array = np.ndarray


class LabelledData(Protocol):
    """What the trainer needs of a data set (``bp_core.datasets.Dataset`` has it)."""

    X_train: Array  # (m_train, s_1)
    y_train: Array  # (m_train,)
    X_test: Array  # (m_test, s_1), may have 0 rows
    y_test: Array  # (m_test,)
    task: str  # "classification" | "regression"


def _positive_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and x > 0


@dataclass(frozen=True)
class TrainSettings:
    """How to train.

    Parameters
    ----------
    alpha : float
        Learning rate α > 0.
    batch_size : int or None
        Examples per gradient step; None for the full batch.
    optimizer : str
        A key of ``OPTIMIZERS``.
    momentum, beta1, beta2, adam_eps : float
        The optimizers' constants (momentum's μ, Adam's β1, β2 and ε); each rule reads the
        ones its entry names (``Optimizer.constants``).  The update rule gets this whole
        record: α and the constants live here and nowhere else.
    record_gradients : bool
        Record per-layer ‖D‖, mean |δ| and saturation every epoch (one extra full-batch
        backward pass on the training set per epoch).
    record_every : int
        Add a history row every this many epochs (1: every epoch).
    max_snapshots : int
        Θ snapshots kept for scrubbing; when full, every other one is dropped and the
        spacing doubles.
    """

    alpha: float = 0.03
    batch_size: int | None = None
    optimizer: str = "gd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    adam_eps: float = 1e-8
    record_gradients: bool = True
    record_every: int = 1
    max_snapshots: int = 256

    def __post_init__(self) -> None:
        if not (
            isinstance(self.alpha, int | float) and math.isfinite(self.alpha) and self.alpha > 0
        ):
            raise ValueError(f"The learning rate α must be a positive number (got {self.alpha}).")
        bs = self.batch_size
        if bs is not None and (isinstance(bs, bool) or not isinstance(bs, int) or bs < 1):
            raise ValueError(
                f"The batch size must be a whole number ≥ 1, or full batch (got {bs})."
            )
        if self.optimizer not in OPTIMIZERS:
            names = ", ".join(f"'{k}'" for k in OPTIMIZERS)
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {names}.")
        for name in ("momentum", "beta1", "beta2"):
            v = getattr(self, name)
            if not 0 <= v < 1:
                raise ValueError(f"{name} must be at least 0 and below 1 (got {v}).")
        if not _positive_number(self.adam_eps):
            raise ValueError(
                f"adam_eps (Adam's ε) must be a positive number (got {self.adam_eps})."
            )
        if (
            isinstance(self.record_every, bool)
            or not isinstance(self.record_every, int)
            or self.record_every < 1
        ):
            raise ValueError(f"record_every must be a whole number ≥ 1 (got {self.record_every}).")
        if (
            isinstance(self.max_snapshots, bool)
            or not isinstance(self.max_snapshots, int)
            or self.max_snapshots < 2
        ):
            raise ValueError(f"Keep a whole number ≥ 2 of snapshots (got {self.max_snapshots}).")


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: a non-finite J or Θ, where and when."""

    epoch: int
    step: int
    layer: int | None  # 1-based Θ^(layer) that went non-finite; None when it was J
    message: str


@dataclass
class History:
    """One row per recorded epoch, thinned so that a long run stays a bounded size.

    ``grad_norm[e][l - 1]`` is ‖D^(l)‖ (Frobenius) on the full training set for
    l = 1 … L − 1; ``mean_abs_delta[e][l - 2]`` is mean |δ^(l)| for l = 2 … L;
    ``saturation[e][l - 2]`` is the fraction of (example, unit) pairs of hidden layer
    l = 2 … L − 1 whose g'(z) is below 5 % of its peak.

    Bound: at most ``max_rows`` = 2,000 rows.  When a new row would make it 2,001, every
    other row of the older half is dropped (the first row, epoch 0, always stays; this is
    :meth:`kept_rows`, the one thinning policy, which ``Trainer.fast_forward`` plays ahead),
    leaving ~1,500: recent epochs keep full resolution, older ones get coarser each time, and the
    whole run stays visible.  Every row keeps its own ``epoch`` and ``step``, so curves drawn
    against them stay correct; all columns are thinned together and stay aligned.  Measured
    (``tests/test_training.py``, Python objects included): ~0.7 kB a row for a 2-4-2-1
    network, ~1.3 kB for 8 hidden layers (any width), so at most ~1.4 MB and ~2.7 MB a
    session, however long it trains.
    """

    #: Rows kept at most (a class constant, not a stored field; an instance may set its own).
    max_rows: ClassVar[int] = 2000

    metric_name: str
    epoch: list[int] = field(default_factory=list)
    step: list[int] = field(default_factory=list)
    J_train: list[float] = field(default_factory=list)
    J_test: list[float] = field(default_factory=list)
    metric_train: list[float] = field(default_factory=list)
    metric_test: list[float] = field(default_factory=list)
    grad_norm: list[list[float]] = field(default_factory=list)
    mean_abs_delta: list[list[float]] = field(default_factory=list)
    saturation: list[list[float]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.epoch)

    def _columns(self) -> list[list]:
        return [getattr(self, f.name) for f in fields(self) if f.name != "metric_name"]

    def append(self, **row) -> None:
        """Add one row (a value for every column), then thin the history if it is full."""
        names = {f.name for f in fields(self)} - {"metric_name"}
        if set(row) != names:
            raise ValueError(f"A history row needs exactly the columns {sorted(names)}.")
        for name, value in row.items():
            getattr(self, name).append(value)
        if len(self.epoch) > self.max_rows:
            self.thin()

    @staticmethod
    def kept_rows(n: int) -> list[int]:
        """The thinning policy: of ``n`` rows, the ones :meth:`thin` keeps — every other row
        of the older half (rows 0, 2, 4, … of it), then the newer half whole."""
        half = n // 2
        return [*range(0, half, 2), *range(half, n)]

    def thin(self) -> None:
        """Drop every other row of the older half (rows 0, 2, 4, … of it stay)."""
        self._keep(self.kept_rows(len(self.epoch)))

    def _keep(self, rows: list[int]) -> None:
        """Keep only these rows (increasing indices) of every column."""
        for col in self._columns():
            # a table may have fewer rows than epoch (files saved without gradients)
            col[:] = [col[i] for i in rows if i < len(col)]

    def _length_after(self, length: int) -> int:
        """The number of rows after one more row is appended to ``length`` rows."""
        length += 1
        return len(self.kept_rows(length)) if length > self.max_rows else length

    def _survivors(self, n_new: int) -> tuple[list[int], set[int]]:
        """Which rows :meth:`append` would keep if ``n_new`` more rows were appended now:
        (the rows of now that stay, the numbers 0 … n_new − 1 of the new rows that stay).

        The policy is :meth:`kept_rows`, played on row numbers only: at most ``max_rows`` + 1
        of them are held at any time, so it costs O(n_new) time and O(max_rows) memory.
        """
        n = len(self.epoch)
        rows = list(range(n))  # row numbers: n + j is new row j
        for j in range(n_new):
            rows.append(n + j)
            if len(rows) > self.max_rows:
                rows = [rows[i] for i in self.kept_rows(len(rows))]
        return [r for r in rows if r < n], {r - n for r in rows if r >= n}

    def drop_last(self) -> None:
        """Remove the last row (of every column that has it)."""
        n = len(self.epoch)
        for col in self._columns():
            if len(col) == n:
                col.pop()

    def truncated(self, step: int) -> History:
        """A new History of the rows recorded at or before gradient step ``step`` (the rows'
        lists of per-layer values are shared, never changed)."""
        n = sum(1 for s in self.step if s <= step)  # rows are in step order
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        out = History(**{k: v[:n] if isinstance(v, list) else v for k, v in values.items()})
        if "max_rows" in self.__dict__:
            out.max_rows = self.max_rows
        return out

    def as_arrays(self) -> dict[str, Array]:
        """Every column as a numpy array (2-D for the per-layer ones: (epochs, layers))."""
        return {
            "epoch": np.array(self.epoch, dtype=np.int64),
            "step": np.array(self.step, dtype=np.int64),
            "J_train": np.array(self.J_train, dtype=np.float64),
            "J_test": np.array(self.J_test, dtype=np.float64),
            "metric_train": np.array(self.metric_train, dtype=np.float64),
            "metric_test": np.array(self.metric_test, dtype=np.float64),
            "grad_norm": np.array(self.grad_norm, dtype=np.float64),
            "mean_abs_delta": np.array(self.mean_abs_delta, dtype=np.float64),
            "saturation": np.array(self.saturation, dtype=np.float64),
        }


@dataclass(frozen=True)
class Snapshot:
    """The training state after ``epoch`` epochs (``step`` gradient steps): enough to go on
    training from it exactly as if one had never stopped (see ``Trainer.restore``).

    Attributes
    ----------
    epoch, step : int
        Completed epochs and gradient steps.
    Theta : tuple of ndarray
        ``Theta[l - 1]`` = Θ^(l), shape (s_{l+1}, s_l + 1): views of ``theta_vec``.
    theta_vec : ndarray of shape (n_weights,) or None
        The unrolled Θ (None in a snapshot made from Θ alone).
    optimizer : str or None
        The optimizer whose memory ``optimizer_state`` is.
    optimizer_state : dict or None
        A copy of that memory (``Trainer.optimizer_state``); None: unknown, a fresh one is
        used on restoring.
    rng_state : dict or None
        ``rng.bit_generator.state``: the generator that draws the next epochs' order.
    history_len : int or None
        Rows the history had when the snapshot was taken (thinning may since have dropped
        some; restoring keeps the rows recorded at or before ``step``).
    batch : int
        Mini-batches done in the current epoch (0 at the end of an epoch).
    order : ndarray of shape (m,) or None
        The current epoch's order of the training examples, when ``batch`` > 0.
    divergence : Divergence or None
        Why training had stopped at this point, if it had.
    """

    epoch: int
    step: int
    Theta: tuple[Array, ...]
    theta_vec: Array | None = None
    optimizer: str | None = None
    optimizer_state: dict | None = None
    rng_state: dict | None = None
    history_len: int | None = None
    batch: int = 0
    order: Array | None = None
    divergence: Divergence | None = None

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays it holds (Θ once: ``Theta`` are views of ``theta_vec``)."""
        arrays = [*(self.optimizer_state or {}).values(), self.order]
        arrays.append(self.theta_vec)
        n = sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))
        if self.theta_vec is None:
            n += sum(T.nbytes for T in self.Theta)
        return n


@dataclass
class _RowPlan:
    """:meth:`Trainer.fast_forward`'s plan: the new rows (numbered from 0) the history will
    keep, the next row's number and the length the history would have now."""

    keep: set[int]
    length: int
    row: int = 0


def _check_epochs(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"The number of epochs must be a whole number ≥ 0 (got {n!r}).")


def _copy_state(state: dict) -> dict[str, Array | int]:
    """A copy of an optimizer state: vectors copied, counts as ints."""
    return {k: int(v) if isinstance(v, int | np.integer) else np.array(v) for k, v in state.items()}


def _quiet_overflow() -> np.errstate:
    """Overflow to inf/NaN is how divergence shows; the trainer detects and reports it, so
    numpy's RuntimeWarnings would only repeat the news in the server log."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _first_nonfinite(Theta) -> int | None:
    for l, T in enumerate(Theta, start=1):
        if not np.all(np.isfinite(T)):
            return l
    return None


class Trainer:
    """Trains one network on one data set, a step at a time.

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        Initial weights, ``Theta[l - 1]`` = Θ^(l) of shape (s_{l+1}, s_l + 1); copied, never
        modified.
    data : LabelledData
        ``X_train`` (m, s_1), ``y_train`` (m,), ``X_test``, ``y_test``, ``task``.
    settings : TrainSettings
    rng : numpy.random.Generator
        Draws the order of the examples each epoch.

    Attributes
    ----------
    Theta : tuple of ndarray
        The current weights.
    epoch, steps : int
        Completed epochs and gradient steps.
    history : History
    snapshots : list of Snapshot
        The states kept to go back to (``restore``): one every ``2^k`` recorded epochs, at
        most ``settings.max_snapshots``.
    divergence : Divergence or None
        Set when J or Θ became non-finite; training then refuses to go on, and ``Theta``
        holds the last finite weights.
    """

    def __init__(
        self,
        cfg: NetConfig,
        Theta,
        data: LabelledData,
        settings: TrainSettings,
        rng: np.random.Generator,
    ) -> None:
        Th, X, _ = check_inputs(cfg, Theta, data.X_train)
        self.cfg, self.settings, self.rng, self.task = cfg, settings, rng, data.task
        self.theta_vec = unroll(Th)  # (n_weights,), the course's unrolled parameters
        self.Theta: tuple[Array, ...] = reshape_params(cfg, self.theta_vec)
        self.X_train, self.y_train = X, np.asarray(data.y_train)
        self.Y_train = encode_targets(cfg, self.y_train, data.task)  # (m, s_L)
        m_test = 0 if data.X_test is None else len(data.X_test)
        if m_test:
            _, self.X_test, _ = check_inputs(cfg, Th, data.X_test)
            self.y_test = np.asarray(data.y_test)
            self.Y_test = encode_targets(cfg, self.y_test, data.task)
        else:
            self.X_test = self.y_test = self.Y_test = None
        self.m = X.shape[0]
        bs = settings.batch_size
        self.batch_size = self.m if bs is None else min(bs, self.m)
        self.steps_per_epoch = math.ceil(self.m / self.batch_size)
        self._optimizer = OPTIMIZERS[settings.optimizer]
        self._opt_state = self._optimizer.init(self.theta_vec)
        self.epoch = 0
        self.steps = 0
        self._batch = 0  # mini-batches done in the current epoch
        self._Xp, self._Yp = X, self.Y_train  # this epoch's shuffled order
        self._order: Array | None = None  # (m,) that order, None while it is X's own
        self.metric = TASK_METRICS[data.task]  # accuracy or R²
        self.history = History(self.metric.name)
        self.snapshots: list[Snapshot] = []
        self._snapshot_every = 1
        # while restored to an earlier point: the latest state reached and its history,
        # kept until training goes on from the earlier point
        self._head: Snapshot | None = None
        self._full_history: History | None = None
        self.divergence: Divergence | None = None
        # full batch: the history record's backprop over X_train at these weights is exactly
        # the next step's, so it is kept for that step instead of being done twice
        self._full_trace: tuple[int, object] | None = None
        self.last_batch: tuple[Array, Array] = (
            X[: self.batch_size],
            self.Y_train[: self.batch_size],
        )
        # what the last step computed, to give its batch's J on demand: (cfg, Θ, trace, Y)
        self._last_step: tuple | None = None
        self._last_batch_J: float | None = None
        self._plan: _RowPlan | None = None  # fast_forward's rows to record, while it runs
        self._record()

    # ----------------------------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """True once J or Θ went non-finite."""
        return self.divergence is not None

    def full_trace(self) -> BackpropTrace:
        """Backpropagation over the whole training set at the current Θ: a⁽ˡ⁾, z⁽ˡ⁾, δ⁽ˡ⁾,
        Δ⁽ˡ⁾, D⁽ˡ⁾ and J, as ``backprop(cfg, Theta, X_train, Y_train)`` gives them.

        With full-batch training it is the trace the history's record made at these weights
        and the next step will use, computed once per step and shared (the live view's
        diagram reads it every frame); with mini-batches it is computed on each call.
        """
        if self.batch_size == self.m:
            if self._full_trace is None or self._full_trace[0] != self.steps:
                with _quiet_overflow():
                    trace = _backprop(self.cfg, self.Theta, self.X_train, self.Y_train)
                self._full_trace = (self.steps, trace)
            return self._full_trace[1]
        with _quiet_overflow():
            return _backprop(self.cfg, self.Theta, self.X_train, self.Y_train)

    @property
    def batch_in_epoch(self) -> int:
        """Mini-batches done in the current epoch (0 at an epoch's end).  The current epoch
        ends ``steps_per_epoch - batch_in_epoch`` steps from now.  Not ``steps % steps_per_epoch``:
        a change of batch size or data mid-epoch (:meth:`with_settings`, :meth:`with_data`)
        starts the epoch afresh at any step count."""
        return self._batch

    @property
    def last_batch_J(self) -> float | None:
        """J(Θ) on the mini-batch of the last ``step()``, at the weights that step started
        from (regularization included, like ``history.J_train``); None before the first step.

        The usual "batch loss" of a training loop, to show between epoch records.  It is
        computed from that step's own forward pass (no extra pass), once, when first read.
        """
        if self._last_batch_J is None and self._last_step is not None:
            cfg, Theta, trace, Yb = self._last_step
            if trace.J is not None:  # a full-batch step reused the record's trace, J and all
                self._last_batch_J = float(trace.J)
            else:
                self._last_batch_J = _cost(cfg, Theta, trace.z[-1], trace.a[-1], Yb)
            self._last_step = None  # computed: drop the references
        return self._last_batch_J

    @property
    def optimizer_state(self) -> dict[str, Array | int]:
        """The optimizer's memory between steps (read only: a copy): ``{}`` for gradient
        descent, ``{"v": (n_weights,)}`` for momentum's velocity, ``{"m": (n_weights,),
        "v": (n_weights,), "t": int}`` for Adam's moments and step count."""
        return _copy_state(self._opt_state)

    @optimizer_state.setter
    def optimizer_state(self, state: dict[str, Array | int]) -> None:
        """Load the optimizer's memory (copied): the same keys, shapes and kinds as its
        ``init`` gives, e.g. to go on from a saved run.  Raises ValueError otherwise."""
        fresh = self._optimizer.init(self.theta_vec)
        if not isinstance(state, dict) or set(state) != set(fresh):
            raise ValueError(
                f"The optimizer {self.settings.optimizer!r} keeps {sorted(fresh) or 'nothing'}, "
                f"not {sorted(state) if isinstance(state, dict) else state!r}."
            )
        for k, v in fresh.items():
            if isinstance(v, np.ndarray) != isinstance(state[k], np.ndarray) or (
                isinstance(v, np.ndarray) and np.shape(state[k]) != v.shape
            ):
                raise ValueError(f"The optimizer's {k!r} must be like {k!r} of its init.")
        self._opt_state = _copy_state(state)

    def set_weight(self, l: int, j: int, k: int, value: float) -> None:
        """Set one weight Θ^(l)_jk by hand (course numbering: l = 1 … L − 1, j = 1 … s_{l+1},
        k = 0 … s_l with k = 0 the bias column; see ``bp_core.indexing``).

        Θ changes at once (a new vector: earlier snapshots keep the old values); the
        epoch and step counts, the optimizer's state, the history and the snapshots are
        kept, except what belongs to this very step: its history row (J, the metric, ‖D‖ …)
        is recorded again at the new Θ and its snapshot becomes the edited state.  While
        rewound (see :meth:`restore`) the later states are replaced, as when training goes
        on.  Raises ValueError, in the course's numbering, for a weight the network does not
        have or a value that is not a finite number.
        """
        index, row, col = weight_to_index(l, j, k, self.cfg)
        name = f"Θ^({l})_{j},{k}"
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"The new value of {name} must be a number (got {value!r}).")
        if not math.isfinite(value):
            raise ValueError(f"The new value of {name} must be a finite number (got {value}).")
        Theta = tuple(T.copy() for T in self.Theta)  # (s_{l+1}, s_l + 1) each
        Theta[index][row, col] = float(value)
        self.last_batch_J  # noqa: B018 (computed now, from the step that came before the edit)
        self.theta_vec = unroll(Theta)  # (n_weights,)
        self.Theta = reshape_params(self.cfg, self.theta_vec)
        self._full_trace = None  # computed at the old Θ
        self._last_step = None
        # an edit starts a new future, as training on does; this very step's history row and
        # snapshot become the edited state's, so the curves and going back find the edit
        self._go_on()
        here = bool(self.snapshots) and self.snapshots[-1].step == self.steps
        h = self.history
        if len(h) and h.step[-1] == self.steps and self.divergence is None:
            h.drop_last()
            if here:
                self.snapshots.pop()
            with _quiet_overflow():
                self._record()  # the row again, and the snapshot if this epoch had one
        elif here:
            self.snapshots[-1] = self._capture()

    def with_data(self, data: LabelledData) -> None:
        """Go on training on changed data (a point drawn or removed), keeping Θ, the
        optimizer's memory, the epoch and step counts, the history and the end-of-epoch
        snapshots.

        The next step starts a new pass over the new training set (m, the batch size and the
        steps per epoch follow it); J and the metric recorded from the next epoch on are
        measured on the new data, so the curves may jump there.  Snapshots taken inside an
        epoch hold that epoch's order of the *old* examples and are dropped.  While rewound
        (see :meth:`restore`) the later states are replaced, as when training goes on.
        Raises ValueError (nothing changed) for data that do not fit the network.
        """
        _, X, _ = check_inputs(self.cfg, self.Theta, data.X_train)
        y = np.asarray(data.y_train)
        Y = encode_targets(self.cfg, y, data.task)  # (m, s_L)
        m_test = 0 if data.X_test is None else len(data.X_test)
        if m_test:
            _, X_test, _ = check_inputs(self.cfg, self.Theta, data.X_test)
            y_test = np.asarray(data.y_test)
            Y_test = encode_targets(self.cfg, y_test, data.task)
        else:
            X_test = y_test = Y_test = None
        self._go_on()
        self.X_train, self.y_train, self.Y_train = X, y, Y
        self.X_test, self.y_test, self.Y_test = X_test, y_test, Y_test
        self.m = X.shape[0]
        bs = self.settings.batch_size
        self.batch_size = self.m if bs is None else min(bs, self.m)
        self.steps_per_epoch = math.ceil(self.m / self.batch_size)
        self._batch, self._order = 0, None
        self._Xp, self._Yp = X, Y
        self.snapshots = [s for s in self.snapshots if s.batch == 0]
        self._full_trace = None
        self._last_step = None
        self.last_batch = (X[: self.batch_size], Y[: self.batch_size])

    def with_lambda(self, lambda_: float) -> None:
        """Change λ mid-run, keeping Θ, the optimizer's state, the history and the snapshots.

        The configuration becomes the same ``NetConfig`` with the new λ (validated as
        usual); J recorded from now on includes the new regularization term.
        """
        cfg = replace(self.cfg, lambda_=lambda_)  # ValueError for a negative or non-number λ
        if cfg == self.cfg:
            return
        self.cfg = cfg
        self._full_trace = None  # its D holds the old (λ/m) Θ term

    def with_regularization(self, regularization: str) -> None:
        """Change the regularization ("l2" or "l1", see ``bp_core.config.REGULARIZATIONS``)
        mid-run, keeping Θ, the optimizer's state, the history and the snapshots.

        Like :meth:`with_lambda`: the configuration becomes the same ``NetConfig`` with the
        new regularization (validated as usual); J recorded from now on includes its term.
        """
        cfg = replace(self.cfg, regularization=regularization)  # ValueError for an unknown one
        if cfg == self.cfg:
            return
        self.cfg = cfg
        self._full_trace = None  # its D holds the old regularization's term

    def with_settings(self, settings: TrainSettings) -> None:
        """Change α, batch size or optimizer (or its constants) mid-run, keeping Θ and the
        history: the update rule reads the new ``settings`` from the next step on."""
        self.settings = settings
        bs = settings.batch_size
        self.batch_size = self.m if bs is None else min(bs, self.m)
        self.steps_per_epoch = math.ceil(self.m / self.batch_size)
        self._batch = 0
        self._Xp, self._Yp = self.X_train, self.Y_train
        self._order = None
        self._full_trace = None
        if settings.optimizer != self._optimizer.name:
            self._optimizer = OPTIMIZERS[settings.optimizer]
            self._opt_state = self._optimizer.init(self.theta_vec)

    def step(self) -> bool:
        """One gradient step on the next mini-batch.  Returns False if training has diverged."""
        with _quiet_overflow():
            return self._step()

    def _step(self) -> bool:
        if self.divergence is not None:
            return False
        self._go_on()
        if self._batch == 0 and self.batch_size < self.m:
            order = self.rng.permutation(self.m)
            self._Xp, self._Yp = self.X_train[order], self.Y_train[order]
            self._order = order
        lo = self._batch * self.batch_size
        Xb, Yb = self._Xp[lo : lo + self.batch_size], self._Yp[lo : lo + self.batch_size]
        self.last_batch = (Xb, Yb)
        if self._full_trace is not None and self._full_trace[0] == self.steps:
            trace = self._full_trace[1]
        else:
            trace = _backprop(self.cfg, self.Theta, Xb, Yb, with_cost=False)
        self._last_step, self._last_batch_J = (self.cfg, self.Theta, trace, Yb), None
        new_vec, new_state = self._optimizer.update(
            self.theta_vec, unroll(trace.D), self._opt_state, self.settings
        )
        if not np.isfinite(new_vec).all():
            layer = _first_nonfinite(reshape_params(self.cfg, new_vec))
            self._diverge(layer, f"Θ^({layer}) became infinite or NaN", self.steps + 1)
            return False
        self.theta_vec, self._opt_state = new_vec, new_state
        self.Theta = reshape_params(self.cfg, new_vec)
        self.steps += 1
        self._batch += 1
        if self._batch == self.steps_per_epoch:
            self._batch = 0
            self.epoch += 1
            if self.epoch % self.settings.record_every == 0:
                if self._plan is None:
                    self._record()
                else:
                    self._planned_record()
        return self.divergence is None

    def run_epoch(self) -> bool:
        """Finish the current epoch (a whole one if none is under way)."""
        target = self.epoch + 1
        with _quiet_overflow():
            while self.epoch < target and self._step():
                pass
        return self.divergence is None

    def run_epochs(self, n: int) -> bool:
        """Train n more epochs (stops early on divergence).  Returns False if it diverged."""
        _check_epochs(n)
        return self._epochs(n)

    def _epochs(self, n: int, on_epoch: Callable[[Trainer], bool | None] | None = None) -> bool:
        for _ in range(n):
            if not self.run_epoch():
                return False
            if on_epoch is not None and on_epoch(self) is False:
                break
        return self.divergence is None

    def fast_forward(
        self, n: int, on_epoch: Callable[[Trainer], bool | None] | None = None
    ) -> bool:
        """Train n more epochs like :meth:`run_epochs`, computing only the history rows the
        history keeps once the n epochs are done (a link's replay: 10,000 epochs of the
        default network in about half the time, 0.9 s instead of 1.8 s).

        The history's one thinning policy (:meth:`History.kept_rows`, at most
        ``History.max_rows`` = 2,000 rows) is played ahead on row numbers, so the rows it
        would drop are never computed: after n epochs Θ, the optimizer's memory, the random
        generator, the epoch and step counts, the snapshots and every kept history row are
        bit for bit those of ``run_epochs(n)``.  Between the kept rows J is still computed
        at every recorded epoch, so training stops (``divergence``) exactly where
        ``run_epochs`` stops; if it does, the n epochs are trained again from the start the
        ordinary way, so that the history too is that of ``run_epochs``.

        Parameters
        ----------
        n : int
            Epochs to train, ≥ 0 (the first finishes the current one, as ``run_epoch``).
        on_epoch : callable, optional
            ``on_epoch(trainer)`` after every epoch; returning False stops there (the history
            then holds the rows planned for n epochs, coarser than ``run_epochs`` would keep).

        Returns
        -------
        bool
            False if training diverged.
        """
        for _ in self.fast_forward_steps(n, on_epoch):
            pass
        return self.divergence is None

    def fast_forward_steps(
        self,
        n: int,
        on_epoch: Callable[[Trainer], bool | None] | None = None,
        every_s: float = 0.0005,
    ) -> Iterator[int]:
        """:meth:`fast_forward` a few gradient steps at a time: a generator that yields the
        step count whenever ``every_s`` seconds of training have passed since it last
        yielded (and once at the end), so that its caller can share the time with other
        work (the live channel's scheduler trains a link's replay in slices of a frame's
        budget).  Exhausted, it has done exactly what ``fast_forward(n, on_epoch)`` does;
        closed early (``close()``), it stops where it is, as if ``on_epoch`` had returned
        False (possibly mid-epoch).  Nothing else may train the trainer until it is
        exhausted or closed.
        """
        _check_epochs(n)
        if self.divergence is not None or n == 0:
            return
        h = self.history
        if any(len(col) != len(h.epoch) for col in h._columns()):
            yield from self._epoch_steps(n, on_epoch, every_s)  # nothing to plan
            return
        self._go_on()  # training goes on from here: a later future kept is replaced now
        mark = self._mark()
        every = self.settings.record_every
        n_rows = (self.epoch + n) // every - self.epoch // every  # the epochs that get a row
        old, new = h._survivors(n_rows)
        length = len(h)
        h._keep(old)
        self._plan = _RowPlan(new, length)
        try:
            yield from self._epoch_steps(n, on_epoch, every_s)
        finally:
            self._plan = None
        if self.divergence is not None:  # stopped early: train again, recording every row
            self._back_to(mark)
            yield from self._epoch_steps(n, None, every_s)

    def _epoch_steps(
        self, n: int, on_epoch: Callable[[Trainer], bool | None] | None, every_s: float
    ) -> Iterator[int]:
        """:meth:`_epochs`, yielding ``steps`` every ``every_s`` seconds of training (numpy's
        error state is set around each run of steps, never across a ``yield``)."""
        clock = time.perf_counter
        for _ in range(n):
            target = self.epoch + 1
            while self.epoch < target and self.divergence is None:
                t0 = clock()
                with _quiet_overflow():
                    while self._step() and self.epoch < target and clock() - t0 < every_s:
                        pass
                yield self.steps
            if self.divergence is not None:
                return
            if on_epoch is not None and on_epoch(self) is False:
                return

    def _planned_record(self) -> None:
        """The end of an epoch under :meth:`fast_forward`'s plan: its history row if the row
        is kept, else only J (to stop where an ordinary run stops) and the snapshot."""
        plan = self._plan
        row, plan.row = plan.row, plan.row + 1
        plan.length = self.history._length_after(plan.length)
        if row in plan.keep:
            self._record(plan.length)
            return
        if self.batch_size == self.m:  # as _record: the next step's backprop, done now
            trace = _backprop(self.cfg, self.Theta, self.X_train, self.Y_train)
            self._full_trace = (self.steps, trace)
            J_train = trace.J
        else:
            J_train, _ = self.evaluate(self.X_train, self.Y_train)
        if not math.isfinite(J_train):
            self._diverge(None, "the cost J became infinite or NaN", self.steps)
            return
        self._snapshot(plan.length)

    def _mark(self) -> tuple:
        """Everything :meth:`_back_to` needs to come back to this very state."""
        return (
            self._capture(),
            self.history.truncated(self.steps),  # a copy: new lists
            list(self.snapshots),
            self._snapshot_every,
            self._full_trace,
            self.last_batch,
            self._last_step,
            self._last_batch_J,
        )

    def _back_to(self, mark: tuple) -> None:
        snap, history, snapshots, every, full_trace, last_batch, last_step, last_J = mark
        self._load(snap)
        self.history, self.snapshots, self._snapshot_every = history, snapshots, every
        self._full_trace, self.last_batch = full_trace, last_batch
        self._last_step, self._last_batch_J = last_step, last_J

    # ----------------------------------------------------------------------------------
    def evaluate(self, X: Array, Y: Array) -> tuple[float, Array]:
        """J(Θ) and the network's outputs h (m, s_L) on X (m, s_1), Y (m, s_L)."""
        a, z, _ = _forward(self.cfg, self.Theta, X)
        return _cost(self.cfg, self.Theta, z[-1], a[-1], Y), a[-1]

    def _metric(self, h: Array, y: Array) -> float:
        pred = decode_outputs(self.cfg, h, self.task)
        return self.metric.score(y, pred)

    def _record(self, history_len: int | None = None) -> None:
        cfg = self.cfg
        full_batch = self.batch_size == self.m
        if self.settings.record_gradients or full_batch:
            trace = _backprop(cfg, self.Theta, self.X_train, self.Y_train)
            if full_batch:
                self._full_trace = (self.steps, trace)
            J_train, h_train = trace.J, trace.a[-1]
            grad_norm = [float(np.linalg.norm(D)) for D in trace.D]
            mean_abs_delta = [float(np.mean(np.abs(d))) for d in trace.delta[1:]]
            saturation = []
            for l in range(2, cfg.L):  # hidden layers
                act = cfg.unit(l)
                slope = act.g_prime(trace.z[l - 1], trace.a[l - 1])  # g'(z^(l)), (m, s_l)
                saturation.append(float(np.mean(slope < 0.05 * act.peak_slope)))
        else:
            J_train, h_train = self.evaluate(self.X_train, self.Y_train)
            # keep the per-layer columns aligned with the epochs: NaN means "not recorded"
            grad_norm = [math.nan] * (cfg.L - 1)
            mean_abs_delta = [math.nan] * (cfg.L - 1)
            saturation = [math.nan] * (cfg.L - 2)
        if not math.isfinite(J_train):
            self._diverge(None, "the cost J became infinite or NaN", self.steps)
            return
        if self.X_test is not None:
            J_test, h_test = self.evaluate(self.X_test, self.Y_test)
            metric_test = self._metric(h_test, self.y_test)
        else:
            J_test = metric_test = math.nan
        self.history.append(
            epoch=self.epoch,
            step=self.steps,
            J_train=J_train,
            J_test=J_test,
            metric_train=self._metric(h_train, self.y_train),
            metric_test=metric_test,
            grad_norm=grad_norm,
            mean_abs_delta=mean_abs_delta,
            saturation=saturation,
        )
        self._snapshot(history_len)

    def _snapshot(self, history_len: int | None = None) -> None:
        if self.epoch % self._snapshot_every:
            return
        self.snapshots.append(self._capture(history_len))
        while len(self.snapshots) > self.settings.max_snapshots:  # fewer may be allowed now
            self._snapshot_every *= 2
            self.snapshots = [s for s in self.snapshots if s.epoch % self._snapshot_every == 0]

    def _diverge(self, layer: int | None, what: str, step: int) -> None:
        epoch = (step - 1) // self.steps_per_epoch + 1 if step > 0 else 0  # 1-based, as shown
        self.divergence = Divergence(
            epoch=epoch,
            step=step,
            layer=layer,
            message=(
                f"Training stopped at step {step} (epoch {epoch}): {what}. "
                "The weights were kept at their last finite values. Try a smaller learning "
                "rate α, a smaller λ, or a different initialization."
            ),
        )

    def Theta_at(self, epoch: int) -> tuple[Array, ...]:
        """The snapshot of Θ closest to (at or before) ``epoch``."""
        best = self.snapshots[0]
        for s in self.snapshots:
            if s.epoch <= epoch:
                best = s
        return best.Theta

    # ----------------------------------------------------------------------------------
    # Time travel
    # ----------------------------------------------------------------------------------
    @property
    def rewound(self) -> bool:
        """True while the trainer is restored to a point before the latest state it reached;
        the later snapshots and history rows are kept until training goes on from here."""
        return self._head is not None

    @property
    def latest(self) -> Snapshot | None:
        """While rewound: the latest state reached, kept (with its epoch's order) so that
        training can come back to it; None otherwise."""
        return self._head

    @property
    def reached_history(self) -> History:
        """The history of every epoch reached: while rewound, with the rows after the
        current point that are kept (the curves stay whole, the current epoch marked on
        them); otherwise :attr:`history` itself."""
        return self._full_history if self._head is not None else self.history

    def timeline(self) -> list[tuple[int, int]]:
        """(epoch, step) of every point :meth:`restore` can go to, in order: the snapshots,
        and the latest state reached (also when it is mid-epoch).  While rewound, the points
        after the current one are there too."""
        return [
            (p.epoch, p.step) if p is not None else (self.epoch, self.steps) for p in self._points()
        ]

    def _points(self) -> list[Snapshot | None]:
        """The snapshots and the latest state (None: the present state, not captured); the
        latest state replaces a snapshot of the same step (an edit may have changed it)."""
        last = self._head
        last_step = self.steps if last is None else last.step
        return [*(s for s in self.snapshots if s.step < last_step), last]

    def restore(self, epoch: int, step: int | None = None) -> Snapshot:
        """Go back (or forward again) to the latest kept state at or before ``epoch`` (and
        at or before gradient step ``step`` when given; see :meth:`timeline`).

        Θ, the optimizer's memory, the random generator, the epoch and step counts, the
        divergence and the history become what they were then, so training on gives the
        same Θ, bit for bit, as training on from there did (or would have) without stopping.
        The later states are kept: restoring one of them again works, until training goes
        on from this point (or a weight is edited), which replaces them.  Changes made to
        the settings since (α, batch size, λ, optimizer) stay; a snapshot of another
        optimizer's memory restarts the current optimizer's.

        Returns the Snapshot restored.  Raises ValueError for a negative epoch or step, or
        when nothing was kept that early.
        """
        for name, v in (("epoch", epoch), ("step", step)):
            if v is None and name == "step":
                continue
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                raise ValueError(
                    f"The {name} to go back to must be a whole number ≥ 0 (got {v!r})."
                )
        points = [
            p
            for p, (e, st) in zip(self._points(), self.timeline(), strict=True)
            if e <= epoch and (step is None or st <= step)
        ]
        if not points:
            first = self.timeline()[0]
            raise ValueError(
                f"Nothing was kept from before epoch {epoch}"
                + (f", step {step}" if step is not None else "")
                + f": the earliest state kept is epoch {first[0]} (step {first[1]})."
            )
        target = points[-1]
        if target is None:  # the present state: nothing to do
            return self._capture()
        if self._head is None:
            self._head, self._full_history = self._capture(), self.history
        self._load(target)
        if target is self._head:  # back at the latest state: nothing is kept any more
            self.history = self._full_history
            self._head = self._full_history = None
        else:
            self.history = self._full_history.truncated(target.step)
        return target

    def _capture(self, history_len: int | None = None) -> Snapshot:
        """The whole training state now, as a Snapshot (the optimizer's memory copied);
        ``history_len`` stands in for the history's length (see :meth:`fast_forward`)."""
        return Snapshot(
            epoch=self.epoch,
            step=self.steps,
            Theta=self.Theta,
            theta_vec=self.theta_vec,  # never changed in place: a new vector every step
            optimizer=self._optimizer.name,
            optimizer_state=_copy_state(self._opt_state),
            rng_state=self.rng.bit_generator.state,  # a new dict, ~0.3 kB
            history_len=len(self.history) if history_len is None else history_len,
            batch=self._batch,
            order=self._order if self._batch else None,
            divergence=self.divergence,
        )

    def _load(self, s: Snapshot) -> None:
        """Make ``s`` the current state (see :meth:`restore`)."""
        self.theta_vec = s.theta_vec if s.theta_vec is not None else unroll(s.Theta)
        self.Theta = reshape_params(self.cfg, self.theta_vec)
        self.epoch, self.steps = s.epoch, s.step
        if s.optimizer == self._optimizer.name and s.optimizer_state is not None:
            self._opt_state = _copy_state(s.optimizer_state)
        else:
            self._opt_state = self._optimizer.init(self.theta_vec)
        if s.rng_state is not None:
            self.rng.bit_generator.state = s.rng_state
        order = s.order
        if 0 < s.batch < self.steps_per_epoch and order is not None and len(order) == self.m:
            self._batch, self._order = s.batch, order
            self._Xp, self._Yp = self.X_train[order], self.Y_train[order]
        else:
            self._batch, self._order = 0, None
            self._Xp, self._Yp = self.X_train, self.Y_train
        self.divergence = s.divergence
        self._full_trace = None
        self._last_step, self._last_batch_J = None, None
        self.last_batch = (self._Xp[: self.batch_size], self._Yp[: self.batch_size])

    def _go_on(self) -> None:
        """Training goes on from a restored point: the later states kept are replaced."""
        if self._head is None:
            return
        self.snapshots = [s for s in self.snapshots if s.step <= self.steps]
        self._head = self._full_history = None
