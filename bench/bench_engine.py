"""How fast does bp_core train?  Its ``Trainer`` against a plain numpy loop, PyTorch eager and
TensorFlow Playground's own engine (``src/nn.ts`` compiled with tsc, run under node).

Run from the repository root::

    python bench/bench_engine.py                 # all three setups, about 1.5 minutes
    python bench/bench_engine.py --quick         # fewer, shorter blocks
    python bench/bench_engine.py --setups default,deep --threads 2 --profile
    python bench/bench_engine.py --tfp-src ~/src/playground   # or TFP_SRC=...; --no-tfp

Engines, all float64, all starting from the same initial Θ:

* ``bp_core`` — ``bp_core.training.Trainer`` with ``TrainSettings(optimizer="gd")``, once with
  ``record_gradients=False`` and once with ``record_gradients=True`` (per-layer ‖D‖, mean |δ|
  and saturation every epoch, one extra full-batch backward pass).
* ``numpy loop`` — the obvious vectorized loop a student writes (``student_epoch`` below):
  per mini-batch forward with ``np.hstack`` for the bias, backward, update.  Not tuned.
* ``torch eager`` — ``torch.nn.Sequential`` of ``Linear``/``Tanh``, plain autograd and
  ``torch.optim.SGD``; skipped (reported as "not installed") when torch cannot be imported.
* ``tfp nn.ts`` — TF Playground's ``nn.ts`` from a checkout given with ``--tfp-src`` /
  ``$TFP_SRC`` (default /work/peer/tfp), compiled at bench time and driven under node like
  ``playground.ts``'s ``oneStep()`` (see ``bench/tfp_node.py``).  Skipped, with the reason
  printed, when the source, node or tsc is missing.  The Playground goes through its training
  points in one fixed order (it shuffles once, when it makes the data); it is given the order
  of bp_core's first epoch, so that after one epoch all engines must hold the same Θ.

One **epoch** is one pass over the 250 training points in the setup's mini-batches, in a
fresh random order (``rng.permutation``, as the Trainer does; full batch is not shuffled),
**plus** J on the training set and on the test set.  The Trainer also computes accuracy and
keeps a Θ snapshot each epoch; that is part of its cost.

Method: each engine is warmed up while the number of epochs per block is calibrated so that a
block takes at least ``--block-seconds`` (0.5 s); then the engines take turns (round robin, so drift
on a noisy machine hits all of them alike) until each has timed ``--repeats`` blocks (7).  The
figure reported is the **median** epochs/s over the blocks.

Threads: BLAS (OpenBLAS via threadpoolctl) and torch are limited to ``--threads`` threads
(default 1).  The matrices here are tiny (at most 250 x 65), so extra threads mostly add
synchronisation; 1 thread for every engine is the fair default.  OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are left as they are and printed.

Before timing, a check: from the same Θ and the same example order, one epoch of each engine
must give the same Θ to 1e-10 (PASS/FAIL).

After the table: where a numpy engine loses at batch 10 and why, from figures measured in the
same run (the cost of one tiny numpy call, and a Trainer step's cost split into a part that
does not depend on the batch size and a part per example).

No figure of another engine is hard-coded: every peer number printed is measured in the run.

Results go to ``bench/results/engine.json`` (gitignored) unless ``--json PATH`` is given.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bp_core  # noqa: E402
from bp_core import network as bp_network  # noqa: E402
from bp_core.optimizers import OPTIMIZERS  # noqa: E402
from bp_core.training import Trainer, TrainSettings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tfp_node  # noqa: E402

Array = np.ndarray

# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

#: Targets from the issue.  The first is an absolute figure for bp_core itself; every
#: comparison with TF Playground or torch uses their epochs/s measured in the same run.
TARGET_DEFAULT_EPS = 800.0  # bp_core epochs/s on the default setup
TARGET_DEEP_VS_TFP = 2.0  # bp_core ≥ 2x TF Playground's nn.ts (measured) on the 6x8 net
TARGET_VS_TORCH_SMALL_BATCH = 5.0  # bp_core / torch at batch 10
TARGET_WIDE_WITHIN = 1.2  # bp_core within 1.2x of torch on 2-64-64-1 full batch
TARGET_RECORDING_LOSS = 0.20  # record_gradients=True loses at most 20 %

ALPHA = 0.03
N_POINTS = 500
TRAIN_FRACTION = 0.5
VERIFY_TOL = 1e-10


@dataclass(frozen=True)
class Setup:
    """One benchmark configuration: tanh hidden layers, tanh output, squared error, λ = 0."""

    key: str
    title: str
    layer_sizes: tuple[int, ...]
    batch_size: int | None  # None: full batch

    def cfg(self) -> bp_core.NetConfig:
        return bp_core.NetConfig(
            layer_sizes=self.layer_sizes,
            hidden_activation="tanh",
            output="tanh",
            loss="mse",
            lambda_=0.0,
        )


SETUPS = {
    s.key: s
    for s in (
        Setup("default", "1. TFP default 2-4-2-1, batch 10", (2, 4, 2, 1), 10),
        Setup("deep", "2. TFP largest 2-8-8-8-8-8-8-1, batch 10", (2, 8, 8, 8, 8, 8, 8, 1), 10),
        Setup("wide", "3. 2-64-64-1, full batch (250)", (2, 64, 64, 1), None),
    )
}
SETUP_ALIASES = {"1": "default", "2": "deep", "3": "wide"}

ENGINES = ("bp_core", "bp_core+rec", "numpy loop", "torch eager", "tfp nn.ts")
TFP = "tfp nn.ts"


# --------------------------------------------------------------------------------------
# Data: the circle, 500 points, half for training
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CircleData:
    """What ``Trainer`` needs of a data set (used only when bp_core.datasets has no circle)."""

    X_train: Array  # (m_train, 2)
    y_train: Array  # (m_train,) labels 0/1
    X_test: Array  # (m_test, 2)
    y_test: Array  # (m_test,)
    task: str = "classification"


def tfp_circle(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """TF Playground's classifyCircleData without noise: radius 5, inner r ∈ [0, 2.5] is
    class 1 (+1 in Playground), outer r ∈ [3.5, 5] is class 0 (−1).  Returns X (n, 2), y (n,)."""
    inner = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, inner), rng.uniform(3.5, 5.0, n - inner)])  # (n,)
    angle = rng.uniform(0, 2 * np.pi, n)  # (n,)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # (n, 2)
    y = (np.arange(n) < inner).astype(np.int64)  # (n,)
    return X, y


def load_circle(seed: int) -> tuple[Any, str]:
    """The circle data set: bp_core.datasets's if it has one, else generated here."""
    rng = np.random.default_rng(seed)
    try:
        from bp_core.datasets import make_dataset

        data = make_dataset("circle", n=N_POINTS, noise=0.0, train_fraction=TRAIN_FRACTION, rng=rng)
        return data, "bp_core.datasets.make_dataset('circle', n=500, noise=0)"
    except (ImportError, AttributeError, ValueError, KeyError):
        X, y = tfp_circle(N_POINTS, rng)
        order = rng.permutation(N_POINTS)
        m_train = round(TRAIN_FRACTION * N_POINTS)
        tr, te = order[:m_train], order[m_train:]
        return CircleData(X[tr], y[tr], X[te], y[te]), "generated in bench_engine.py (TFP rule)"


