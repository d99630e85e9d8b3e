import assert from "node:assert/strict";
import { test } from "node:test";

import { bandIndex, classEdges, contourLevels, contourSegments } from "../../backprop_lab/live_view/contours.js";

test("levels are packed towards the minimum and stay inside (lo, hi)", () => {
  const lv = contourLevels(0, 1, 3);
  assert.deepEqual(lv, [1 / 16, 4 / 16, 9 / 16]);
  assert.deepEqual(contourLevels(1, 1), []);
  assert.deepEqual(contourLevels(NaN, 1), []);
});

test("bandIndex counts the levels at or below a value", () => {
  assert.equal(bandIndex(-1, [0, 1, 2]), 0);
  assert.equal(bandIndex(1, [0, 1, 2]), 2);
  assert.equal(bandIndex(5, [0, 1, 2]), 3);
});

test("a bowl's contour is a closed ring at the right radius", () => {
  const n = 41, vals = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vals.push((j - 20) ** 2 + (i - 20) ** 2);
  const segs = contourSegments(vals, n, n, 100.5); // radius ≈ 10 around (20, 20) (no grid point exactly on it)
  assert.ok(segs.length > 40);
  for (const [x1, y1, x2, y2] of segs) {
    for (const [x, y] of [[x1, y1], [x2, y2]]) {
      assert.ok(Math.abs(Math.hypot(x - 20, y - 20) - 10) < 0.3, `${x},${y}`);
    }
  }
  // closed: every end point is shared by exactly two segments
  const key = (x, y) => `${x.toFixed(6)},${y.toFixed(6)}`;
  const count = new Map();
  for (const [x1, y1, x2, y2] of segs) for (const k of [key(x1, y1), key(x2, y2)]) count.set(k, (count.get(k) || 0) + 1);
  assert.ok([...count.values()].every((c) => c === 2));
});

test("a plane's contour is a straight line where it crosses the level", () => {
  const vals = [0, 1, 2, 0, 1, 2]; // 3 columns, 2 rows: v = x
  const segs = contourSegments(vals, 3, 2, 1.5);
  assert.deepEqual(segs, [[1.5, 0, 1.5, 1]]);
  assert.deepEqual(contourSegments(vals, 3, 2, 5), []);
  assert.deepEqual(contourSegments([0, NaN, 2, 0, 1, 2], 3, 2, 0.5), []); // cell with NaN skipped
});

test("saddles give two segments; class edges lie between differing cells", () => {
  assert.equal(contourSegments([1, 0, 0, 1], 2, 2, 0.5).length, 2);
  assert.deepEqual(classEdges([0, 1, 0, 1], 2, 2), [[0.5, -0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 1.5]]);
});
