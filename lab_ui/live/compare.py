"""The live view's mechanism panels: the loss landscape of two weights, slow motion, ghosts of
earlier runs and a race of optimizers.

One :class:`Mechanism` per live session (``LiveSession.mech``) keeps what these panels show
and adds their parts to a frame (``Frame.extra``):

* ``landscape`` (:class:`LandscapePart`) while its panel is open: J over a grid of two
  weights around the current Θ (``bp_core.landscape``), the path through them and −D.  It is
  recomputed at most every :data:`LANDSCAPE_EVERY` frames while playing (at once when paused
  or when the weights change), on a grid and a number of examples chosen to stay within
  :data:`LANDSCAPE_WORK` (:func:`landscape_plan`); the part says what was used.
* ``slowmo`` (:class:`lab_ui.live.slowmo.SlowmoPart`) once, with the frame after Slow motion
  was asked for.
* ``ghosts``: kept runs (their J and metric per epoch, their boundary), sent when they change.
* ``race``: the runs racing the current one from the same Θ (``bp_core.race.race_runs``),
  trained in the same frame budget; their curves every :data:`RACE_EVERY` frames.

Bound: ghosts and racers together are at most :data:`MAX_RUNS` (4) runs besides the current
one; a fifth is refused with a notice.  A ghost is at most :data:`GHOST_POINTS` points per
curve and one boundary (u8, ≤ 50 × 50); a racer is one more Trainer of the same network.

Commands arrive on the event loop (:meth:`Mechanism.command` only queues them) and are applied
under the session's lock before the next frame (:meth:`Mechanism.apply`).
"""

from __future__ import annotations

import base64
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from bp_core import backprop
from bp_core.initializers import INITIALIZERS
from bp_core.landscape import Landscape, landscape, steepest_weights, weight_path
from bp_core.optimizers import OPTIMIZERS
from bp_core.race import race_runs
from lab_ui.live import slowmo
from lab_ui.shared import text

#: Runs kept for comparison besides the current one (ghosts and racers together).
MAX_RUNS = 4
#: Frames between two landscapes while training (paused: every change at once).
LANDSCAPE_EVERY = 5
#: Grid points per axis of the landscape at best, and at least.
LANDSCAPE_N, LANDSCAPE_MIN_N = 41, 21
#: Examples the landscape may shrink to before its grid gets coarser.
LANDSCAPE_MIN_M = 200
#: The landscape's estimated seconds at most (:func:`landscape_work`, :func:`landscape_plan`).
LANDSCAPE_WORK = 0.05
#: Path points sent at most (the oldest are thinned).
PATH_POINTS = 300
#: Points per ghost or racer curve sent at most.
GHOST_POINTS = 400
#: Frames between two sendings of the race's curves while it trains.
RACE_EVERY = 6
#: Colours are the view's; a run carries its index.

_IDS = itertools.count(1)


class LandscapePart(TypedDict):
    """J over an n × n grid of two weights' values, rows Θ_w2, columns Θ_w1."""

    id: int
    w1: list[int]  # [l, j, k]
    w2: list[int]
    names: list[str]  # "Θ⁽¹⁾₂,₀" for each
    auto: bool  # the two of largest |D| (not picked by hand)
    n: int
    x: list[float]  # [lo, hi] of Θ_w1 on the grid
    y: list[float]  # [lo, hi] of Θ_w2
    J: str  # f32 base64 (n·n,), row-major: row i is Θ_w2 = y[0] + i·Δy
    lo: float
    hi: float
    theta: list[float]  # the current point
    D: list[float]  # backprop's D of the two weights; the arrow is −D
    J_here: float
    path: list[list[float]]  # [[Θ_w1 …], [Θ_w2 …]] oldest first, the current point last
    m: int
    m_total: int
    note: str  # what the grid and the examples were


@dataclass
class Racer:
    """One run racing the current one from the Θ it had when the race started."""

    label: str
    optimizer: str
    trainer: Any  # bp_core.training.Trainer
    start_epoch: int
    start_step: int