# --------------------------------------------------------------------------------------
# The engines.  Each has run(n_epochs) and theta() -> list of Θ (s_{l+1}, s_l + 1).
# --------------------------------------------------------------------------------------


class BpCoreEngine:
    """bp_core's Trainer, exactly as the app drives it."""

    def __init__(self, setup: Setup, Theta0, data, record: bool, seed: int) -> None:
        settings = TrainSettings(
            alpha=ALPHA, batch_size=setup.batch_size, optimizer="gd", record_gradients=record
        )
        rng = np.random.default_rng(seed)
        self.trainer = Trainer(setup.cfg(), Theta0, data, settings, rng)

    def run(self, n_epochs: int) -> None:
        if not self.trainer.run_epochs(n_epochs):
            raise RuntimeError(f"bp_core diverged: {self.trainer.divergence}")

    def theta(self) -> list[Array]:
        return [np.array(T) for T in self.trainer.Theta]


def student_cost(Theta: list[Array], X: Array, Y: Array) -> float:
    """J = 1/(2m) Σ (h − y)² for a tanh network, the obvious way."""
    a = X
    for T in Theta:
        a = np.tanh(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)
    return float(np.sum((a - Y) ** 2) / (2 * X.shape[0]))


def student_epoch(
    Theta: list[Array],
    X: Array,
    Y: Array,
    X_test: Array,
    Y_test: Array,
    batch_size: int,
    alpha: float,
    rng: np.random.Generator,
) -> tuple[list[Array], float, float]:
    """One epoch of mini-batch gradient descent, written the way a student would.

    tanh everywhere, squared error; ``Theta[l]`` is (s_{l+1}, s_l + 1), bias in column 0.
    Returns the new Θ, J on the training set and J on the test set.
    """
    m = X.shape[0]
    if batch_size < m:
        order = rng.permutation(m)
        X, Y = X[order], Y[order]
    for lo in range(0, m, batch_size):
        Xb, Yb = X[lo : lo + batch_size], Y[lo : lo + batch_size]
        mb = Xb.shape[0]
        # forward: keep a (no bias) and each layer's input with its bias column
        a = [Xb]
        a_with_bias = []
        for T in Theta:
            a_with_bias.append(np.hstack([np.ones((mb, 1)), a[-1]]))
            a.append(np.tanh(a_with_bias[-1] @ T.T))
        # backward
        d = (a[-1] - Yb) * (1 - a[-1] ** 2)  # δ^(L) for tanh + squared error
        grads = [None] * len(Theta)
        for l in range(len(Theta) - 1, -1, -1):
            grads[l] = d.T @ a_with_bias[l] / mb
            if l > 0:
                d = (d @ Theta[l])[:, 1:] * (1 - a[l] ** 2)
        # update
        Theta = [T - alpha * G for T, G in zip(Theta, grads, strict=True)]
    return Theta, student_cost(Theta, X, Y), student_cost(Theta, X_test, Y_test)


