"""What a frame of the live view holds: its parts, their shapes, its version, and the
thin per-client layer that turns one built frame into what each client still needs.

A *frame* is everything the live view (``backprop_lab/live_view/``) draws at one moment.  It
is declared here, once, and built once by :func:`lab_ui.live.frames.build_frame` from the
run (a Lab: data set, trainer, ``uirev``), what the view shows (:class:`View`) and what the
stream says about it (:class:`Status`)::

    frame = frames.build_frame(lab, View(settings, extent=zoom), Status(rev=7, ...))
    data = frame.for_client(client)  # bytes for one socket; ``client`` learns what it has

:meth:`Frame.for_client` is the only per-client step: one frame built once can be sent to
many clients, each getting only what it does not have yet (:class:`ClientState`):

* the data points once per data set (then ``"points": "same"``);
* the history whole once, then only its new rows (``{"append": rows}``, or ``"same"``).

Everything else (the network, the boundary, the maps, the chain-rule panel, the status) is
encoded once per frame and shared by every client.

The parts, as the JSON the view reads (field names are the wire's, unchanged since version
1 except ``version`` and ``net.acts_short``), are the ``TypedDict`` records below:
:class:`Message` (the whole message), :class:`ViewPart`, :class:`NetPart`,
:class:`BoundaryPart`, :class:`MapsPart` / :class:`MapLayer`, :class:`HistoryPart` /
:class:`HistoryRows`, :class:`PointsPart` / :class:`PointSet`, :class:`ChainPart` /
:class:`ChainTerm`, :class:`DrawPart`.  Arrays travel as base64 text: ``u8`` is one byte per
value quantized from ``[lo, hi]`` (``frames.encode_u8``, error ≤ (hi − lo)/510), ``f32`` is
little-endian float32, row-major (``frames.encode_f32``).  Layers carry the course's
numbers where a label is needed (``"l": 2`` is layer 2); list index l − 1 is layer l.

**The history's one bound.**  The trainer's ``History`` keeps at most ``max_rows`` (2,000)
rows and thins its older half itself; that is the only thinning.  The frame never thins: a
client gets the History's rows as they are, whole, and after that every row recorded since
the last row it has.  So a client holds the History's rows as of its last whole copy plus
the rows since, and the frame sends the History whole again (instead of new rows) when the
client would otherwise hold more than ``2 × max_rows`` rows (:func:`client_row_bound`: 4,000
by default), or when the last row it has is no longer in the History (time travel, a weight
set by hand, a new run).  A client therefore never holds more than 4,000 rows, the live
view's own cap (``MAX_CURVE_POINTS`` in ``frame.js``), which therefore never has to thin.

Wire: one binary WebSocket message per frame, the layout of
:mod:`lab_ui.live.channel.protocol` (uint32 little-endian header length, then the UTF-8 JSON
header padded with blanks to 4 bytes) with no binary values after the header: every array
is base64 text inside the JSON, so the ``{"$b": …}`` references of that layout never occur.

No streamlit and no bp_core arithmetic here: this module only declares and encodes.
"""

import bisect
import itertools
import json
import math
import struct
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, Protocol, TypedDict

import orjson

from bp_core.metrics import metric_named

#: The frame's layout version, sent as ``"version"``; the live view draws only frames of its own
#: version (``backprop_lab/live_view/frame.js`` FRAME_VERSION, checked equal by
#: tests/test_js_units.py) and asks for a reload otherwise.  2: ``"version"`` (was
#: ``"schema"``), ``net.acts_short``.
FRAME_VERSION = 2

#: |Θ| a weight may be set to by hand (the chain-rule panel's *Set*; the channel's protocol
#: refuses more, and the frame's chain part says it, so the view refuses it in words first).
MAX_WEIGHT = 1e4

# ---------------------------------------------------------------------------------------------
# What a frame is built from
# ---------------------------------------------------------------------------------------------


