"""TensorFlow Playground's own engine (``src/nn.ts``) under node, for the engine benchmark.

Nothing of TF Playground is kept in this repository.  At bench time this module

1. takes a checkout of the Playground's source (``--tfp-src DIR``, else ``$TFP_SRC``, else
   ``/work/peer/tfp``; see bench/README.md for how to get one),
2. compiles its ``src/nn.ts`` with ``tsc`` into a fresh temporary directory (the checkout's own
   TypeScript from its ``npm install`` when present, else ``--tsc`` / ``$TFP_TSC``, else
   TypeScript installed with npm into a tools directory outside the repository),
3. writes a small node driver (``DRIVER_JS`` below, our code) beside the compiled ``nn.js``,
4. starts ``node driver.js`` and talks to it with one JSON object per line on stdin/stdout.

The driver builds the network with ``nn.buildNetwork`` exactly as ``playground.ts``'s
``reset()`` does for a classification problem (tanh hidden units, tanh output, no
regularization, inputs x and y), overwrites every bias and link weight with the Θ it is given,
and trains with a copy of ``playground.ts``'s ``oneStep()``: for each training point in the
data's fixed order ``forwardProp``, ``backProp`` with ``Errors.SQUARE`` (½(out − target)²) and
``updateWeights`` after every ``batchSize`` points; then the training and test loss with
``getLoss``.  Only ``updateUI()`` (drawing) is left out.

Θ mapping: bp_core's ``Theta[l]`` is (s_{l+1}, s_l + 1) with the bias in column 0.  nn.ts keeps a
``bias`` on each node and a ``weight`` on each link; ``network[l + 1][i].bias`` is
``Theta[l][i, 0]`` and ``network[l + 1][i].inputLinks[j].weight`` (the link from
``network[l][j]``) is ``Theta[l][i, 1 + j]``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DEFAULT_TFP_SRC = Path("/work/peer/tfp")
#: where TypeScript is npm-installed when neither the checkout nor --tsc provides a tsc
DEFAULT_TOOLS_DIR = Path(tempfile.gettempdir()) / "backprop-lab-bench-tools"
TYPESCRIPT_SPEC = "typescript@~5.6.3"

#: The node driver, written next to the compiled nn.js at bench time.  The functions
#: constructInput, getLoss and oneStep are playground.ts's, minus the UI.
DRIVER_JS = r"""
"use strict";
// Written by Backprop Lab's bench/tfp_node.py at bench time.  Drives TF Playground's nn.ts
// (compiled to ./nn.js) the way playground.ts's oneStep() does, without the UI.
const nn = require("./nn.js");
const readline = require("readline");

const ACTIVATIONS = {tanh: nn.Activations.TANH, sigmoid: nn.Activations.SIGMOID,
                     relu: nn.Activations.RELU, linear: nn.Activations.LINEAR};
// playground.ts: INPUTS and the default feature switches (x and y on)
const INPUTS = {
  "x": {f: (x, y) => x}, "y": {f: (x, y) => y},
  "xSquared": {f: (x, y) => x * x}, "ySquared": {f: (x, y) => y * y},
  "xTimesY": {f: (x, y) => x * y},
  "sinX": {f: (x, y) => Math.sin(x)}, "sinY": {f: (x, y) => Math.sin(y)},
};
const state = {x: true, y: true, xSquared: false, ySquared: false, xTimesY: false,
               sinX: false, sinY: false,
               learningRate: 0.03, regularizationRate: 0, batchSize: 10};
let network = null, trainData = [], testData = [], iter = 0, lossTrain = 0, lossTest = 0;

function constructInput(x, y) {
  let input = [];
  for (let inputName in INPUTS) {
    if (state[inputName]) {
      input.push(INPUTS[inputName].f(x, y));
    }
  }
  return input;
}

function getLoss(network, dataPoints) {
  let loss = 0;
  for (let i = 0; i < dataPoints.length; i++) {
    let dataPoint = dataPoints[i];
    let input = constructInput(dataPoint.x, dataPoint.y);
    let output = nn.forwardProp(network, input);
    loss += nn.Errors.SQUARE.error(output, dataPoint.label);
  }
  return loss / dataPoints.length;
}

function oneStep() {
  iter++;
  trainData.forEach((point, i) => {
    let input = constructInput(point.x, point.y);
    nn.forwardProp(network, input);
    nn.backProp(network, point.label, nn.Errors.SQUARE);
    if ((i + 1) % state.batchSize === 0) {
      nn.updateWeights(network, state.learningRate, state.regularizationRate);
    }
  });
  lossTrain = getLoss(network, trainData);
  lossTest = getLoss(network, testData);
}