class NumpyLoopEngine:
    """``student_epoch`` over and over."""

    def __init__(self, setup: Setup, Theta0, data, seed: int) -> None:
        cfg = setup.cfg()
        self.Theta = [np.array(T, dtype=np.float64) for T in Theta0]
        self.X, self.X_test = np.asarray(data.X_train), np.asarray(data.X_test)
        self.Y = bp_core.encode_targets(cfg, np.asarray(data.y_train))  # (m, 1), −1/+1
        self.Y_test = bp_core.encode_targets(cfg, np.asarray(data.y_test))
        m = self.X.shape[0]
        self.batch_size = m if setup.batch_size is None else min(setup.batch_size, m)
        self.rng = np.random.default_rng(seed)
        self.J = (math.nan, math.nan)

    def run(self, n_epochs: int) -> None:
        for _ in range(n_epochs):
            self.Theta, J_train, J_test = student_epoch(
                self.Theta,
                self.X,
                self.Y,
                self.X_test,
                self.Y_test,
                self.batch_size,
                ALPHA,
                self.rng,
            )
            self.J = (J_train, J_test)

    def theta(self) -> list[Array]:
        return [T.copy() for T in self.Theta]


class TorchEngine:
    """PyTorch eager: nn.Sequential, autograd, torch.optim.SGD, float64."""

    def __init__(self, torch, setup: Setup, Theta0, data, seed: int) -> None:
        self.torch = torch
        cfg = setup.cfg()
        layers = []
        for T in Theta0:
            lin = torch.nn.Linear(T.shape[1] - 1, T.shape[0], dtype=torch.float64)
            with torch.no_grad():
                lin.bias.copy_(torch.from_numpy(np.ascontiguousarray(T[:, 0])))
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(T[:, 1:])))
            layers += [lin, torch.nn.Tanh()]
        self.model = torch.nn.Sequential(*layers)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=ALPHA)
        self.X = torch.from_numpy(np.asarray(data.X_train, dtype=np.float64))
        self.X_test = torch.from_numpy(np.asarray(data.X_test, dtype=np.float64))
        self.Y = torch.from_numpy(bp_core.encode_targets(cfg, np.asarray(data.y_train)))
        self.Y_test = torch.from_numpy(bp_core.encode_targets(cfg, np.asarray(data.y_test)))
        self.m = self.X.shape[0]
        self.batch_size = self.m if setup.batch_size is None else min(setup.batch_size, self.m)
        self.rng = np.random.default_rng(seed)  # same order as the other engines
        self.J = (math.nan, math.nan)

    def _cost(self, X, Y):
        return 0.5 * ((self.model(X) - Y) ** 2).sum() / X.shape[0]

    def run(self, n_epochs: int) -> None:
        torch, bs = self.torch, self.batch_size
        for _ in range(n_epochs):
            X, Y = self.X, self.Y
            if bs < self.m:
                order = torch.from_numpy(self.rng.permutation(self.m))
                X, Y = X[order], Y[order]
            for lo in range(0, self.m, bs):
                self.opt.zero_grad()
                loss = self._cost(X[lo : lo + bs], Y[lo : lo + bs])
                loss.backward()
                self.opt.step()
            with torch.no_grad():
                self.J = (self._cost(X, Y).item(), self._cost(self.X_test, self.Y_test).item())

    def theta(self) -> list[Array]:
        lins = [mod for mod in self.model if isinstance(mod, self.torch.nn.Linear)]
        return [
            np.hstack([lin.bias.detach().numpy()[:, None], lin.weight.detach().numpy()])
            for lin in lins
        ]


def initial_theta(setup: Setup, seed: int) -> list[Array]:
    """The initial Θ every engine starts from (Xavier, biases 0)."""
    return bp_core.init_weights(setup.cfg(), np.random.default_rng(seed), method="xavier")


def tfp_engine(peer: tfp_node.TfpPeer, setup: Setup, Theta0, data, seed: int):
    """TF Playground's nn.ts under node, given the training points in the order of the
    Trainer's first epoch (``default_rng(seed).permutation(m)``; none for the full batch)."""
    cfg = setup.cfg()
    X = np.asarray(data.X_train, dtype=np.float64)
    m = X.shape[0]
    batch_size = m if setup.batch_size is None else min(setup.batch_size, m)
    order = np.random.default_rng(seed).permutation(m) if batch_size < m else np.arange(m)
    return tfp_node.TfpEngine(
        peer,
        setup.layer_sizes,
        cfg.hidden_activation,
        Theta0,
        X,
        bp_core.encode_targets(cfg, np.asarray(data.y_train)),  # (m, 1), −1/+1 as in TFP
        np.asarray(data.X_test, dtype=np.float64),
        bp_core.encode_targets(cfg, np.asarray(data.y_test)),
        batch_size,
        ALPHA,
        order,
    )