def _f32(values: np.ndarray) -> str:
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=3e38, neginf=-3e38)
    return base64.b64encode(np.clip(v, -3e38, 3e38).astype("<f4").tobytes()).decode("ascii")


def _round(x: float) -> float | None:
    x = float(x)
    return float(f"{x:.6g}") if np.isfinite(x) else None


def _thin(n: int, most: int) -> np.ndarray:
    """Indices of at most ``most`` of n rows, evenly spread, the first and the last kept."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(int))


# ---------------------------------------------------------------------------------------------
# The landscape
# ---------------------------------------------------------------------------------------------


def landscape_work(layer_sizes: tuple[int, ...], first_theta: int, n: int, m: int) -> float:
    """Seconds a landscape takes, estimated, when its earlier weight is in Θ^(first_theta):
    n² grid points × m examples × (80 ns + 0.16 ns per multiply of the layers after that Θ),
    measured on one loaded core (2-4-2-1: 35 ms for 41² × 250; 2-32×10-1: 70 ms for
    21² × 100)."""
    sizes = layer_sizes[first_theta:]  # layers first_theta + 1 … L
    products = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    return n * n * m * (80e-9 + 0.16e-9 * products)


def landscape_plan(layer_sizes: tuple[int, ...], first_theta: int, m: int) -> tuple[int, int]:
    """The grid points per axis and the examples to use: 41 and all of them if that fits in
    :data:`LANDSCAPE_WORK`; else fewer examples (down to :data:`LANDSCAPE_MIN_M`), then a
    coarser grid (down to 21), then fewer examples again (at least 20)."""
    n, used = LANDSCAPE_N, m

    def fits() -> bool:
        return landscape_work(layer_sizes, first_theta, n, used) <= LANDSCAPE_WORK

    if fits():
        return n, used
    per_m = landscape_work(layer_sizes, first_theta, n, 1)
    used = max(min(m, LANDSCAPE_MIN_M), int(LANDSCAPE_WORK / per_m))
    if fits():
        return n, used
    per_n = landscape_work(layer_sizes, first_theta, 1, used)
    n = max(LANDSCAPE_MIN_N, int(np.sqrt(LANDSCAPE_WORK / per_n)))
    if fits():
        return n, used
    per_m = landscape_work(layer_sizes, first_theta, n, 1)
    return n, min(m, max(20, int(LANDSCAPE_WORK / per_m)))


def landscape_part(
    trainer: Any, weights: tuple | None, trail: list[tuple[int, float, float]] | None = None
) -> tuple[LandscapePart, tuple]:
    """The landscape of two weights of the trainer's network now.

    Parameters
    ----------
    trainer : bp_core.training.Trainer
    weights : ((l, j, k), (l, j, k)) or None
        None: the two weights with the largest |D| on the training set.
    trail : list of (step, Θ_w1, Θ_w2) or None
        Points seen while the panel was open (between the snapshots), for the path.

    Returns
    -------
    (LandscapePart, the two weights used)
    """
    cfg, tr = trainer.cfg, trainer
    auto = weights is None
    if auto:
        trace = backprop(cfg, tr.Theta, tr.X_train, tr.Y_train)
        weights = tuple(steepest_weights(trace.D, 2))
    w1, w2 = weights
    steps, values = weight_path(tr.snapshots, tr.Theta, tr.steps, w1, w2)
    points = dict(zip(steps.tolist(), map(tuple, values.tolist()), strict=True))
    for step, v1, v2 in trail or ():
        if step < tr.steps:
            points.setdefault(step, (v1, v2))
    order = sorted(points)
    path = np.array([points[s] for s in order])  # (p, 2)
    here = path[-1]
    reach = np.abs(path - here).max(axis=0) if len(path) > 1 else np.zeros(2)
    span = tuple(float(np.clip(1.25 * r, 1.0, 25.0)) for r in reach)
    first = min(w1[0], w2[0])
    n, m = landscape_plan(cfg.layer_sizes, first, tr.m)
    ls: Landscape = landscape(
        cfg, tr.Theta, tr.X_train, tr.Y_train, w1, w2, span, n=n, max_examples=m
    )
    keep = _thin(len(path), PATH_POINTS)
    J = ls.J
    finite = J[np.isfinite(J)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    share = "all" if ls.m == ls.m_total else f"{ls.m} evenly spaced"
    note = (
        f"J on {share} of the {ls.m_total} training examples"
        + ("" if ls.m == ls.m_total else f" ({100 * ls.fraction:.0f} %)")
        + f", {n} × {n} grid, every other weight held where it is"
    )
    part = LandscapePart(
        id=next(_IDS),
        w1=list(w1),
        w2=list(w2),
        names=[text.weight(*w1), text.weight(*w2)],
        auto=auto,
        n=n,
        x=[float(ls.v1[0]), float(ls.v1[-1])],
        y=[float(ls.v2[0]), float(ls.v2[-1])],
        J=_f32(J),
        lo=_round(lo),
        hi=_round(hi),
        theta=[float(ls.theta[0]), float(ls.theta[1])],
        D=[_round(ls.D[0]), _round(ls.D[1])],
        J_here=_round(ls.J_here),
        path=[[_round(v) for v in path[keep, 0]], [_round(v) for v in path[keep, 1]]],
        m=ls.m,
        m_total=ls.m_total,
        note=note,
    )
    return part, (tuple(w1), tuple(w2))


# ---------------------------------------------------------------------------------------------
# Ghosts and racers
# ---------------------------------------------------------------------------------------------


def run_label(lab: Any) -> str:
    """The settings that tell runs apart, in a few words: α, λ, g, initialization, optimizer."""
    s = getattr(lab, "settings", None)
    if s is None:
        return f"imported run, α = {text.number(lab.trainer.settings.alpha, 3)}"
    acts = "/".join(sorted(set(s.acts))) or "no hidden layer"
    return (
        f"α = {text.number(s.alpha, 3)}, λ = {text.number(s.lambda_, 3)}, {acts}, "
        f"{INITIALIZERS[s.init].label}, {OPTIMIZERS[s.optimizer].label}"
    )


def curves_of(history: Any, epoch_offset: int = 0, first_row: int = 0) -> dict[str, Any]:
    """J and the metric per epoch of a History (from row ``first_row``), thinned to
    :data:`GHOST_POINTS`."""
    n = len(history)
    rows = np.arange(first_row, n)[_thin(max(0, n - first_row), GHOST_POINTS)]
    return {
        "epoch": [int(history.epoch[i]) + epoch_offset for i in rows],
        "J": [_round(history.J_train[i]) for i in rows],
        "metric": [_round(history.metric_train[i]) for i in rows],
        "metric_name": history.metric_name,
    }


def ghost_part(lab: Any, boundary: dict | None, index: int) -> dict[str, Any]:
    """A kept run: its label, its curves, and its boundary (the frame's, to outline)."""
    outline = None
    if boundary is not None:
        outline = {
            k: boundary[k]
            for k in ("nx", "ny", "x", "y", "kind", "lo", "hi", "mid", "q", "cls")
            if k in boundary
        }
    return {
        "label": f"ghost {index}: {run_label(lab)}",
        "epochs": int(lab.trainer.epoch),
        **curves_of(lab.trainer.history),
        "outline": outline,
    }


# ---------------------------------------------------------------------------------------------
# The session's part
# ---------------------------------------------------------------------------------------------


class Mechanism:
    """What one live session's mechanism panels show (see the module docstring)."""

    def __init__(self) -> None:
        self.inbox: deque[dict] = deque(maxlen=16)  # commands from the event loop
        self.landscape_open = False
        self.weights: tuple | None = None  # picked by hand; None: the two of largest |D|
        self.ls_part: LandscapePart | None = None
        self.ls_key: tuple | None = None  # (uirev, steps, weights) of ls_part
        self.ls_age = 0  # frames since ls_part was made
        self.trail: deque[tuple[int, float, float]] = deque(maxlen=PATH_POINTS)
        self.slowmo: dict | None = None  # a slow-motion part to send once
        self.ghosts: list[dict] = []
        self.ghost_id = 0
        self.racers: list[Racer] = []
        self.race_uirev: str | None = None
        self.race_part: dict | None = None
        self.race_age = 0
        self.client: Any = None  # the ClientState the ghosts were last sent to
        self.sent_ghosts = -1
        self.last_boundary: dict | None = None  # the last frame's boundary (a ghost's outline)
        self.auto_weights: tuple | None = None  # the two of largest |D| when the panel opened

    @property
    def runs(self) -> int:
        """Runs kept besides the current one."""
        return len(self.ghosts) + len(self.racers)

    # -- on the event loop -------------------------------------------------------------------

    def command(self, msg: dict) -> None:
        self.inbox.append(msg)

    # -- under the session's lock ------------------------------------------------------------

    def apply(self, session: Any) -> None:
        """Apply the queued commands (the session's lock is held)."""
        while self.inbox:
            msg = self.inbox.popleft()
            lab = session.lab
            if lab is None:
                continue
            kind = msg["t"]
            try:
                if kind == "landscape":
                    self.landscape_open = msg["open"]
                    if "w" in msg:
                        self.weights = None if msg["w"] is None else tuple(map(tuple, msg["w"]))
                    self.ls_key = self.auto_weights = None
                    self.trail.clear()
                elif kind == "slowmo":
                    session.playing = False
                    self.slowmo = slowmo.slowmo_part(lab, session.view.example or 1, next(_IDS))
                elif kind == "ghost":
                    session.notice = self.ghost(msg["op"], lab, session)
                elif kind == "race":
                    session.notice = self.race(msg["op"], msg.get("opts"), lab)
            except ValueError as err:
                session.notice = text.shorten(err)
            session.dirty = True

    def ghost(self, op: str, lab: Any, session: Any) -> str:
        if op == "clear":
            self.ghosts.clear()
            self.racers.clear()
            self.race_part = None
            self.ghost_id += 1
            return "Ghosts and racers cleared."
        if self.runs >= MAX_RUNS:
            return (
                f"At most {MAX_RUNS} runs are kept for comparison; clear them "
                "(Clear ghosts) before keeping another."
            )
        self.ghosts.append(ghost_part(lab, self.last_boundary, len(self.ghosts) + 1))
        self.ghost_id += 1
        return (
            f"Kept as ghost {len(self.ghosts)} ({run_label(lab)}). Change α, λ, the activation "
            "or the initialization and train: the ghost stays, faded."
        )

    def race(self, op: str, opts: list | None, lab: Any) -> str:
        if op == "stop":
            self.racers.clear()
            self.race_part = None
            return "Race stopped."
        if lab.settings is None:
            return "A race needs the run's settings; an imported run has none."
        mine = lab.settings.optimizer
        names = [o for o in (opts or list(OPTIMIZERS)) if o in OPTIMIZERS and o != mine]
        room = MAX_RUNS - len(self.ghosts)
        if not names:
            return "Choose at least one other optimizer to race."
        if room <= 0:
            return f"At most {MAX_RUNS} runs are kept for comparison; clear the ghosts first."
        dropped = names[room:]
        names = names[:room]
        tr = lab.trainer
        runs = race_runs(lab.settings, lab.dataset, tr.Theta, names)
        self.racers = [
            Racer(OPTIMIZERS[n].label, n, r.trainer, tr.epoch, tr.steps)
            for n, r in zip(names, runs, strict=True)
        ]
        self.race_uirev = lab.uirev
        self.race_part, self.race_age = None, RACE_EVERY
        told = f" ({', '.join(dropped)} left out: at most {MAX_RUNS} runs)" if dropped else ""
        others = ", ".join(OPTIMIZERS[n].label for n in names)
        return (
            f"Racing {OPTIMIZERS[mine].label} against {others} from the same Θ "
            f"(epoch {tr.epoch}), the same number of steps each{told}."
        )

    # -- training ----------------------------------------------------------------------------

    def share(self, budget_s: float) -> float:
        """The current run's share of a frame's training budget (the racers get the same)."""
        return budget_s / (1 + len(self.racers))

    def train(self, lab: Any, budget_s: float) -> None:
        """Bring each racer up to as many steps as the current run has taken since the race
        started, each within ``budget_s``."""
        if not self.racers:
            return
        tr = lab.trainer
        if lab.uirev != self.race_uirev or tr.steps < self.racers[0].start_step:
            self.racers.clear()  # new data or network, or back before the start: over
            self.race_part = None
            return
        for r in self.racers:
            target = tr.steps - r.start_step
            t0 = time.perf_counter()
            while r.trainer.steps < target and not r.trainer.diverged:
                r.trainer.step()
                if time.perf_counter() - t0 > budget_s:
                    break

    # -- the frame's parts --------------------------------------------------------------------

    def parts(self, frame: Any, lab: Any, session: Any) -> dict[str, Any]:
        """The parts to add to this frame (``Frame.extra``)."""
        out: dict[str, Any] = {}
        tr = lab.trainer
        self.last_boundary = frame.boundary
        if self.landscape_open:
            out["landscape"] = self._landscape(lab, session.playing)
        if self.slowmo is not None:
            out["slowmo"], self.slowmo = self.slowmo, None
        if session.sent is not self.client or self.sent_ghosts != self.ghost_id:
            self.client, self.sent_ghosts = session.sent, self.ghost_id
            out["ghosts"] = {"id": self.ghost_id, "runs": self.ghosts, "max": MAX_RUNS}
        if self.racers:
            self.race_age += 1
            if self.race_part is None or self.race_age >= RACE_EVERY or not session.playing:
                first = self.racers[0]
                start_row = next(
                    (i for i, s in enumerate(tr.history.step) if s >= first.start_step), 0
                )
                runs = [
                    {
                        "label": f"{OPTIMIZERS[tr.settings.optimizer].label} (this run)",
                        "current": True,
                        **curves_of(tr.history, 0, start_row),
                    }
                ]
                for r in self.racers:
                    runs.append(
                        {
                            "label": r.label,
                            "current": False,
                            "diverged": r.trainer.diverged,
                            **curves_of(r.trainer.history, r.start_epoch),
                        }
                    )
                self.race_part = {"id": next(_IDS), "runs": runs, "start": first.start_epoch}
                self.race_age = 0
            out["race"] = self.race_part
        else:
            out["race"] = None
        return out

    def _landscape(self, lab: Any, playing: bool) -> LandscapePart | dict:
        """The landscape part: made again when the data, network or weights changed, when
        paused and Θ changed, or every LANDSCAPE_EVERY frames while training."""
        tr = lab.trainer
        if self.ls_key is not None and self.ls_key[0] != lab.uirev:  # a new network
            self.auto_weights, self.ls_key = None, None
            self.trail.clear()
        weights = self.weights or self.auto_weights
        key = (lab.uirev, tr.steps, weights)
        self.ls_age += 1
        if key != self.ls_key and (
            self.ls_key is None or not playing or self.ls_age >= LANDSCAPE_EVERY
        ):
            try:
                part, used = landscape_part(tr, weights, list(self.trail))
            except ValueError as err:  # a weight the network does not have
                self.weights = self.auto_weights = None
                self.ls_key = None
                return {"error": text.shorten(err)}
            part["auto"] = self.weights is None
            if self.weights is None:
                self.auto_weights = used
            self.ls_part, self.ls_key, self.ls_age = (
                part,
                (lab.uirev, tr.steps, self.weights or used),
                0,
            )
            w1, w2 = used
            self.trail.append(
                (
                    tr.steps,
                    float(tr.Theta[w1[0] - 1][w1[1] - 1, w1[2]]),
                    float(tr.Theta[w2[0] - 1][w2[1] - 1, w2[2]]),
                )
            )
        return self.ls_part


__all__ = [
    "GHOST_POINTS",
    "LANDSCAPE_EVERY",
    "LANDSCAPE_WORK",
    "MAX_RUNS",
    "Mechanism",
    "Racer",
    "curves_of",
    "ghost_part",
    "landscape_part",
    "landscape_plan",
    "landscape_work",
    "run_label",
]