function setTheta(Theta) {
  for (let l = 1; l < network.length; l++) {
    const T = Theta[l - 1];
    network[l].forEach((node, i) => {
      if (T[i].length !== node.inputLinks.length + 1) throw new Error("Theta shape");
      node.bias = T[i][0];
      node.inputLinks.forEach((link, j) => { link.weight = T[i][1 + j]; });
    });
  }
}

function getTheta() {
  const Theta = [];
  for (let l = 1; l < network.length; l++) {
    Theta.push(network[l].map(node => [node.bias].concat(node.inputLinks.map(k => k.weight))));
  }
  return Theta;
}

function points(rows) { return rows.map(r => ({x: r[0], y: r[1], label: r[2]})); }

function handle(msg) {
  switch (msg.cmd) {
    case "init": {
      state.learningRate = msg.learningRate;
      state.batchSize = msg.batchSize;
      state.regularizationRate = 0;
      const shape = msg.shape;
      if (shape[0] !== constructInput(0, 0).length) throw new Error("inputs must be x, y");
      // playground.ts reset(): classification -> tanh output; regularization null
      network = nn.buildNetwork(shape, ACTIVATIONS[msg.activation], nn.Activations.TANH,
                                null, ["x", "y"], false);
      setTheta(msg.Theta);
      trainData = points(msg.train);
      testData = points(msg.test);
      iter = 0;
      lossTrain = getLoss(network, trainData);
      lossTest = getLoss(network, testData);
      return {ok: true, node: process.version, lossTrain, lossTest};
    }
    case "run": {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < msg.n; k++) oneStep();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      return {ok: true, seconds, iter, lossTrain, lossTest};
    }
    case "theta":
      return {ok: true, Theta: getTheta(), iter, lossTrain, lossTest};
    case "quit":
      return {ok: true, bye: true};
    default:
      throw new Error("unknown command " + msg.cmd);
  }
}