def make_engines(torch, peer, setup: Setup, data, seed: int) -> dict[str, Any]:
    """All engines for one setup, from the same initial Θ and the same shuffling seed."""
    Theta0 = initial_theta(setup, seed)
    engines: dict[str, Any] = {
        "bp_core": BpCoreEngine(setup, Theta0, data, record=False, seed=seed + 1),
        "bp_core+rec": BpCoreEngine(setup, Theta0, data, record=True, seed=seed + 1),
        "numpy loop": NumpyLoopEngine(setup, Theta0, data, seed=seed + 1),
    }
    if torch is not None:
        engines["torch eager"] = TorchEngine(torch, setup, Theta0, data, seed=seed + 1)
    if peer is not None:
        engines[TFP] = tfp_engine(peer, setup, Theta0, data, seed=seed + 1)
    return engines


def close_engines(engines: dict[str, Any]) -> None:
    """Stop the engines that run in another process (the node driver)."""
    for engine in engines.values():
        close = getattr(engine, "close", None)
        if close is not None:
            close()


# --------------------------------------------------------------------------------------
# Same numbers?  One epoch from the same Θ and the same order.
# --------------------------------------------------------------------------------------


def verify(torch, peer, setup: Setup, data, seed: int) -> dict[str, Any]:
    """Max |ΔΘ| after one epoch between bp_core (no recording) and every other engine."""
    engines = make_engines(torch, peer, setup, data, seed)
    try:
        for engine in engines.values():
            engine.run(1)
        ref = engines["bp_core"].theta()
        out: dict[str, Any] = {}
        for name, engine in engines.items():
            if name == "bp_core":
                continue
            diff = max(
                float(np.max(np.abs(a - b))) for a, b in zip(ref, engine.theta(), strict=True)
            )
            out[name] = {"max_abs_diff": diff, "pass": diff <= VERIFY_TOL}
    finally:
        close_engines(engines)
    Theta0 = initial_theta(setup, seed)
    moved = max(float(np.max(np.abs(a - b))) for a, b in zip(ref, Theta0, strict=True))
    out["theta_moved"] = moved  # > 0: the epoch really changed Θ
    return out


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


def time_block(engine, n_epochs: int) -> float:
    gc.collect()
    t0 = time.perf_counter()
    engine.run(n_epochs)
    return time.perf_counter() - t0


def calibrate(engine, block_seconds: float) -> int:
    """Warm up and find how many epochs take at least ``block_seconds``."""
    n = 1
    while True:
        t = time_block(engine, n)
        if t >= block_seconds / 4:
            break
        n *= 2
    time_block(engine, n)  # one more warm-up block at full size
    return max(1, math.ceil(n * block_seconds / t))


def bench_setup(
    torch, peer, setup: Setup, data, seed: int, repeats: int, block_seconds: float
) -> dict:
    engines = make_engines(torch, peer, setup, data, seed)
    try:
        n_per_block = {name: calibrate(engine, block_seconds) for name, engine in engines.items()}
        rates: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(repeats):
            for name, engine in engines.items():  # round robin
                rates[name].append(n_per_block[name] / time_block(engine, n_per_block[name]))
    finally:
        close_engines(engines)
    return {
        name: {
            "median_epochs_per_s": statistics.median(r),
            "min": min(r),
            "max": max(r),
            "blocks": r,
            "epochs_per_block": n_per_block[name],
        }
        for name, r in rates.items()
    }


# --------------------------------------------------------------------------------------
# Where bp_core's time goes (setup 1)
# --------------------------------------------------------------------------------------


def _per_call_us(fn: Callable[[], Any], min_seconds: float = 0.2) -> float:
    n = 100
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        t = time.perf_counter() - t0
        if t >= min_seconds:
            return 1e6 * t / n
        n *= 4


