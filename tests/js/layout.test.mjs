// Layout arithmetic and hit-testing of the live view (backprop_lab/live_view/layout.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  MAX_EDGES, boundaryLayout, chartAxis, gridCell, inPlot, layoutNet, mapsLayout, netHeight,
  netHit, netSegments, nodeY, panned, plotGeo, segDist, textSize, toData, wrapRows, zoomAbout,
} from "../../backprop_lab/live_view/layout.js";

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

test("textSize: fonts and text margins grow with the scale", () => {
  const tx = textSize(2);
  assert.equal(tx.font(11), "22px sans-serif");
  assert.equal(tx.font(12, true), "bold 24px sans-serif");
  assert.equal(tx.px(14), 28);
  assert.equal(textSize().font(11.4), "11px sans-serif");
});

test("wrapRows: a new row when the next item would not fit", () => {
  const rows = wrapRows([30, 30, 30, 50, 10], (w) => w, 100, 10);
  assert.deepEqual(rows, [[30, 30, 30], [50, 10]]);
  assert.deepEqual(wrapRows([500], (w) => w, 100, 10), [[500]]); // too wide alone: its own row
  assert.deepEqual(wrapRows([], (w) => w, 100, 10), [[]]);
});

const net = { sizes: [2, 3, 1], names: [["x1", "x2"], [], ["y"]], mode: "forward" };

test("layoutNet: one column per layer, a bias unit above all but the output", () => {
  const W = 600, H = 300;
  const geo = layoutNet(net, W, H);
  assert.equal(geo.cols.length, 3);
  assert.deepEqual(geo.cols.map((c) => c.ys.length), [3, 4, 1]);
  assert.deepEqual(geo.cols.map((c) => c.withBias), [true, true, false]);
  for (let l = 1; l < 3; l++) assert.ok(geo.cols[l].x > geo.cols[l - 1].x);
  close(geo.cols[1].x - geo.cols[0].x, geo.cols[2].x - geo.cols[1].x); // evenly spaced
  const ys = geo.cols[1].ys;
  close((ys[0] + ys[3]) / 2, (geo.cols[2].ys[0])); // the columns are centred on one line
  assert.ok(geo.r >= 2.5 && geo.r <= 13);
  // course numbering: unit 0 is the bias, 1 … s_l the real units; the output has no bias
  assert.equal(nodeY(geo.cols[0], 0), geo.cols[0].ys[0]);
  assert.equal(nodeY(geo.cols[0], 2), geo.cols[0].ys[2]);
  assert.equal(nodeY(geo.cols[2], 1), geo.cols[2].ys[0]);
  assert.equal(layoutNet({ ...net, sizes: [2] }, W, H).cols[0].x, W / 2);
});

test("netHeight: grows with the widest layer, within bounds", () => {
  assert.equal(netHeight([2, 3, 1]), 260);
  assert.equal(netHeight([2, 100, 1]), 560);
  assert.equal(netHeight([2, 3, 1], 2), 308);
});

test("netSegments: one edge per weight, its strength on its layer's scale", () => {
  const geo = layoutNet(net, 600, 300);
  // Θ^(1): (3, 3), Θ^(2): (1, 4), row-major
  const edges = [Float32Array.from([1, -2, 4, 0, 0, 0, 0, 0, 0]), Float32Array.from([0.5, 0, 0, -0.25])];
  const { segs, total, emaxL, emax } = netSegments(net, geo, edges, false);
  assert.equal(total, 9 + 4);
  assert.equal(segs.length, 13);
  assert.deepEqual(emaxL, [4, 0.5]);
  assert.equal(emax, 4);
  const s = segs.find((sg) => sg[4] === 0 && sg[5] === 1 && sg[6] === 1); // Θ^(1)_1,1 = −2
  assert.equal(s[7], -2);
  assert.equal(s[8], 0.5);
  assert.deepEqual(s.slice(0, 4), [geo.cols[0].x, nodeY(geo.cols[0], 1), geo.cols[1].x, nodeY(geo.cols[1], 1)]);
  const t = segs.find((sg) => sg[4] === 1 && sg[6] === 0); // Θ^(2)_1,0 = 0.5: its layer's largest
  assert.equal(t[8], 1);
  // one scale for all layers
  const shared = netSegments(net, geo, edges, true).segs.find((sg) => sg[4] === 1 && sg[6] === 0);
  assert.equal(shared[8], 0.125);
  // all-zero layers get scale 1 (no division by 0)
  assert.deepEqual(netSegments(net, geo, [new Float32Array(9), new Float32Array(4)], false).emaxL, [1, 1]);
});

test("netSegments: a big network draws only the strongest edges", () => {
  const big = { sizes: [2, 40, 40, 1], names: [[], [], [], []], mode: "forward" };
  const geo = layoutNet(big, 800, 500);
  const edges = [40 * 3, 40 * 41, 41].map((n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1)));
  const { segs, total } = netSegments(big, geo, edges, true);
  assert.equal(total, 120 + 1640 + 41);
  assert.equal(segs.length, MAX_EDGES);
  const weakestShown = Math.min(...segs.map((s) => s[8]));
  const all = netSegments(big, geo, edges, true, Infinity).segs;
  assert.equal(all.filter((s) => s[8] > weakestShown).length <= MAX_EDGES, true);
});

test("segDist: to the segment, not the line", () => {
  const s = [0, 0, 10, 0];
  assert.equal(segDist(5, 3, s), 3);
  assert.equal(segDist(-4, 3, s), 5); // beyond an end: to the end point
  assert.equal(segDist(13, 4, s), 5);
  assert.equal(segDist(2, 0, s), 0);
  assert.equal(segDist(3, 4, [0, 0, 0, 0]), 5); // a point
  close(segDist(0, 10, [0, 0, 10, 10]), Math.SQRT2 * 5);
});

