// Where a page's keys move it (backprop_lab/keys/position.js): the rules the server follows.
import assert from "node:assert/strict";
import { test } from "node:test";

import { advance, advanceAll, positionText } from "../../backprop_lab/keys/position.js";

const steps = (k, n = 5) => ({
  kind: "steps", k, n, heads: Array.from({ length: n }, (_, i) => `Step ${i + 1} of ${n}`),
});
const train = (over = {}) => ({
  kind: "train", epoch: 0, batch: 0, spe: 3, steps: 0, diverged: false,
  text: "epoch {epoch} · gradient steps: {steps}", ...over,
});

test("steps: next and previous stay within 1 … n; first and last", () => {
  assert.equal(advance(steps(1), "next").k, 2);
  assert.equal(advance(steps(5), "next").k, 5);
  assert.equal(advance(steps(1), "prev").k, 1);
  assert.equal(advance(steps(3), "prev").k, 2);
  assert.equal(advance(steps(4), "first").k, 1);
  assert.equal(advance(steps(2), "last").k, 5);
  assert.equal(advance(steps(2), "batch").k, 2); // not a step action
  assert.equal(advanceAll(steps(1), ["next", "next", "next", "prev"]).k, 3);
});

test("steps: the text is the server's for that step", () => {
  assert.equal(positionText(advance(steps(1), "next")), "Step 2 of 5");
  assert.equal(positionText(steps(9, 5)), "");
});

test("train: a mini-batch, the epoch's last one, then the rest of an epoch", () => {
  let p = advance(train(), "batch");
  assert.deepEqual([p.epoch, p.batch, p.steps], [0, 1, 1]);
  p = advanceAll(p, ["batch", "batch"]); // the third of three ends the epoch
  assert.deepEqual([p.epoch, p.batch, p.steps], [1, 0, 3]);
  p = advanceAll(p, ["batch", "epoch"]); // one in, then the other two
  assert.deepEqual([p.epoch, p.batch, p.steps], [2, 0, 6]);
  p = advance(p, "epoch"); // none under way: a whole epoch
  assert.deepEqual([p.epoch, p.batch, p.steps], [3, 0, 9]);
});

test("train: full batch (one mini-batch an epoch), reset, and nothing once diverged", () => {
  const full = train({ spe: 1 });
  assert.equal(advance(full, "batch").epoch, 1);
  assert.equal(advance(full, "epoch").steps, 1);
  const gone = train({ epoch: 4, steps: 12, diverged: true });
  assert.equal(advance(gone, "batch"), gone);
  assert.deepEqual(advance(gone, "reset"), { ...gone, epoch: 0, batch: 0, steps: 0, diverged: false });
});

test("train: the text gets the numbers, an unknown name stays as written", () => {
  assert.equal(positionText(train({ epoch: 2, steps: 7 })), "epoch 2 · gradient steps: 7");
  assert.equal(positionText(train({ text: "{epoch} {nope}" })), "0 {nope}");
  assert.equal(positionText(null), "");
});