def step_breakdown(setup: Setup, data, seed: int) -> list[tuple[str, float]]:
    """Microseconds per call of each piece of ``Trainer.step`` and ``Trainer._record``."""
    eng = BpCoreEngine(setup, initial_theta(setup, seed), data, False, seed)
    tr = eng.trainer
    cfg, Theta, bs = tr.cfg, tr.Theta, tr.batch_size
    Xb, Yb = tr.X_train[:bs], tr.Y_train[:bs]
    trace = bp_network._backprop(cfg, Theta, Xb, Yb, with_cost=False)
    a, z, a1 = bp_network._forward(cfg, Theta, Xb)
    loss, out = bp_core.LOSSES[cfg.loss], bp_core.OUTPUTS[cfg.output]
    act = bp_core.ACTIVATIONS["tanh"]
    gd = OPTIMIZERS["gd"]
    grad = bp_network.unroll(trace.D)
    rng = np.random.default_rng(0)
    record_on = BpCoreEngine(setup, Theta, data, True, seed).trainer
    for t in (tr, record_on):  # so that timing _record() repeatedly keeps no snapshots
        t.epoch, t._snapshot_every = 1, 2**62
    rows = [
        ("one epoch: 25 x Trainer.step() + _record(), per step", None),
        ("  rng.permutation + X[order], Y[order]  (once per epoch)",
         lambda: (lambda o: (tr.X_train[o], tr.Y_train[o]))(rng.permutation(tr.m))),
        ("  _backprop(with_cost=False)", lambda: bp_network._backprop(cfg, Theta, Xb, Yb,
                                                                      with_cost=False)),
        ("    _forward (3 layers: add_bias, @, tanh)", lambda: bp_network._forward(cfg, Theta, Xb)),
        ("      add_bias x1", lambda: bp_network.add_bias(Xb)),
        ("      a1 @ Theta.T x1", lambda: a1[0] @ Theta[0].T),
        ("      np.tanh x1", lambda: np.tanh(z[1])),
        ("    output_delta", lambda: bp_network.output_delta(loss, out, z[-1], a[-1], Yb)),
        ("    hidden_delta x1", lambda: bp_network.hidden_delta(Theta[1], trace.delta[2], z[1],
                                                               a[1], act)),
        ("    accumulate x1", lambda: bp_network.accumulate(trace.delta[1], a1[0])),
        ("    gradient x1", lambda: bp_network.gradient(trace.Delta[0], Theta[0], bs, 0.0)),
        ("    BackpropTrace(...) construction", lambda: bp_network.BackpropTrace(
            J=None, a=tuple(a), z=tuple(z), delta=trace.delta, Delta=trace.Delta, D=trace.D)),
        ("  unroll(D)", lambda: bp_network.unroll(trace.D)),
        ("  optimizer gd update", lambda: gd.update(tr.theta_vec, grad, {}, tr.settings)),
        ("  math.isfinite(new_vec.sum())", lambda: math.isfinite(tr.theta_vec.sum())),
        ("  reshape_params", lambda: bp_network.reshape_params(cfg, tr.theta_vec)),
        ("Trainer._record(), record_gradients=False (once per epoch)", tr._record),
        ("Trainer._record(), record_gradients=True (once per epoch)", record_on._record),
    ]  # fmt: skip
    result = []
    for label, fn in rows:
        if fn is None:
            probe = BpCoreEngine(setup, Theta, data, False, seed)
            n_epochs = 200
            t0 = time.perf_counter()
            probe.run(n_epochs)
            us = 1e6 * (time.perf_counter() - t0) / (n_epochs * probe.trainer.steps_per_epoch)
        else:
            us = _per_call_us(fn)
        result.append((label, us))
    return result


def profile_setup(setup: Setup, data, seed: int, record: bool, n_epochs: int) -> str:
    eng = BpCoreEngine(setup, initial_theta(setup, seed), data, record, seed)
    eng.run(20)
    prof = cProfile.Profile()
    prof.enable()
    eng.run(n_epochs)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(22)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# Environment and report
# --------------------------------------------------------------------------------------


def environment(torch, threads: int, threadpool_info: list | None) -> dict[str, Any]:
    env: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else None,
        "threads": threads,
        "torch_num_threads": torch.get_num_threads() if torch is not None else None,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "threadpoolctl": threadpool_info,
    }
    return env


def fmt_ratio(x: float | None) -> str:
    return "   n/a" if x is None or not math.isfinite(x) else f"{x:6.2f}x"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def summarise(results: dict) -> dict[str, Any]:
    """Ratios and target checks from the median epochs/s (all measured in this run)."""
    summary: dict[str, Any] = {}
    for key, res in results.items():
        med = {name: r["median_epochs_per_s"] for name, r in res["timing"].items()}
        torch_eps, tfp_eps = med.get("torch eager"), med.get(TFP)
        s: dict[str, Any] = {"ratios": {}}
        for bp_name in ("bp_core", "bp_core+rec"):
            bp = med[bp_name]
            s["ratios"][bp_name] = {
                "vs_numpy_loop": bp / med["numpy loop"],
                "vs_torch": bp / torch_eps if torch_eps else None,
                "vs_tfp": bp / tfp_eps if tfp_eps else None,
            }
        s["recording_loss"] = 1.0 - med["bp_core+rec"] / med["bp_core"]
        targets: list[tuple[str, str, bool | None]] = []
        check = targets.append

        for bp_name in ("bp_core", "bp_core+rec"):
            bp = med[bp_name]
            ratio = bp / torch_eps if torch_eps else None
            vs_tfp = bp / tfp_eps if tfp_eps else None
            if key == "default":
                check(
                    (
                        f"{bp_name} ≥ {TARGET_DEFAULT_EPS:.0f} epochs/s",
                        f"{bp:.0f}",
                        bp >= TARGET_DEFAULT_EPS,
                    )
                )
            if key == "deep":
                check(
                    (
                        f"{bp_name} ≥ {TARGET_DEEP_VS_TFP:.0f}x tfp nn.ts (measured)",
                        fmt_ratio(vs_tfp).strip(),
                        None if vs_tfp is None else vs_tfp >= TARGET_DEEP_VS_TFP,
                    )
                )
            if key in ("default", "deep"):
                check(
                    (
                        f"{bp_name} ≥ {TARGET_VS_TORCH_SMALL_BATCH:.0f}x torch (measured)",
                        fmt_ratio(ratio).strip(),
                        None if ratio is None else ratio >= TARGET_VS_TORCH_SMALL_BATCH,
                    )
                )
            if key == "wide":
                lowest = 1 / TARGET_WIDE_WITHIN
                check(
                    (
                        f"{bp_name} within {TARGET_WIDE_WITHIN}x of torch (≥ {lowest:.2f}x)",
                        fmt_ratio(ratio).strip(),
                        None if ratio is None else ratio >= lowest,
                    )
                )
        loss = s["recording_loss"]
        check(
            (
                f"recording loss ≤ {TARGET_RECORDING_LOSS:.0%}",
                f"{loss:.1%}",
                loss <= TARGET_RECORDING_LOSS,
            )
        )
        s["targets"] = [{"target": t, "value": v, "pass": ok} for t, v, ok in targets]
        summary[key] = s
    return summary