const rl = readline.createInterface({input: process.stdin, terminal: false});
rl.on("line", line => {
  let out;
  try { out = handle(JSON.parse(line)); } catch (e) { out = {ok: false, error: String(e)}; }
  process.stdout.write(JSON.stringify(out) + "\n");
  if (out.bye) { rl.close(); }
});
"""


@dataclass
class TfpPeer:
    """A compiled nn.ts plus driver in a temporary directory, ready to start under node."""

    src: Path
    node: str
    node_version: str
    tsc: str
    tsc_version: str
    nn_sha256: str
    workdir: Path
    procs: list = field(default_factory=list)

    def describe(self) -> dict:
        return {
            "src": str(self.src),
            "nn_ts_sha256": self.nn_sha256,
            "node": self.node_version,
            "tsc": f"{self.tsc} ({self.tsc_version})",
            "compiled_to": str(self.workdir),
        }

    def start(self) -> subprocess.Popen:
        proc = subprocess.Popen(
            [self.node, str(self.workdir / "driver.js")],
            cwd=self.workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        """Stop every driver this peer started and delete the temporary directory."""
        for proc in self.procs:
            stop_driver(proc)
        self.procs.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def stop_driver(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            proc.stdin.write('{"cmd": "quit"}\n')
            proc.stdin.flush()
            proc.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _run(cmd: list[str], timeout: float, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def find_tsc(src: Path, tsc: str | None, tools_dir: Path) -> tuple[str | None, str]:
    """A tsc to compile nn.ts with, and where it came from (or why there is none)."""
    if tsc:
        return tsc, "given with --tsc / $TFP_TSC"
    own = src / "node_modules" / ".bin" / "tsc"
    if own.exists():
        return str(own), "the checkout's own (after its npm install)"
    tools = tools_dir / "node_modules" / ".bin" / "tsc"
    if tools.exists():
        return str(tools), f"npm-installed earlier in {tools_dir}"
    npm = shutil.which("npm")
    if npm is None:
        return None, "no tsc in the checkout and npm not found to install TypeScript"
    tools_dir.mkdir(parents=True, exist_ok=True)
    print(f"  installing {TYPESCRIPT_SPEC} with npm into {tools_dir} (outside the repo) ...")
    res = _run(
        [npm, "install", "--prefix", str(tools_dir), "--no-audit", "--no-fund", TYPESCRIPT_SPEC],
        timeout=600,
    )
    if res.returncode != 0 or not tools.exists():
        return None, f"npm install {TYPESCRIPT_SPEC} failed: {(res.stderr or res.stdout)[-300:]}"
    return str(tools), f"npm-installed now into {tools_dir}"


def prepare(
    src: Path | None, tsc: str | None = None, tools_dir: Path | None = None
) -> tuple[TfpPeer | None, str]:
    """Compile nn.ts and write the driver.  Returns (peer, message); peer is None when the
    Playground cannot be run here, and the message says plainly why."""
    src = Path(src or os.environ.get("TFP_SRC") or DEFAULT_TFP_SRC).expanduser()
    tools_dir = Path(tools_dir or os.environ.get("BENCH_TOOLS_DIR") or DEFAULT_TOOLS_DIR)
    nn_ts = src / "src" / "nn.ts"
    if not nn_ts.is_file():
        return None, (
            f"TF Playground source not found: no {nn_ts} (pass --tfp-src DIR or set TFP_SRC; "
            "bench/README.md says how to get it)"
        )
    node = shutil.which("node")
    if node is None:
        return None, "node not found on PATH, so TF Playground's nn.ts cannot be run"
    node_version = _run([node, "--version"], 30).stdout.strip()
    tsc, tsc_from = find_tsc(src, tsc or os.environ.get("TFP_TSC"), tools_dir)
    if tsc is None:
        return None, f"cannot compile nn.ts: {tsc_from}"
    tsc_version = _run([tsc, "--version"], 60).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="bp-bench-tfp-"))
    res = _run(
        [tsc, "--module", "commonjs", "--target", "es5", "--removeComments", "--outDir",
         str(workdir), str(nn_ts)],
        timeout=300,
    )  # fmt: skip
    if not (workdir / "nn.js").exists():
        shutil.rmtree(workdir, ignore_errors=True)
        return None, f"tsc did not compile {nn_ts}: {(res.stdout + res.stderr)[-400:]}"
    (workdir / "driver.js").write_text(DRIVER_JS, encoding="utf-8")
    peer = TfpPeer(
        src=src,
        node=node,
        node_version=node_version,
        tsc=tsc,
        tsc_version=f"{tsc_version}, {tsc_from}",
        nn_sha256=hashlib.sha256(nn_ts.read_bytes()).hexdigest()[:16],
        workdir=workdir,
    )
    atexit.register(peer.close)
    return peer, f"TF Playground nn.ts from {src} compiled with {tsc_version}; node {node_version}"


class TfpEngine:
    """TF Playground's nn.ts under node, with the benchmark engines' interface.

    ``order`` is the fixed order of the training points (the Playground shuffles its data
    once, when it generates it, and then goes through it in the same order every epoch).
    """

    def __init__(
        self,
        peer: TfpPeer,
        layer_sizes,
        activation: str,
        Theta0,
        X_train,
        Y_train,
        X_test,
        Y_test,
        batch_size: int,
        alpha: float,
        order,
    ) -> None:
        self.proc = peer.start()
        X, Y = np.asarray(X_train)[order], np.asarray(Y_train).reshape(-1)[order]

        def rows(X, Y):
            return [[float(a), float(b), float(c)] for (a, b), c in zip(X, Y, strict=True)]

        reply = self._call(
            {
                "cmd": "init",
                "shape": [int(s) for s in layer_sizes],
                "activation": activation,
                "learningRate": alpha,
                "batchSize": int(batch_size),
                "Theta": [np.asarray(T, dtype=np.float64).tolist() for T in Theta0],
                "train": rows(X, Y),
                "test": rows(np.asarray(X_test), np.asarray(Y_test).reshape(-1)),
            }
        )
        self.J = (reply["lossTrain"], reply["lossTest"])
        self.node_seconds = 0.0

    def _call(self, msg: dict) -> dict:
        try:
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise RuntimeError(f"the TF Playground node driver stopped: {err[-500:]}")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise RuntimeError(f"TF Playground node driver: {reply.get('error')}")
        return reply

    def run(self, n_epochs: int) -> None:
        reply = self._call({"cmd": "run", "n": int(n_epochs)})
        self.node_seconds += reply["seconds"]
        self.J = (reply["lossTrain"], reply["lossTest"])

    def theta(self) -> list[np.ndarray]:
        return [np.array(T, dtype=np.float64) for T in self._call({"cmd": "theta"})["Theta"]]

    def close(self) -> None:
        stop_driver(self.proc)