class Run(Protocol):
    """What a frame is built from: a session's Lab (``lab_ui.shared.lab.Lab``) has these."""

    dataset: Any  # bp_core.datasets.Dataset
    trainer: Any  # bp_core.training.Trainer: cfg, Theta, history, epoch, steps, last_batch
    uirev: str  # changes only when the data or network is rebuilt (the view resets its zoom)


@dataclass(frozen=True)
class ViewSettings:
    """What the live view shows: the Playground's view settings, published by the page.

    The frame reads all but ``speed`` (the session's pace: epochs trained per frame).
    """

    mode: str = "forward"  # the diagram: "forward" (a, Θ) or "backward" (δ, D)
    example: int = 0  # 1-based training example i, 0 = the whole batch
    show_test: bool = True
    discretize: bool = False  # colour the boundary by class (classification only)
    log_cost: bool = False
    speed: str = "20"  # epochs per frame at most ("step"/"slow": one mini-batch)
    predict_sign: bool = False  # the chain-rule panel asks "+ or −?" before it shows D


@dataclass(frozen=True)
class View:
    """Everything a frame is built to show besides the run.

    Attributes
    ----------
    settings : ViewSettings
    extent : (x1_min, x1_max, x2_min, x2_max) or None
        The part of the input plane to draw (the live view's zoom); None for all of it.
    chain : (l, j, k) or None
        The weight Θ^(l)_jk of the chain-rule panel (course numbering), None when closed.
    res : int or None
        Boundary grid points per side; None: 50, or 30 for networks with more than 64
        hidden units.
    map_stride : int or None
        Per-neuron maps keep every ``map_stride``-th grid row and column; None: 2, or 4 for
        networks with more than 64 hidden and output units.
    """

    settings: ViewSettings = field(default_factory=ViewSettings)
    extent: tuple[float, float, float, float] | None = None
    chain: tuple[int, int, int] | None = None
    res: int | None = None
    map_stride: int | None = None
    highlight: str = ""  # a reveal's evidence (bp_core.questions.EVIDENCE key), "" for none


@dataclass(frozen=True)
class Status:
    """What the stream says beside the run's numbers (the session decides these).

    Attributes
    ----------
    rev : int
        The frame's number in its stream (a client acknowledges it).
    line : str
        The status line (``lab_ui.shared.lab.status_line``).
    state : str
        The run's state in words, for the view's status region (read out by a screen reader
        when it changes, so it changes with the state, not with every frame): "Epoch 300 ·
        paused", "Playing", "Training diverged at epoch 72: …", a lesson's stop message.
    playing : bool
    notice : str
        What the last hand edit did, or why it was refused ("" for nothing).
    events : tuple of str
        For the page (it re-runs): "paused", "diverged", "stepped", "edited".
    server_ms : float
        What the last frames (``channel.session.RECENT_FRAMES``) cost the server each, ms:
        the building thread's CPU time to build and pack one (training excluded).
    server_wall_ms : float
        The same frames' wall time, ms (their CPU time and any wait for other threads).
    ack_to_frame_ms : float or None
        Median ms from a client's acknowledgement to the frame it allowed.
    """

    rev: int = 0
    line: str = ""
    state: str = ""
    playing: bool = False
    notice: str = ""
    events: tuple[str, ...] = ()
    server_ms: float = 0.0
    server_wall_ms: float = 0.0
    ack_to_frame_ms: float | None = None


# ---------------------------------------------------------------------------------------------
# The parts, as the view reads them (JSON)
# ---------------------------------------------------------------------------------------------

#: base64 text of one byte per value (``frames.encode_u8``) or of float32 values
#: (``frames.encode_f32``); the docstrings give the number of values and their order.
B64 = str


class ViewPart(TypedDict):
    """The view settings the drawing needs."""

    show_test: bool
    discretize: bool  # only ever True for classification
    log_cost: bool
    predict_sign: NotRequired[bool]  # ask the sign of D before the chain panel shows it
    highlight: NotRequired[str]  # outline this part: a key of bp_core.questions.EVIDENCE