test("netHit: nodes first, then the nearest edge closer than 5 px", () => {
  const hits = {
    r: 10,
    nodes: [{ x: 0, y: 0, l: 0, u: 1 }],
    segs: [[0, 0, 100, 0, 0, 1, 1, 0.5, 1], [0, 6, 100, 6, 0, 2, 1, -0.5, 1]],
  };
  assert.equal(netHit(hits, 5, 5).node, hits.nodes[0]); // within r + 2 of the centre
  assert.equal(netHit(hits, 12, 0).node, hits.nodes[0]);
  assert.equal(netHit(hits, 50, 2).seg, hits.segs[0]);
  assert.equal(netHit(hits, 50, 4).seg, hits.segs[1]);
  assert.equal(netHit(hits, 50, 20), null);
  assert.equal(netHit(hits, 50, -5), null); // exactly 5 px: not a hit
  assert.equal(netHit(null, 0, 0), null);
});

test("the boundary plot: its size, pixel ↔ data, in or out", () => {
  const { W, H, m, side } = boundaryLayout(500, false);
  assert.equal(W, 500);
  assert.equal(side, 500 - 46 - 64);
  assert.equal(H, side + 8 + 58);
  assert.equal(boundaryLayout(2000, true).W, 560);
  assert.equal(boundaryLayout(100, true).W, 260);
  assert.equal(boundaryLayout(0, true).W, 420);
  assert.equal(boundaryLayout(500, true).m.r, 12);
  const g = plotGeo(m, side, [-6, 6, -6, 6]);
  close(g.X(-6), m.l);
  close(g.Y(-6), m.t + side); // y grows upwards
  close(g.X(0), m.l + side / 2);
  const [x, y] = toData(g, g.X(1.5), g.Y(-2.25));
  close(x, 1.5);
  close(y, -2.25);
  assert.ok(inPlot(g, m.l, m.t));
  assert.ok(inPlot(g, m.l + side, m.t + side));
  assert.ok(!inPlot(g, m.l - 1, m.t));
  assert.ok(!inPlot(null, 0, 0));
});

test("zoom keeps the point under the pointer; a pan moves the grabbed point to the pointer", () => {
  const ext = [-6, 6, -4, 4];
  const z = zoomAbout(ext, 2, 1, -100); // in
  close(z[1] - z[0], 12 * 0.8);
  close((2 - z[0]) / (z[1] - z[0]), (2 - ext[0]) / 12);
  close((1 - z[2]) / (z[3] - z[2]), (1 - ext[2]) / 8);
  const out = zoomAbout(ext, 0, 0, 100);
  close(out[1] - out[0], 15);
  const { m, side } = boundaryLayout(500, false);
  const g = plotGeo(m, side, ext);
  const p = toData(g, 100, 100); // grabbed here …
  const e = panned(g, ext, p, 130, 80); // … and dragged 30 px right, 20 px up
  close(e[1] - e[0], 12);
  const [x, y] = toData(plotGeo(m, side, e), 130, 80);
  close(x, p[0]);
  close(y, p[1]);
});

test("gridCell: the cell of a data point, −1 outside the grid", () => {
  const b = { nx: 4, ny: 2, img_x: [0, 4], img_y: [0, 2] };
  assert.equal(gridCell(b, 0.5, 0.5), 0);
  assert.equal(gridCell(b, 3.5, 0.5), 3);
  assert.equal(gridCell(b, 0.5, 1.5), 4);
  assert.equal(gridCell(b, 4.5, 0.5), -1);
  assert.equal(gridCell(b, -0.1, 0.5), -1);
});

test("mapsLayout: square cells that fit the widest layer", () => {
  const lay = mapsLayout(600, [3, 5]);
  assert.equal(lay.cell, 64); // capped
  assert.equal(lay.H, 2 * (64 + 6) + 4);
  assert.equal(lay.x(1), 54 + 67);
  assert.equal(lay.y(1), 2 + 70);
  const narrow = mapsLayout(300, [32]);
  assert.equal(narrow.cell, 14); // at least 14 px
  const mid = mapsLayout(400, [10]);
  assert.equal(mid.cell, Math.floor((400 - 54) / 10) - 3);
});

test("chartAxis: linear with padding (from 0 when asked), log in whole decades", () => {
  const series = [{ y: [1, 3, null, NaN] }, { y: [100], axis: "right" }];
  const lin = chartAxis(series, "left", { zero: true }, 10, 100);
  close(lin.lo, 0);
  close(lin.hi, 3.15);
  close(lin.tr(0), 110);
  close(lin.tr(lin.hi), 10);
  assert.ok(lin.ticks.length >= 2);
  const pad = chartAxis(series, "left", {}, 0, 100);
  close(pad.lo, 0.9);
  close(pad.hi, 3.1);
  const fixed = chartAxis(series, "right", { range: [0, 1.02], ticks: [0, 0.5, 1] }, 0, 100);
  assert.deepEqual(fixed.ticks, [0, 0.5, 1]);
  close(fixed.hi, 1.02);
  const log = chartAxis([{ y: [0.002, 0.5, 0, -1] }], "left", { log: true }, 0, 90);
  assert.deepEqual(log.ticks, [1e-3, 1e-2, 1e-1, 1]);
  close(log.tr(1e-3), 90);
  close(log.tr(1), 0);
  const empty = chartAxis([{ y: [] }], "left", { log: true }, 0, 90);
  assert.deepEqual(empty.ticks, [1e-3, 1e-2, 1e-1, 1]);
});
