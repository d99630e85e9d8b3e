import assert from "node:assert/strict";
import { test } from "node:test";

import { PHASE_MS, elapsed, newClock, pauseClock, phaseAt, phaseLights, phaseStart, seekClock } from "../../backprop_lab/live_view/phases.js";

test("one phase every PHASE_MS, between 0.5 and 1 s", () => {
  assert.ok(PHASE_MS >= 500 && PHASE_MS <= 1000);
  assert.deepEqual(phaseAt(0, 4, 1000), { index: 0, progress: 0, done: false });
  assert.deepEqual(phaseAt(2500, 4, 1000), { index: 2, progress: 0.5, done: false });
  assert.deepEqual(phaseAt(4000, 4, 1000), { index: 3, progress: 1, done: true });
  assert.deepEqual(phaseAt(-5, 4, 1000), { index: 0, progress: 0, done: false });
  assert.equal(phaseAt(10, 0).done, true);
  assert.equal(phaseStart(7, 4, 1000), 3000);
});

test("a paused clock stands still, and goes on where it stopped", () => {
  const c = newClock(100);
  assert.equal(elapsed(c, 600), 500);
  pauseClock(c, 600, true);
  assert.equal(elapsed(c, 5000), 500);
  pauseClock(c, 5000, false);
  assert.equal(elapsed(c, 5100), 600);
  seekClock(c, 5100, 2000);
  assert.equal(elapsed(c, 5100), 2000);
  pauseClock(c, 5100, true);
  seekClock(c, 9999, 0);
  assert.equal(elapsed(c, 20000), 0);
});

test("forward phases light left to right, the rest right to left", () => {
  assert.deepEqual(phaseLights({ kind: "forward", written: [2], read: [1], edges: [1] }), { nodes: [2], edges: [1], backward: false });
  assert.deepEqual(phaseLights({ kind: "backward", written: [], read: [3], edges: [2] }), { nodes: [3], edges: [2], backward: true });
});