class NetPart(TypedDict):
    """The network diagram for one pass (L layers, course layer l at list index l − 1).

    Forward: nodes are mean a^(l)_j over the examples, edges Θ^(l).  Backward: nodes are
    mean δ^(l)_j (the bias gradient D^(l-1)_{j,0}), edges D^(l) of the batch (or of one
    example when ``example`` ≥ 0).
    """

    sizes: list[int]  # (L,) s_1 … s_L
    acts: list[str]  # (L,) g's registry name per layer, "" for the input layer
    acts_short: list[str]  # (L,) g's short symbol per layer ("σ", "tanh"), "" for the input
    mode: Literal["forward", "backward"]
    example: int  # −1: the mean over all m examples; else the 0-based row i − 1 shown
    m: int  # training examples
    names: list[list[str]]  # (L,) input names, [] for each hidden layer, output names
    nodes: list[B64 | None]  # (L,) f32 (s_l,); backward: None for the input layer (no δ^(1))
    z: list[B64 | None]  # (L,) f32 (s_l,) mean z^(l); None for the input layer
    edges: list[B64]  # (L − 1,) f32 (s_{l+1}, s_l + 1) row-major, bias column 0
    center: list[float]  # (L,) the colour scale's centre per layer
    scale: list[float]  # (L,) its half-width (backward: one scale for all layers)
    absmean: NotRequired[list[B64 | None]]  # backward: (L,) f32 (s_l,) mean |δ^(l)_j|
    scale_layer: NotRequired[list[float]]  # backward: (L,) each layer's own half-width
    J: NotRequired[float | None]  # backward: J on the examples shown


class BoundaryPart(TypedDict):
    """The network's output h over the input plane: ``nx`` × ``ny`` grid points, edges
    included, row i (x₂) major: point i·nx + j is (x[0] + j·Δx, y[0] + i·Δy)."""

    nx: int
    ny: int
    x: list[float]  # [x1_min, x1_max] of the grid points (the data's units)
    y: list[float]  # [x2_min, x2_max]
    img_x: list[float]  # the picture's x range: half a cell beyond the grid points
    img_y: list[float]
    axis: list[str]  # [x-axis name, y-axis name]
    kind: Literal["binary", "value", "multiclass"]
    lo: float  # the colour scale: u8 0 is lo, 255 is hi
    hi: float
    mid: float  # the class boundary (binary) or the scale's middle
    q: B64  # u8 (ny·nx,): h (multiclass: the winning class's h_k), from [lo, hi]
    title: str
    cls: NotRequired[B64]  # multiclass: u8 (ny·nx,) the predicted class 0 … K − 1
    colorbar: NotRequired[str]  # binary and value: the colour bar's label (HTML)
    hover: NotRequired[str]


class MapLayer(TypedDict):
    """a^(l)_j over the plane for every unit j of one layer (hidden or output)."""

    l: int  # course layer 2 … L
    units: int  # s_l
    act: str  # g's registry name
    lo: float  # u8 0 is lo, 255 is hi
    hi: float
    sym: bool  # the scale is symmetric around 0
    scale: float  # max(|lo|, |hi|)
    q: B64  # u8 (units, res, res): unit-major, then rows (x₂), then columns (x₁)


class MapsPart(TypedDict):
    """Per-neuron maps: every hidden and output unit, at ``res`` × ``res`` points."""

    res: int
    layers: list[MapLayer]  # (L − 1,) layers 2 … L


class HistoryRows(TypedDict):
    """Rows of the trainer's History, one per recorded epoch (n rows, oldest first).

    Values are J and the metric as recorded, to 6 significant digits; None where none was
    recorded (no test set, a row without gradients).
    """

    epoch: list[int]  # (n,)
    J_train: list[float | None]  # (n,)
    J_test: list[float | None]  # (n,)
    metric_train: list[float | None]  # (n,) accuracy in 0 … 1, or R²
    metric_test: list[float | None]  # (n,)
    grad_norm: list[list[float | None]]  # (L − 1, n): ‖D^(l)‖ (Frobenius) for l = 1 … L − 1


