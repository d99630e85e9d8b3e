// The diagram's edges (backprop_lab/live_view/layout.js): which are drawn, and when the
// picture of them changes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_EDGES, edgeLook, layoutNet, netSegments, nodeY } from "../../backprop_lab/live_view/layout.js";

// The rule as first written: every weight a segment, sorted by strength (stable), the first max.
function reference(net, geo, edges, shared, max) {
  const emaxL = edges.map((e) => Math.max(...Array.from(e, (v) => Math.abs(v) || 0)) || 1);
  const emax = Math.max(...emaxL) || 1;
  const segs = [];
  for (let l = 0; l < net.sizes.length - 1; l++) {
    const a = geo.cols[l], b = geo.cols[l + 1], nIn = net.sizes[l] + 1;
    for (let j = 1; j <= net.sizes[l + 1]; j++) {
      for (let i = 0; i < nIn; i++) {
        const v = edges[l][(j - 1) * nIn + i];
        const s = Math.min(1, Math.abs(v) / (shared ? emax : emaxL[l])) || 0;
        segs.push([a.x, nodeY(a, i), b.x, nodeY(b, j), l, j, i, v, s]);
      }
    }
  }
  return segs.length > max ? segs.sort((p, q) => q[8] - p[8]).slice(0, max) : segs;
}

const deep = { sizes: [2, 32, 32, 32, 32, 32, 32, 32, 32, 1], names: [[], [], [], [], [], [], [], [], [], []], mode: "forward" };

test("netSegments: the same edges as sorting all of them, ties included", () => {
  const geo = layoutNet(deep, 900, 560);
  const sizes = deep.sizes;
  // values on a coarse grid: many equal strengths at the cut
  const edges = sizes.slice(0, -1).map((s, l) =>
    Float32Array.from({ length: (s + 1) * sizes[l + 1] }, (_, i) => Math.round(8 * Math.sin(3 * i + l)) / 8));
  edges[2][5] = NaN; // a non-finite weight has strength 0
  for (const shared of [false, true]) {
    const got = netSegments(deep, geo, edges, shared);
    const want = reference(deep, geo, edges, shared, MAX_EDGES);
    assert.equal(got.segs.length, MAX_EDGES);
    assert.equal(got.total, 3 * 32 + 7 * 33 * 32 + 33);
    const key = (s) => s.slice(4, 7).join(",");
    assert.deepEqual(new Set(got.segs.map(key)), new Set(want.map(key)));
    assert.deepEqual(got.segs.map((s) => s[8]), want.map((s) => s[8])); // strongest first
  }
});

test("edgeLook: buckets by sign and strength; the key ignores order, not looks", () => {
  const geo = layoutNet({ sizes: [2, 3, 1], names: [[], [], []], mode: "forward" }, 600, 300);
  const segs = [
    [0, 0, 1, 1, 0, 1, 0, -0.5, 0.99],
    [0, 0, 1, 1, 0, 2, 1, 0.25, 0.1],
    [0, 0, 1, 1, 1, 1, 0, 0.0, 0.0],
  ];
  const look = edgeLook(segs, 8, geo, "a");
  assert.deepEqual(Array.from(look.bucket), [7, 8, 8]); // −, strongest; +, weakest (0 is +)
  assert.equal(edgeLook([segs[2], segs[0], segs[1]], 8, geo, "a").key, look.key);
  const brighter = segs.map((s) => [...s]);
  brighter[1][8] = 0.2; // one edge one bucket stronger
  assert.notEqual(edgeLook(brighter, 8, geo, "a").key, look.key);
  brighter[1][8] = 0.11; // the same bucket: the same picture
  assert.equal(edgeLook(brighter, 8, geo, "a").key, look.key);
  assert.notEqual(edgeLook(segs, 8, geo, "b").key, look.key); // size, pixel ratio …
  const wider = layoutNet({ sizes: [2, 3, 1], names: [[], [], []], mode: "forward" }, 700, 300);
  assert.notEqual(edgeLook(segs, 8, wider, "a").key, look.key);
});
