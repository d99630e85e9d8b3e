// Frames as they arrive (backprop_lab/live_view/frame.js): decoding, merging, the history's
// bound, the version check.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  FRAME_VERSION, MAX_CURVE_POINTS, OUT_OF_DATE, appendHistory, b64bytes, b64f32, drawable,
  mergeFrame, pushBounded, unpackFrame, versionProblem,
} from "../../backprop_lab/live_view/frame.js";

const bytesOf = (b64) => Uint8Array.from(Buffer.from(b64, "base64"));

test("base64 → Float32Array: what lab_ui.live.frames.encode_f32 sends", () => {
  // frames.encode_f32(np.array([1.5, -2.0, 0.25]))
  assert.deepEqual(Array.from(b64f32("AADAPwAAAMAAAIA+")), [1.5, -2, 0.25]);
  assert.deepEqual(Array.from(b64f32("")), []);
  // frames.encode_u8(np.array([0, 0.5, 1]), 0, 1)
  assert.deepEqual(Array.from(b64bytes("AID/")), [0, 128, 255]);
});

test("bytes → Float32Array: a view when aligned, a copy when not", () => {
  const buf = new Uint8Array(13);
  buf.set(new Uint8Array(new Float32Array([3.5, -1]).buffer), 1); // at offset 1: unaligned
  const odd = b64f32(buf.subarray(1, 9));
  assert.deepEqual(Array.from(odd), [3.5, -1]);
  const even = new Uint8Array(new Float32Array([2, 4]).buffer);
  const view = b64f32(even);
  assert.equal(view.buffer, even.buffer); // no copy
  assert.deepEqual(Array.from(view), [2, 4]);
  assert.equal(b64bytes(even), even); // bytes pass through
});

test("unpackFrame: a message packed by lab_ui.live.channel.protocol.pack", () => {
  // pack({"t": "frame", "version": 2, "e": [<f4 [1.5, -2, 0.25]>, <f4 [7]>],
  //       "q": bytes([0, 128, 255]), "name": "x"})
  const msg = bytesOf(
    "WAAAAHsidCI6ImZyYW1lIiwidmVyc2lvbiI6MiwiZSI6W3siJGIiOlswLDEyXX0seyIkYiI6WzEyLDRdfV0sInEi" +
    "OnsiJGIiOlsxNiwzXX0sIm5hbWUiOiJ4In0AAMA/AAAAwAAAgD4AAOBAAID/AA==",
  );
  const f = unpackFrame(msg.buffer);
  assert.equal(f.t, "frame");
  assert.equal(f.version, 2);
  assert.equal(f.name, "x");
  assert.deepEqual(Array.from(b64f32(f.e[0])), [1.5, -2, 0.25]);
  assert.deepEqual(Array.from(b64f32(f.e[1])), [7]);
  assert.deepEqual(Array.from(f.q), [0, 128, 255]);
});

test("the version check: only this code's own version is drawn", () => {
  assert.equal(versionProblem({ version: FRAME_VERSION }), "");
  assert.equal(versionProblem({ version: FRAME_VERSION + 1 }), OUT_OF_DATE);
  assert.equal(versionProblem({ schema: 1 }), OUT_OF_DATE); // a frame from before versions
  assert.match(OUT_OF_DATE, /reload the page/);
});

const history = (n, start = 0) => {
  const ep = Array.from({ length: n }, (_, i) => start + i);
  return {
    metric_name: "accuracy", epoch: ep, J_train: ep.map((e) => 1 / (e + 1)), J_test: ep.map(() => null),
    metric_train: ep.map(() => 0.5), metric_test: ep.map(() => 0.4), grad_norm: [ep.map(() => 1), ep.map(() => 2)],
  };
};

test("appendHistory: rows at the end, the old history left as it was", () => {
  const h = history(3);
  const out = appendHistory(h, history(2, 3));
  assert.deepEqual(out.epoch, [0, 1, 2, 3, 4]);
  assert.equal(out.metric_name, "accuracy");
  assert.deepEqual(out.grad_norm[1], [2, 2, 2, 2, 2]);
  assert.equal(h.epoch.length, 3);
});

test("appendHistory: beyond the bound the older half is thinned by two", () => {
  const out = appendHistory(history(MAX_CURVE_POINTS), history(2, MAX_CURVE_POINTS));
  const n = MAX_CURVE_POINTS + 2, half = n >> 1;
  assert.equal(out.epoch.length, Math.ceil(half / 2) + (n - half)); // evens of the older half
  assert.ok(out.epoch.length <= MAX_CURVE_POINTS);
  assert.equal(out.epoch[0], 0);
  assert.equal(out.epoch[1], 2); // every other one of the older half
  assert.equal(out.epoch.at(-1), n - 1); // the newest kept
  for (const col of ["J_train", "J_test", "metric_train", "metric_test"]) assert.equal(out[col].length, out.epoch.length);
  for (const g of out.grad_norm) assert.equal(g.length, out.epoch.length);
  // bounded however long it runs (a frame appends a few rows)
  let h = history(10);
  for (let k = 0; k < 3000; k++) {
    h = appendHistory(h, history(3, h.epoch.at(-1) + 1), 1000);
    assert.ok(h.epoch.length <= 1000);
  }
  assert.equal(h.epoch.at(-1), 10 + 3 * 3000 - 1);
  for (let i = 1; i < h.epoch.length; i++) assert.ok(h.epoch[i] > h.epoch[i - 1]);
});

test("mergeFrame: 'same' keeps what the view has, new parts replace it", () => {
  const pts = { train: { x: [1], y: [2], label: [0] } };
  const kept = { uirev: "a", points: pts, history: history(2) };
  const f = { uirev: "a", points: "same", history: "same" };
  const out = mergeFrame(kept, f);
  assert.equal(f.points, pts);
  assert.equal(f.history, kept.history);
  assert.equal(out.newUi, false);
  const g = { uirev: "b", points: { train: null }, history: history(1) };
  const out2 = mergeFrame(out, g);
  assert.equal(out2.newUi, true); // rebuilt: the zoom goes
  assert.equal(out2.uirev, "b");
  assert.equal(out2.points, g.points);
  assert.equal(out2.history, g.history);
});

test("mergeFrame: appended rows", () => {
  const kept = { uirev: "a", points: null, history: history(2) };
  const f = { uirev: "a", points: null, history: { append: history(1, 2) } };
  const out = mergeFrame(kept, f);
  assert.deepEqual(f.history.epoch, [0, 1, 2]);
  assert.equal(out.history, f.history);
  assert.equal(kept.history.epoch.length, 2);
});

test("drawable and pushBounded", () => {
  assert.equal(drawable(null), null);
  assert.equal(drawable({ draw: { classes: 2 }, boundary: null }), null);
  assert.deepEqual(drawable({ draw: { classes: 2 }, boundary: {} }), { classes: 2 });
  const log = [];
  for (let i = 0; i < 10; i++) pushBounded(log, i, 4);
  assert.deepEqual(log, [6, 7, 8, 9]);
});
