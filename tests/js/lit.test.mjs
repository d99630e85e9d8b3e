// What a step of the walk-through touches, marked on the diagram (backprop_lab/live_view/lit.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { layoutNet, nodeY } from "../../backprop_lab/live_view/layout.js";
import { litMarks } from "../../backprop_lab/live_view/lit.js";

// a 2-3-1 network on a 600 × 300 canvas: columns 0 and 1 have a bias unit, the output none
const net = { sizes: [2, 3, 1], names: [["x₁", "x₂"], [], ["h"]], mode: "forward" };
const geo = layoutNet(net, 600, 300);
const at = (l, u) => [geo.cols[l - 1].x, nodeY(geo.cols[l - 1], u)]; // course layer l, unit u

test("no lit part, no marks", () => {
  assert.deepEqual(litMarks(geo, net.sizes, null), { rings: [], bands: [] });
});

test("z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾: layer 1 read with its bias unit, layer 2 written, one forward band", () => {
  const { rings, bands } = litMarks(geo, net.sizes, { read: [1], written: [2], edges: [1], bias: true, backward: false });
  const read = rings.filter((g) => g.role === "read").map((g) => [g.x, g.y]);
  const written = rings.filter((g) => g.role === "written").map((g) => [g.x, g.y]);
  assert.deepEqual(read, [at(1, 0), at(1, 1), at(1, 2)]); // the bias unit a₀⁽¹⁾ = 1 too
  assert.deepEqual(written, [at(2, 1), at(2, 2), at(2, 3)]); // not layer 2's bias unit
  assert.ok(rings.every((g) => g.r > geo.r), "a ring sits outside its node");
  assert.equal(bands.length, 1);
  const [b] = bands;
  assert.equal(b.role, "forward");
  // the band holds both columns and every unit the edges join
  for (const [x, y] of [...read, ...written]) assert.ok(b.x0 < x && x < b.x1 && b.y0 < y && y < b.y1);
});

test("δ⁽²⁾ sent back without the bias row: no bias unit marked, a backward band", () => {
  const { rings, bands } = litMarks(geo, net.sizes, { read: [3], written: [2], edges: [2], bias: false, backward: true });
  assert.deepEqual(rings.filter((g) => g.role === "read").map((g) => [g.x, g.y]), [at(3, 1)]);
  assert.equal(rings.filter((g) => g.role === "written").length, 3);
  assert.equal(bands[0].role, "backward");
  // the bias unit of layer 2 (the top of its column) is outside the band
  assert.ok(at(2, 0)[1] < bands[0].y0);
});

test("a layer both read and written is marked written; Θ beyond the network is ignored", () => {
  const { rings, bands } = litMarks(geo, net.sizes, { read: [2], written: [2], edges: [0, 3, 9], bias: true });
  assert.ok(rings.length === 3 && rings.every((g) => g.role === "written"));
  assert.deepEqual(bands, []);
});