class HistoryPart(HistoryRows):
    """The whole History (at most its ``max_rows`` rows), with the metric's name and how
    it is shown (``bp_core.metrics``: its registry entry, so the view knows no metric names)."""

    metric_name: str  # "accuracy" or "R²"
    metric_percent: bool  # a fraction in [0, 1] shown as a percentage


class HistoryAppend(TypedDict):
    """Rows recorded after the last row the client has: it appends them to its own."""

    append: HistoryRows


class PointSet(TypedDict):
    """Points of the input plane (the data's units, rounded to 4 decimals)."""

    x: list[float]  # (m,) x₁
    y: list[float]  # (m,) x₂
    label: list[int] | list[float | None]  # (m,) class 0 … K − 1, or the regression target y


class PointsPart(TypedDict):
    """The data points of the plane: sent once per data set."""

    id: str  # the run's uirev when the points were made
    train: PointSet
    test: PointSet
    drawn: list[int]  # 0-based training rows drawn by hand (ringed in the view)


class ChainTerm(TypedDict):
    """One example's term δ^(l+1)_{i,j} a^(l)_{i,k} of the chain rule."""

    row: int  # 1-based row in the mini-batch
    i: int | None  # 1-based training example, None if it cannot be told
    delta: float | None
    a: float | None
    product: float | None


#: The chain rule of one weight, now (``frames.chain_part``).  Declared in the functional
#: form because one JSON key, "lambda", is a Python keyword.
ChainPart = TypedDict(
    "ChainPart",
    {
        "w": list[int],  # [l, j, k], course numbering
        "m": int,  # examples in the last mini-batch
        "full": bool,  # the mini-batch is the whole training set
        "m_train": int,
        "sum": float | None,  # Σ_i δ^(l+1)_{i,j} a^(l)_{i,k} = Δ^(l)_jk
        "mean": float | None,  # sum / m
        "lambda": float,  # λ
        "reg": str,  # the regularization's registry name ("l2", "l1")
        "reg_term": float | None,  # (λ/m) Θ (L1: (λ/m) sign Θ); None for the bias (k = 0)
        "reg_formula": str,
        "theta": float | None,  # Θ^(l)_jk now (6 significant digits)
        "theta_exact": float | None,  # the same, every digit (the Set box shows 10)
        "limit": float,  # |Θ| a hand edit may set (MAX_WEIGHT)
        "D": float | None,  # bp_core's D^(l)_jk
        "top": list[ChainTerm],  # the CHAIN_TOP terms of largest |δ a|
        "optimizer": str,
        "opt_label": str,
        "opt_formula": str,
        "alpha": float,
        "after": float | None,  # Θ^(l)_jk after one step with this D
        "change": float | None,  # after − theta
        "gd_change": float | None,  # −α D
    },
)


class DrawPart(TypedDict):
    """Drawing training points on the plane (classification of the plane only)."""

    classes: int  # K
    names: list[str]  # class names (at most 16, each cut to 12 characters)
    m_train: int
    drawn: int  # points drawn by hand still in the data
    max: int  # points a student may draw into one data set
    radius_px: float  # Shift+click removes the nearest training point within this radius


class Message(TypedDict):
    """One frame as a client receives it (the JSON header of the wire message)."""

    t: Literal["frame"]
    version: int  # FRAME_VERSION
    rev: int
    uirev: str
    epoch: int  # completed epochs
    step: int  # gradient steps taken
    task: Literal["classification", "regression"]
    n_classes: int
    status: str
    state: str  # the run's state in words (Status.state)
    playing: bool
    notice: str
    events: list[str]
    server_ms: float
    server_wall_ms: float
    ack_to_frame_ms: float | None
    view: ViewPart
    net: NetPart
    boundary: BoundaryPart | None  # None when the data are not points of a plane
    maps: MapsPart | None
    chain: ChainPart | None  # None when the panel is closed
    draw: DrawPart | None
    points: PointsPart | Literal["same"] | None  # None: no plane; "same": the client has them
    history: HistoryPart | HistoryAppend | Literal["same"]
    marked: NotRequired[list[float]]  # [x₁, x₂] of the example the diagram shows
    no_plane: NotRequired[str]  # why there is no boundary (the data have ≠ 2 inputs)
    # the mechanism panels (Frame.extra, built by lab_ui.live.compare):
    landscape: NotRequired[dict]  # compare.LandscapePart, while its panel is open
    slowmo: NotRequired[dict]  # slowmo.SlowmoPart, once, when slow motion starts
    ghosts: NotRequired[dict]  # {"id", "runs": [ghost], "max"}, when the kept runs change
    race: NotRequired[dict | None]  # {"id", "runs": [{label, current, epoch, J, metric}], "start"}


