// Fitting the screen (backprop_lab/live_view/layout.js): a view's height from its top on the
// page to the window's bottom, the boundary plot that shrinks to it, and presenter mode's
// canvas text for the window's height.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CHART_MIN_H, MIN_SIDE, NET_MIN_H, PROJECTOR_H, boundaryLayout, fitHeight, windowScale,
} from "../../backprop_lab/live_view/layout.js";

test("fitHeight: the natural height when it fits, else the room to the window's bottom", () => {
  assert.equal(fitHeight(300, 100, 900, 200), 300); // 100 + 300 ≤ 900 − 12
  assert.equal(fitHeight(500, 600, 900, 200), 288); // 900 − 600 − 12
  assert.equal(fitHeight(500, 800, 900, 200), 200); // never below the floor: the page scrolls
  assert.equal(fitHeight(150, 800, 900, 200), 150); // nor above its natural height
  assert.equal(fitHeight(500, 600, 900, 200, 0), 300);
  assert.equal(fitHeight(500, 600, 0, 200), 500); // no window (node): as it was
  assert.equal(fitHeight(500, NaN, 900, 200), 500);
  assert.equal(fitHeight(Infinity, 600, 900, 0), 288); // no natural height: the room
});

test("boundaryLayout: without a limit as before; with one, a smaller square that fits", () => {
  const free = boundaryLayout(420, false, 1);
  assert.deepEqual(free, boundaryLayout(420, false, 1, Infinity));
  assert.equal(free.side, 420 - 46 - 64);
  const fit = boundaryLayout(420, false, 1, 250);
  assert.equal(fit.H, 250);
  assert.equal(fit.side, 250 - 8 - 58);
  assert.equal(fit.W, 420); // the canvas keeps its width: the square in its middle
  assert.equal(fit.m.l + fit.side + fit.m.r, fit.W);
  assert.equal(fit.m.l - 46, fit.m.r - 64);
  const floor = boundaryLayout(420, false, 1, 50);
  assert.equal(floor.side, MIN_SIDE); // a window too short for it: the page scrolls
  const multi = boundaryLayout(260, true, 1, 100); // no colour bar: a wider square, cut too
  assert.equal(multi.side, MIN_SIDE);
  assert.equal(multi.m.l + multi.side + multi.m.r, multi.W);
  const big = boundaryLayout(700, false, 2, 500); // presenter mode's margins are twice as wide
  assert.equal(big.H, 500);
  assert.equal(big.side, 500 - 16 - 116);
});

test("windowScale: presenter text is for a 1080 px projector, smaller on a 720 px one", () => {
  assert.equal(windowScale(2, true, PROJECTOR_H), 2);
  assert.equal(windowScale(2, true, 1200), 2); // never larger than the server's
  assert.equal(windowScale(2, true, 720), 1.33);
  assert.equal(windowScale(2, true, 300), 1.25); // at least 1.25
  assert.equal(windowScale(2, false, 720), 2); // not presenter: as sent
  assert.equal(windowScale(1, false, 720), 1);
  assert.equal(windowScale(2, true, 0), 2); // no window
});

test("the floors are stated", () => {
  assert.ok(MIN_SIDE >= 120 && NET_MIN_H >= 160 && CHART_MIN_H >= 160);
});