def print_report(results: dict, summary: dict, skipped: dict[str, str]) -> None:
    """The table.  ``skipped`` maps an engine that was not run to the reason."""
    print()
    print("=" * 96)
    print("RESULTS  (median epochs/s over the blocks; one epoch = 250 training points + J on")
    print("          train and test; higher is better; every figure measured in this run)")
    print("=" * 96)
    for key, res in results.items():
        setup = SETUPS[key]
        print(f"\n{setup.title}")
        ver = res["verify"]
        checks = ", ".join(
            f"{name}: {verdict(v['pass'])} (max|ΔΘ| {v['max_abs_diff']:.1e})"
            for name, v in ver.items()
            if isinstance(v, dict)
        )
        print(f"  same Θ after 1 epoch (tol {VERIFY_TOL:g}): {checks}")
        print(f"  {'engine':<14}{'epochs/s':>11}{'min':>10}{'max':>10}   blocks x epochs")
        for name in ENGINES:
            r = res["timing"].get(name)
            if r is None:
                print(f"  {name:<14}   not run: {skipped.get(name, 'not available')}")
                continue
            print(
                f"  {name:<14}{r['median_epochs_per_s']:>11.1f}{r['min']:>10.1f}{r['max']:>10.1f}"
                f"   {len(r['blocks'])} x {r['epochs_per_block']}"
            )
        s = summary[key]
        print(f"  {'ratios':<14}{'/numpy loop':>12}{'/torch':>10}{'/tfp nn.ts':>12}")
        for bp_name, r in s["ratios"].items():
            print(
                f"  {bp_name:<14}{fmt_ratio(r['vs_numpy_loop']):>12}{fmt_ratio(r['vs_torch']):>10}"
                f"{fmt_ratio(r['vs_tfp']):>12}"
            )
        print(f"  recording loss (1 - rec/no-rec): {s['recording_loss']:.1%}")
        print("  targets:")
        for t in s["targets"]:
            print(f"    [{verdict(t['pass']):>4}] {t['target']:<52} {t['value']}")
    print()


# --------------------------------------------------------------------------------------
# Where a numpy engine loses, and why: per-call overhead at small batches
# --------------------------------------------------------------------------------------


def _min_us(fn: Callable[[], Any], repeats: int = 3, min_seconds: float = 0.05) -> float:
    """The fastest of a few ``_per_call_us`` runs: on a shared machine, noise only adds."""
    return min(_per_call_us(fn, min_seconds) for _ in range(repeats))


def numpy_call_us() -> dict[str, float]:
    """µs per call of the tiny numpy operations a batch-10 step of 2-4-2-1 is made of
    (fastest of 3 runs each)."""
    rng = np.random.default_rng(0)
    a1 = rng.standard_normal((10, 3))  # (10, 3) layer input with its bias column
    Theta1 = rng.standard_normal((4, 3))  # (4, 3)
    z2 = rng.standard_normal((10, 4))  # (10, 4)
    ones = np.ones((10, 1))  # (10, 1)
    a = rng.standard_normal((10, 2))  # (10, 2)
    return {
        "a1 @ Theta.T, (10, 3) @ (3, 4)": _min_us(lambda: a1 @ Theta1.T),
        "np.tanh(z), (10, 4)": _min_us(lambda: np.tanh(z2)),
        "z * z, (10, 4)": _min_us(lambda: z2 * z2),
        "np.hstack([ones, a]), (10, 3)": _min_us(lambda: np.hstack([ones, a])),
    }


STEP_BATCH_SIZES = (1, 2, 5, 10, 25, 50)


def step_cost(setup: Setup, data, seed: int) -> dict[str, Any]:
    """µs per ``Trainer.step()`` (no recording; fastest of 3 runs) at several batch sizes, and
    the least-squares line t(b) = fixed + per_example · b through them."""
    trainers = []
    for b in STEP_BATCH_SIZES:
        settings = TrainSettings(
            alpha=ALPHA, batch_size=b, optimizer="gd", record_gradients=False, record_every=2**30
        )
        rng = np.random.default_rng(seed)
        trainers.append(Trainer(setup.cfg(), initial_theta(setup, seed), data, settings, rng))
    runs = [[_per_call_us(tr.step, 0.05) for tr in trainers] for _ in range(3)]  # interleaved
    us = [min(r[i] for r in runs) for i in range(len(trainers))]
    per_example, fixed = np.polyfit(np.array(STEP_BATCH_SIZES, float), np.array(us), 1)
    return {
        "batch_sizes": list(STEP_BATCH_SIZES),
        "step_us": us,
        "fixed_us": float(fixed),
        "per_example_us": float(per_example),
    }