# ---------------------------------------------------------------------------------------------
# The history: rows as the client gets them
# ---------------------------------------------------------------------------------------------

#: The columns of :class:`HistoryRows` with one value per row (``grad_norm`` is per layer).
HISTORY_COLUMNS = ("epoch", "J_train", "J_test", "metric_train", "metric_test")


def client_row_bound(history: Any) -> int:
    """History rows a client may hold: twice the History's ``max_rows`` (4,000 by default).

    See the module docstring: the History's rows as of the client's last whole copy (at
    most ``max_rows``) plus the rows since, sent whole again before they would pass this.
    """
    return 2 * int(history.max_rows)


def _row_key(history: Any, i: int) -> tuple:
    """What identifies row i: its step, epoch and J.  A row recorded again at the same step
    (a weight set by hand) has another J; a row kept when the History thins keeps all three."""
    return (history.step[i], history.epoch[i], history.J_train[i])


def _floats_json(values: list) -> str:
    """A JSON array of floats to 6 significant digits ("0.693147", "1e-05": valid JSON
    numbers); NaN, ±inf and None become null."""
    try:
        body = ("%.6g," * len(values) % tuple(values))[:-1]  # one format call for all
        if "n" not in body:  # no "nan" or "inf" (no JSON number contains an n)
            return "[" + body + "]"
    except TypeError:  # a None (or another non-number) among them
        pass
    return "[" + ",".join(_one_float(v) for v in values) + "]"


