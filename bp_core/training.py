"""Training: an incremental trainer the live UI drives a mini-batch, an epoch or N epochs at a
time, with a history of what happened and Θ snapshots to scrub back through.

Batch size ``None`` is full-batch gradient descent (the course's way), 1 is stochastic
gradient descent, anything between is mini-batch.  One epoch is one pass over the training
set in a fresh random order drawn from the trainer's ``rng``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .config import NetConfig
from .metrics import accuracy, r2
from .network import (
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
        The optimizers' constants.
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
    """One row per recorded epoch.  ``grad_norm[e][l - 1]`` is ‖D^(l)‖ (Frobenius) on the full
    training set for l = 1 … L − 1; ``mean_abs_delta[e][l - 2]`` is mean |δ^(l)| for
    l = 2 … L; ``saturation[e][l - 2]`` is the fraction of (example, unit) pairs of hidden layer
    l = 2 … L − 1 whose g'(z) is below 5 % of its peak."""

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
    """Θ as it was after ``epoch`` epochs (``step`` gradient steps)."""

    epoch: int
    step: int
    Theta: tuple[Array, ...]


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
        self._hp = {
            "alpha": settings.alpha,
            "momentum": settings.momentum,
            "beta1": settings.beta1,
            "beta2": settings.beta2,
            "adam_eps": settings.adam_eps,
        }
        self.epoch = 0
        self.steps = 0
        self._batch = 0  # mini-batches done in the current epoch
        self._Xp, self._Yp = X, self.Y_train  # this epoch's shuffled order
        self.history = History("R²" if data.task == "regression" else "accuracy")
        self.snapshots: list[Snapshot] = []
        self._snapshot_every = 1
        self.divergence: Divergence | None = None
        # full batch: the history record's backprop over X_train at these weights is exactly
        # the next step's, so it is kept for that step instead of being done twice
        self._full_trace: tuple[int, object] | None = None
        self.last_batch: tuple[Array, Array] = (
            X[: self.batch_size],
            self.Y_train[: self.batch_size],
        )
        self._record()

    # ----------------------------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """True once J or Θ went non-finite."""
        return self.divergence is not None

    def with_settings(self, settings: TrainSettings) -> None:
        """Change α, batch size or optimizer mid-run, keeping Θ and the history."""
        self.settings = settings
        self._hp["alpha"] = settings.alpha
        bs = settings.batch_size
        self.batch_size = self.m if bs is None else min(bs, self.m)
        self.steps_per_epoch = math.ceil(self.m / self.batch_size)
        self._batch = 0
        self._Xp, self._Yp = self.X_train, self.Y_train
        self._full_trace = None
        if settings.optimizer != self._optimizer.name:
            self._optimizer = OPTIMIZERS[settings.optimizer]
            self._opt_state = self._optimizer.init(self.theta_vec)
        self._hp.update(
            momentum=settings.momentum,
            beta1=settings.beta1,
            beta2=settings.beta2,
            adam_eps=settings.adam_eps,
        )

    def step(self) -> bool:
        """One gradient step on the next mini-batch.  Returns False if training has diverged."""
        with _quiet_overflow():
            return self._step()

    def _step(self) -> bool:
        if self.divergence is not None:
            return False
        if self._batch == 0 and self.batch_size < self.m:
            order = self.rng.permutation(self.m)
            self._Xp, self._Yp = self.X_train[order], self.Y_train[order]
        lo = self._batch * self.batch_size
        Xb, Yb = self._Xp[lo : lo + self.batch_size], self._Yp[lo : lo + self.batch_size]
        self.last_batch = (Xb, Yb)
        if self._full_trace is not None and self._full_trace[0] == self.steps:
            trace = self._full_trace[1]
        else:
            trace = _backprop(self.cfg, self.Theta, Xb, Yb, with_cost=False)
        new_vec, new_state = self._optimizer.update(
            self.theta_vec, unroll(trace.D), self._opt_state, self._hp
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
                self._record()
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
        if n < 0:
            raise ValueError(f"The number of epochs must be ≥ 0 (got {n}).")
        for _ in range(n):
            if not self.run_epoch():
                return False
        return self.divergence is None

    # ----------------------------------------------------------------------------------
    def evaluate(self, X: Array, Y: Array) -> tuple[float, Array]:
        """J(Θ) and the network's outputs h (m, s_L) on X (m, s_1), Y (m, s_L)."""
        a, z, _ = _forward(self.cfg, self.Theta, X)
        return _cost(self.cfg, self.Theta, z[-1], a[-1], Y), a[-1]

    def _metric(self, h: Array, y: Array) -> float:
        pred = decode_outputs(self.cfg, h, self.task)
        return r2(y, pred) if self.task == "regression" else accuracy(y, pred)

    def _record(self) -> None:
        h = self.history
        cfg = self.cfg
        full_batch = self.batch_size == self.m
        if self.settings.record_gradients or full_batch:
            trace = _backprop(cfg, self.Theta, self.X_train, self.Y_train)
            if full_batch:
                self._full_trace = (self.steps, trace)
            J_train, h_train = trace.J, trace.a[-1]
            h.grad_norm.append([float(np.linalg.norm(D)) for D in trace.D])
            h.mean_abs_delta.append([float(np.mean(np.abs(d))) for d in trace.delta[1:]])
            sat = []
            for l in range(2, cfg.L):  # hidden layers
                act = cfg.unit(l)
                slope = act.g_prime(trace.z[l - 1], trace.a[l - 1])  # g'(z^(l)), (m, s_l)
                sat.append(float(np.mean(slope < 0.05 * act.peak_slope)))
            h.saturation.append(sat)
        else:
            J_train, h_train = self.evaluate(self.X_train, self.Y_train)
            # keep the per-layer columns aligned with the epochs: NaN means "not recorded"
            n_theta, n_hidden = self.cfg.L - 1, self.cfg.L - 2
            h.grad_norm.append([math.nan] * n_theta)
            h.mean_abs_delta.append([math.nan] * n_theta)
            h.saturation.append([math.nan] * n_hidden)
        if not math.isfinite(J_train):
            self._diverge(None, "the cost J became infinite or NaN", self.steps)
            return
        h.epoch.append(self.epoch)
        h.step.append(self.steps)
        h.J_train.append(J_train)
        h.metric_train.append(self._metric(h_train, self.y_train))
        if self.X_test is not None:
            J_test, h_test = self.evaluate(self.X_test, self.Y_test)
            h.J_test.append(J_test)
            h.metric_test.append(self._metric(h_test, self.y_test))
        else:
            h.J_test.append(math.nan)
            h.metric_test.append(math.nan)
        self._snapshot()

    def _snapshot(self) -> None:
        if self.epoch % self._snapshot_every:
            return
        self.snapshots.append(Snapshot(self.epoch, self.steps, self.Theta))
        if len(self.snapshots) > self.settings.max_snapshots:
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