def n_weights(setup: Setup) -> int:
    s = setup.layer_sizes
    return sum((s[i] + 1) * s[i + 1] for i in range(len(s) - 1))


def explain_losses(results: dict, costs: dict, calls: dict[str, float]) -> list[str]:
    """Sentences: which setups the numpy engine loses to TF Playground's nn.ts, and why."""
    tfp = {
        k: r["timing"][TFP]["median_epochs_per_s"] for k, r in results.items() if TFP in r["timing"]
    }
    if not tfp:
        return ["No TF Playground figures in this run, so no statement on where numpy loses."]
    bp = {k: results[k]["timing"]["bp_core"]["median_epochs_per_s"] for k in tfp}
    lose = [k for k in tfp if bp[k] < tfp[k]]
    win = [k for k in tfp if bp[k] >= tfp[k]]

    def names(keys):
        return ", ".join(f"{k} ({bp[k] / tfp[k]:.2f}x)" for k in keys) or "none"

    call = statistics.median(calls.values())
    lines = [
        f"bp_core loses to TF Playground's nn.ts on: {names(lose)}; it wins on: {names(win)}.",
        f"One tiny numpy call costs ~{call:.1f} µs here (median of: "
        + "; ".join(f"{k} {v:.2f}" for k, v in calls.items())
        + " µs), whatever the size of its arrays.",
    ]
    for key in tfp:
        setup = SETUPS[key]
        bp_epoch_us, tfp_epoch_us = 1e6 / bp[key], 1e6 / tfp[key]
        verb = "loses" if key in lose else "wins"
        c = costs.get(key)
        if c is None:  # full batch: one step per epoch
            lines.append(
                f"{key}: {verb}. One step per epoch on (250, ≤65) matrices: the fixed cost of "
                f"the numpy calls is paid once per epoch and BLAS does the arithmetic, while "
                f"nn.ts walks {n_weights(setup)} weights one scalar at a time for each of the "
                f"750 examples (250 forward + backward, 500 forward for the losses): "
                f"{tfp_epoch_us:.0f} µs per epoch against bp_core's {bp_epoch_us:.0f} µs."
            )
            continue
        steps = math.ceil(results[key]["m_train"] / setup.batch_size)
        t_b = c["step_us"][c["batch_sizes"].index(setup.batch_size)]
        fixed = c["fixed_us"]
        lines.append(
            f"{key}: {verb}. At batch {setup.batch_size} a Trainer step costs {t_b:.0f} µs, of "
            f"which {fixed:.0f} µs ({fixed / t_b:.0%}) does not depend on the batch size (line "
            f"fitted over batches {', '.join(map(str, c['batch_sizes']))}: Python and numpy "
            f"per-call overhead, ≈ {fixed / call:.0f} tiny numpy calls' worth), plus "
            f"{c['per_example_us']:.2f} µs per example.  {steps} steps per epoch make "
            f"{steps * fixed:.0f} µs of that fixed cost alone (bp_core's epoch, timed above: "
            f"{bp_epoch_us:.0f} µs); nn.ts has no per-call cost and does its whole epoch in "
            f"{tfp_epoch_us:.0f} µs, {1e3 * tfp_epoch_us / (750 * n_weights(setup)):.1f} ns per "
            f"weight per example ({n_weights(setup)} weights, 750 examples)."
        )
    lines.append(
        "So at batch 10 a numpy engine loses wherever the network is so small that nn.ts's "
        "scalar loops finish an epoch faster than numpy's fixed per-call costs add up; it wins "
        "once each call has enough arithmetic (more, wider layers, or larger batches)."
    )
    return lines


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def parse_setups(text: str) -> list[str]:
    keys = []
    for part in text.split(","):
        part = part.strip()
        key = SETUP_ALIASES.get(part, part)
        if key not in SETUPS:
            raise SystemExit(f"Unknown setup {part!r}; use default, deep, wide (or 1, 2, 3).")
        keys.append(key)
    return keys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 blocks of >= 0.25 s per engine")
    p.add_argument(
        "--repeats", type=int, default=None, help="timed blocks per engine (7; 3 with --quick)"
    )
    p.add_argument("--block-seconds", type=float, default=None, help="seconds per block (0.5)")
    p.add_argument("--setups", default="default,deep,wide", help="comma list: default,deep,wide")
    p.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--profile", action="store_true", help="where bp_core's time goes (setup 1)")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    p.add_argument(
        "--tfp-src",
        type=Path,
        default=None,
        help=f"TF Playground checkout with src/nn.ts ($TFP_SRC, {tfp_node.DEFAULT_TFP_SRC})",
    )
    p.add_argument("--tsc", default=None, help="tsc to compile nn.ts with (default: see README)")
    p.add_argument(
        "--tools-dir",
        type=Path,
        default=None,
        help=f"where TypeScript is npm-installed if needed ({tfp_node.DEFAULT_TOOLS_DIR})",
    )
    p.add_argument("--no-tfp", action="store_true", help="skip TF Playground's nn.ts")
    p.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "engine.json")
    args = p.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    block_seconds = args.block_seconds or (0.25 if args.quick else 0.5)
    keys = parse_setups(args.setups)

    skipped: dict[str, str] = {}
    torch = None
    if args.no_torch:
        skipped["torch eager"] = "--no-torch"
    else:
        try:
            import torch
        except ImportError:
            torch = None
            skipped["torch eager"] = "PyTorch not installed (pip install torch, CPU)"
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        threadpool_info = threadpool_limits = None

    limiter = threadpool_limits(limits=args.threads) if threadpool_limits else None
    if torch is not None:
        torch.set_num_threads(args.threads)
    info = threadpool_info() if threadpool_info else None
    env = environment(torch, args.threads, info)

    print("bench_engine: bp_core Trainer vs numpy loop vs PyTorch eager vs TF Playground's nn.ts")
    print(
        f"  python {env['python']}  numpy {env['numpy']}  torch {env['torch'] or 'not installed'}"
    )
    print(f"  {env['platform']}, {env['cpu_count']} CPUs, load average {env['loadavg']}")
    openblas = (
        f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}  OPENBLAS_L2_SIZE={env['OPENBLAS_L2_SIZE']}"
    )
    print(f"  {openblas}  (left unchanged)")
    print(
        f"  threads: BLAS limited to {args.threads} via threadpoolctl, "
        f"torch.set_num_threads({args.threads})"
    )
    if info is None:
        print("  threadpoolctl not installed: BLAS threads NOT limited (set OPENBLAS_NUM_THREADS)")
    else:
        for lib in info:
            print(
                f"  threadpoolctl: {lib.get('internal_api')} {lib.get('version')} "
                f"{lib.get('architecture', '')} num_threads={lib.get('num_threads')} "
                f"({Path(lib.get('filepath', '')).name})"
            )
    peer = None
    if args.no_tfp:
        skipped[TFP] = "--no-tfp"
    else:
        peer, message = tfp_node.prepare(args.tfp_src, args.tsc, args.tools_dir)
        if peer is None:
            skipped[TFP] = message
            print(f"  TF Playground: NOT RUN, {message}")
        else:
            print(f"  TF Playground: {message}")
            print(f"    nn.ts sha256 {peer.nn_sha256}…, compiled into {peer.workdir} (temporary)")
    env["tfp"] = peer.describe() if peer else {"skipped": skipped.get(TFP)}
    data, source = load_circle(args.seed)
    print(f"  data: {source}; {len(data.X_train)} train / {len(data.X_test)} test")
    print(
        f"  method: warm-up + calibration, then {repeats} round-robin blocks of >= "
        f"{block_seconds} s per engine; median reported (noisy machine: one run's figures)"
    )

    results: dict[str, Any] = {}
    costs: dict[str, Any] = {}
    try:
        for key in keys:
            setup = SETUPS[key]
            print(f"\n... {setup.title}: verifying", flush=True)
            ver = verify(torch, peer, setup, data, args.seed)
            print("... timing", flush=True)
            timing = bench_setup(torch, peer, setup, data, args.seed, repeats, block_seconds)
            results[key] = {
                "setup": setup.__dict__,
                "m_train": len(data.X_train),
                "verify": ver,
                "timing": timing,
            }
        print("\n... numpy per-call cost and Trainer.step() cost by batch size", flush=True)
        calls = numpy_call_us()
        for key in keys:
            if SETUPS[key].batch_size is not None:
                costs[key] = step_cost(SETUPS[key], data, args.seed)
    finally:
        if peer is not None:
            peer.close()

    summary = summarise(results)
    print_report(results, summary, skipped)
    explanation = explain_losses(results, costs, calls)
    print("Where the numpy engine loses, and why (figures from this run):")
    for line in explanation:
        print(f"  - {line}")
    print()

    profile_text = breakdown = None
    if args.profile:
        setup = SETUPS["default"]
        print("Where bp_core's time goes, setup 1 (µs per call, median machine noise applies):")
        breakdown = step_breakdown(setup, data, args.seed)
        for label, us in breakdown:
            print(f"  {label:<66}{us:>9.1f} µs")
        profile_text = profile_setup(setup, data, args.seed, record=False, n_epochs=300)
        print("\ncProfile, setup 1, record_gradients=False, 300 epochs (sorted by tottime):")
        print(profile_text)

    if limiter is not None:
        limiter.restore_original_limits()

    out = {
        "environment": env,
        "settings": {
            "repeats": repeats,
            "block_seconds": block_seconds,
            "alpha": ALPHA,
            "n_points": N_POINTS,
            "train_fraction": TRAIN_FRACTION,
            "data_source": source,
        },
        "skipped": skipped,
        "results": results,
        "summary": summary,
        "numpy_call_us": calls,
        "step_cost": costs,
        "where_numpy_loses": explanation,
        "step_breakdown_us": breakdown,
        "profile": profile_text,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(f"wrote {args.json}")
    all_verified = all(
        v["pass"] for res in results.values() for v in res["verify"].values() if isinstance(v, dict)
    )
    return 0 if all_verified else 1


if __name__ == "__main__":
    sys.exit(main())