def _one_float(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "null"
    return f"{x:.6g}" if math.isfinite(x) else "null"


def _rows_json(history: Any, start: int, stop: int, whole: bool) -> str:
    """History rows ``start`` … ``stop − 1`` as :class:`HistoryRows` JSON (with
    ``metric_name`` when ``whole``: :class:`HistoryPart`)."""
    parts = ['"epoch":[' + ",".join(map(str, history.epoch[start:stop])) + "]"]
    for name in HISTORY_COLUMNS[1:]:
        parts.append(f'"{name}":' + _floats_json(getattr(history, name)[start:stop]))
    grad = history.grad_norm
    n_layers = len(grad[0]) if grad else 0
    rows = grad[start:stop]  # (rows, L − 1)
    missing = (stop - start) - len(rows)  # a table may lack gradients (an imported file)
    try:
        cols = list(zip(*rows, strict=True))  # (L − 1, rows)
    except ValueError:  # rows of different lengths: a missing value is null
        cols = [tuple(r[l] if l < len(r) else None for r in rows) for l in range(n_layers)]
    pad = (None,) * missing
    layers = [_floats_json([*(cols[l] if l < len(cols) else ()), *pad]) for l in range(n_layers)]
    parts.append('"grad_norm":[' + ",".join(layers) + "]")
    if whole:
        parts.append('"metric_name":' + json.dumps(history.metric_name))
        parts.append('"metric_percent":' + json.dumps(metric_named(history.metric_name).percent))
    return "{" + ",".join(parts) + "}"


# ---------------------------------------------------------------------------------------------
# The frame, built once, and what each client gets of it
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Encoded:
    """A part encoded once as JSON text, shared by every frame and client that sends it.

    ``key`` tells one from another (a client remembers the key of the points it has).
    """

    key: int
    json: str

    @classmethod
    def of(cls, part: Any) -> "Encoded":
        """``part`` as JSON, with a key no other Encoded has."""
        return cls(next(_ENCODED_KEYS), _dumps(part))


_ENCODED_KEYS = itertools.count(1)


@dataclass
class ClientState:
    """What one client already has, so its frames carry only the rest.

    A new client (a new socket) starts from ``ClientState()``: it has nothing.
    """

    points: int | None = None  # the Encoded.key of the points it has
    rows: int = 0  # history rows it holds (at most client_row_bound)
    last_row: tuple | None = None  # the key of the last of them (see _row_key)


@dataclass(frozen=True, eq=False)
class Frame:
    """One frame, built once (:func:`lab_ui.live.frames.build_frame`) for any number of
    clients.

    The parts are the records declared above; ``history`` is the run's History, read by
    :meth:`for_client` for the rows a client lacks, so every client's bytes must be made
    before the run trains again (the session holds its lock from building to sending).
    """

    uirev: str
    epoch: int
    step: int
    task: str
    n_classes: int
    status: Status
    view: ViewPart
    net: NetPart
    boundary: BoundaryPart | None
    maps: MapsPart | None
    chain: ChainPart | None
    draw: DrawPart | None
    points: Encoded | None  # PointsPart, encoded once per data set; None without a plane
    history: Any  # bp_core.training.History
    marked: list[float] | None = None
    no_plane: str | None = None
    #: History rows when the frame was built, and the key of the last (checked when sent).
    rows: int = field(init=False)
    last_row: tuple | None = field(init=False)
    _json: dict = field(default_factory=dict, repr=False)  # encodings shared by clients
    #: Optional parts added after the frame is built, before it is encoded: the mechanism
    #: panels' (lab_ui.live.compare: "landscape", "slowmo", "ghosts", "race"; see Message).
    extra: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        n = len(self.history)
        object.__setattr__(self, "rows", n)
        object.__setattr__(self, "last_row", _row_key(self.history, n - 1) if n else None)

    # -- what every client gets -----------------------------------------------------------

    def _shared_json(self) -> str:
        """Every part but the points and the history, as the JSON object's opening."""
        text = self._json.get("shared")
        if text is None:
            s = self.status
            head: dict[str, Any] = {
                "t": "frame",
                "version": FRAME_VERSION,
                "rev": int(s.rev),
                "uirev": self.uirev,
                "epoch": int(self.epoch),
                "step": int(self.step),
                "task": self.task,
                "n_classes": int(self.n_classes),
                "status": s.line,
                "state": s.state,
                "playing": bool(s.playing),
                "notice": s.notice,
                "events": list(s.events),
                "server_ms": s.server_ms,
                "server_wall_ms": s.server_wall_ms,
                "ack_to_frame_ms": s.ack_to_frame_ms,
                "view": self.view,
                "net": self.net,
                "boundary": self.boundary,
                "maps": self.maps,
                "chain": self.chain,
                "draw": self.draw,
            }
            if self.marked is not None:
                head["marked"] = self.marked
            if self.no_plane is not None:
                head["no_plane"] = self.no_plane
            head.update(self.extra)
            text = self._json["shared"] = _dumps(head)[:-1]  # without its closing brace
        return text

    # -- what this client lacks -----------------------------------------------------------

    def _history_json(self, client: ClientState) -> tuple[str, int, tuple | None]:
        """The history part for ``client`` (whole, new rows or "same"), the rows it will
        hold, and the key of its last row."""
        h, n = self.history, self.rows
        if len(h) < n or (n and _row_key(h, n - 1) != self.last_row):
            raise RuntimeError(
                "The run's history changed after this frame was built: make every client's "
                "frame before the run trains again."
            )
        start = -1  # rows from here on are new to the client (−1: it needs the whole)
        if client.last_row is not None and 0 < client.rows:
            i = _index_of_step(h, client.last_row[0], n)
            if i is not None and _row_key(h, i) == client.last_row:
                start = i + 1
        if start >= 0 and client.rows + (n - start) <= client_row_bound(h):
            if start == n:
                return '"same"', client.rows, client.last_row
            key = ("append", start)
            if key not in self._json:
                self._json[key] = '{"append":' + _rows_json(h, start, n, whole=False) + "}"
            return self._json[key], client.rows + (n - start), self.last_row
        if "whole" not in self._json:
            self._json["whole"] = _rows_json(h, 0, n, whole=True)
        return self._json["whole"], n, self.last_row

    def _points_json(self, client: ClientState) -> str:
        if self.points is None:
            return "null"
        return '"same"' if client.points == self.points.key else self.points.json

    def header_json(self, client: ClientState | None = None) -> str:
        """The message for ``client`` (a new one if None) as JSON text; ``client`` is left as
        it is (see :meth:`for_client`)."""
        return self._header(ClientState() if client is None else client)[0]

    def _header(self, client: ClientState) -> tuple[str, tuple]:
        history, rows, last = self._history_json(client)
        text = (
            self._shared_json()
            + ',"points":'
            + self._points_json(client)
            + ',"history":'
            + history
            + "}"
        )
        return text, (None if self.points is None else self.points.key, rows, last)

    def message(self, client: ClientState | None = None) -> Message:
        """The message ``client`` (a new one if None) would receive, as a dict (for tests and
        tools: it is what :meth:`for_client` sends, read back)."""
        return json.loads(self.header_json(client))

    def for_client(self, client: ClientState) -> bytes:
        """The wire message for one client, with only what it does not have yet; ``client``
        then records that it has the rest."""
        text, (points, rows, last) = self._header(client)
        client.points, client.rows, client.last_row = points, rows, last
        return pack_header(text)


def pack_header(text: str) -> bytes:
    """A frame's JSON header as one wire message: uint32 little-endian length, then the
    UTF-8 text padded with blanks to a 4-byte boundary (``channel.protocol``'s layout, with
    no binary values after it; ``protocol.unpack`` reads it back)."""
    head = text.encode("utf-8")
    head += b" " * ((-(4 + len(head))) % 4)  # JSON ignores trailing blanks
    return struct.pack("<I", len(head)) + head


def _index_of_step(history: Any, step: int, n: int) -> int | None:
    """The index of the row recorded at gradient step ``step`` among the first ``n`` (rows
    are in step order), or None."""
    steps = history.step
    i = bisect.bisect_left(steps, step, 0, min(n, len(steps)))
    return i if i < n and i < len(steps) and steps[i] == step else None


#: orjson's options for a frame: numpy scalars and arrays as numbers, keys that are not
#: strings as their text (as the standard library's json does).
_ORJSON = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _dumps(obj: Any) -> str:
    """Compact JSON (UTF-8 text); a NaN or ±inf that reached a part becomes null (the view
    shows "–").

    orjson writes it: the frame's parts in about a tenth of the standard library's time
    (0.02 against 0.16 ms on the default network, the largest share of a frame's encoding),
    and it writes NaN and ±inf as null itself.  Anything it does not know goes through the
    standard library's encoder."""
    try:
        return orjson.dumps(obj, option=_ORJSON).decode("utf-8")
    except TypeError:
        return json.dumps(json_nulls(obj), separators=(",", ":"), allow_nan=False)


def json_nulls(obj: Any) -> Any:
    """``obj`` with every NaN or ±inf float replaced by None (JSON has neither)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_nulls(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_nulls(v) for v in obj]
    return obj


__all__ = [
    "FRAME_VERSION",
    "HISTORY_COLUMNS",
    "BoundaryPart",
    "ChainPart",
    "ChainTerm",
    "ClientState",
    "DrawPart",
    "Encoded",
    "Frame",
    "HistoryAppend",
    "HistoryPart",
    "HistoryRows",
    "MapLayer",
    "MapsPart",
    "Message",
    "NetPart",
    "PointSet",
    "PointsPart",
    "Run",
    "Status",
    "View",
    "ViewPart",
    "ViewSettings",
    "client_row_bound",
    "pack_header",
]
