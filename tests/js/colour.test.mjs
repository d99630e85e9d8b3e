// Colour scales of the live view (backprop_lab/live_view/colour.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BLUE, CLASS_RGB, ORANGE, WHITE, boundaryPixels, classRGB, css, divRGB, mapPixels, mix, pointRGB,
} from "../../backprop_lab/live_view/colour.js";

const pixel = (rgba, p) => Array.from(rgba.slice(4 * p, 4 * p + 4));

test("mix: the ends and the middle, whole numbers", () => {
  assert.deepEqual(mix([0, 0, 0], [100, 200, 255], 0), [0, 0, 0]);
  assert.deepEqual(mix([0, 0, 0], [100, 200, 255], 1), [100, 200, 255]);
  assert.deepEqual(mix([0, 0, 0], [100, 200, 255], 0.5), [50, 100, 128]);
});

test("divRGB: orange (−1) → white (0) → blue (+1), clipped beyond", () => {
  assert.deepEqual(divRGB(-1), ORANGE);
  assert.deepEqual(divRGB(0), WHITE);
  assert.deepEqual(divRGB(1), BLUE);
  assert.deepEqual(divRGB(-7), ORANGE);
  assert.deepEqual(divRGB(3), BLUE);
  assert.deepEqual(divRGB(0.5), mix(WHITE, BLUE, 0.5));
  assert.deepEqual(divRGB(-0.5), mix(WHITE, ORANGE, 0.5));
});

test("class colours: 0 orange, 1 blue, ten that repeat", () => {
  assert.deepEqual(classRGB(0), ORANGE);
  assert.deepEqual(classRGB(1), BLUE);
  assert.equal(CLASS_RGB.length, 10);
  assert.deepEqual(classRGB(12), classRGB(2));
  assert.equal(css([1, 2, 3]), "rgba(1,2,3,1)");
  assert.equal(css([1, 2, 3], 0.5), "rgba(1,2,3,0.5)");
});

test("pointRGB: the class's colour, or a regression target on the boundary's scale", () => {
  assert.deepEqual(pointRGB("classification", 1, null), BLUE);
  const b = { lo: -2, hi: 2 };
  assert.deepEqual(pointRGB("regression", -2, b), ORANGE);
  assert.deepEqual(pointRGB("regression", 0, b), WHITE);
  assert.deepEqual(pointRGB("regression", 2, b), BLUE);
});

test("boundaryPixels (one output): dequantized values, the image upside down", () => {
  // 2 × 2 grid, row 0 (the lowest y) = [0, 255], row 1 = [255, 0]; mid = 0.5 of [0, 1]
  const b = { nx: 2, ny: 2, lo: 0, hi: 1, mid: 0.5 };
  const q = new Uint8Array([0, 255, 255, 0]);
  const { rgba, values } = boundaryPixels(b, q, null, false);
  assert.deepEqual(Array.from(values), [0, 1, 1, 0]);
  assert.equal(rgba.length, 16);
  // grid row 0 is the image's bottom row (pixels 2, 3)
  assert.deepEqual(pixel(rgba, 2), [...ORANGE, 255]);
  assert.deepEqual(pixel(rgba, 3), [...BLUE, 255]);
  assert.deepEqual(pixel(rgba, 0), [...BLUE, 255]);
  assert.deepEqual(pixel(rgba, 1), [...ORANGE, 255]);
});

test("boundaryPixels: discretized, two flat colours either side of mid", () => {
  const b = { nx: 3, ny: 1, lo: 0, hi: 1, mid: 0.5 };
  const { rgba } = boundaryPixels(b, new Uint8Array([100, 140, 255]), null, true);
  assert.deepEqual(pixel(rgba, 0), [...divRGB(-0.8), 255]);
  assert.deepEqual(pixel(rgba, 1), [...divRGB(0.8), 255]);
  assert.deepEqual(pixel(rgba, 2), [...divRGB(0.8), 255]);
});

test("boundaryPixels (multiclass): the predicted class's colour, by confidence", () => {
  const b = { nx: 2, ny: 1, lo: 0, hi: 1, mid: 0.5 };
  const { rgba } = boundaryPixels(b, new Uint8Array([255, 0]), new Uint8Array([2, 1]), false);
  assert.deepEqual(pixel(rgba, 0), [...mix(WHITE, classRGB(2), 0.85), 255]);
  assert.deepEqual(pixel(rgba, 1), [...mix(WHITE, BLUE, 0.15), 255]);
});

test("mapPixels: one unit of a layer, symmetric or from lo to hi", () => {
  const res = 2;
  const q = new Uint8Array([0, 0, 0, 0, 0, 255, 255, 0]); // unit 0 all lo; unit 1
  const out = new Uint8ClampedArray(res * res * 4);
  mapPixels({ lo: 0, hi: 1, sym: false }, q, 0, res, out);
  for (let p = 0; p < 4; p++) assert.deepEqual(pixel(out, p), [...ORANGE, 255]);
  mapPixels({ lo: -1, hi: 1, sym: true, scale: 1 }, q, 1, res, out);
  assert.deepEqual(pixel(out, 2), [...ORANGE, 255]); // grid (0, 0): −1, bottom left
  assert.deepEqual(pixel(out, 3), [...BLUE, 255]); // grid (0, 1): +1, bottom right
  assert.deepEqual(pixel(out, 0), [...BLUE, 255]); // grid (1, 0): top left
});

test("points: a dark and a light ring, so both classes read on any background", async () => {
  const { contrast, pointRings, boundaryPixels: bp } = await import("../../backprop_lab/live_view/colour.js");
  // every colour the boundary can paint: the shaded binary scale, K classes, discretized
  const backgrounds = [];
  const q = Uint8Array.from({ length: 256 }, (_, i) => i);
  const b = { nx: 256, ny: 1, lo: 0, hi: 1, mid: 0.5 };
  for (const disc of [false, true]) {
    const { rgba } = bp(b, q, null, disc);
    for (let p = 0; p < 256; p++) backgrounds.push(Array.from(rgba.slice(4 * p, 4 * p + 3)));
    for (let k = 0; k < 10; k++) {
      const { rgba: m } = bp(b, q, new Uint8Array(256).fill(k), disc);
      for (let p = 0; p < 256; p += 15) backgrounds.push(Array.from(m.slice(4 * p, 4 * p + 3)));
    }
  }
  for (const split of ["train", "test"]) {
    const rings = pointRings(split);
    assert.ok(rings.length >= 2 && rings.every((r) => r.width >= 1));
    // WCAG 1.4.11: a graphical object needs 3:1 against what is next to it
    for (const bg of backgrounds) { // the point's edge stands out from the background
      assert.ok(Math.max(...rings.map((r) => contrast(r.rgb, bg))) >= 3, `${split} on ${bg}`);
    }
    for (const fill of CLASS_RGB) { // the inner ring stands out from the class's fill
      assert.ok(Math.max(...rings.map((r) => contrast(r.rgb, fill))) >= 3, `${split} ${fill}`);
    }
  }
  // the kinds differ: which ring is outside
  assert.notDeepEqual(pointRings("train")[0].rgb, pointRings("test")[0].rgb);
});
