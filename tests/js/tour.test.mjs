// The first-visit tour's logic (backprop_lab/live_view/tour.js): when it opens by itself,
// how Next / Back / Skip move through its steps, and where its card goes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { placeCard, stepHead, tourMove, tourWanted } from "../../backprop_lab/live_view/tour.js";

const steps = [{ target: "play", title: "Play", text: "…" }, { target: "net", title: "Net", text: "…" }];
const wanted = (over) => tourWanted({ steps, presenter: false, search: "", seen: false, ...over });

test("a first visit opens the tour; a browser that has seen it does not", () => {
  assert.equal(wanted({}), true);
  assert.equal(wanted({ search: "?epoch=0&step=0" }), true); // the view's own position in the URL
  assert.equal(wanted({ seen: true }), false);
});

test("never in presenter mode, for a class's follower, a preset's link or with tour=0", () => {
  assert.equal(wanted({ presenter: true }), false);
  assert.equal(wanted({ steps: [] }), false); // presenter mode: the server sends no steps
  assert.equal(wanted({ steps: undefined }), false);
  assert.equal(wanted({ search: "?presenter=1" }), false);
  assert.equal(wanted({ search: "?class=ABC123" }), false);
  assert.equal(wanted({ search: "?preset=xor_hidden_layer" }), false);
  assert.equal(wanted({ search: "?seed=11&alpha=0.3" }), false); // a link with settings
  assert.equal(wanted({ search: "?epoch=40&seed=3" }), false);
  assert.equal(wanted({ search: "?tour=0" }), false);
  assert.equal(wanted({ search: "?tour=1&class=ABC123" }), false); // a follower never
});

test("tour=1 opens it again in a browser that has seen it (not in presenter mode)", () => {
  assert.equal(wanted({ search: "?tour=1", seen: true }), true);
  assert.equal(wanted({ search: "?tour=1&preset=xor_hidden_layer" }), true);
  assert.equal(wanted({ search: "?tour=1", presenter: true }), false);
});

test("Next, Back and Skip: within the steps; Next on the last step and Skip end it", () => {
  assert.equal(tourMove(0, "next", 5), 1);
  assert.equal(tourMove(3, "next", 5), 4);
  assert.equal(tourMove(4, "next", 5), -1);
  assert.equal(tourMove(0, "back", 5), 0);
  assert.equal(tourMove(3, "back", 5), 2);
  assert.equal(tourMove(2, "skip", 5), -1);
  assert.equal(tourMove(2, "close", 5), -1);
  let i = 0;
  const seen = [];
  while (i >= 0) { seen.push(i); i = tourMove(i, "next", 5); }
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

test("each step says where it is", () => {
  assert.equal(stepHead(0, 5), "Step 1 of 5");
  assert.equal(stepHead(4, 5), "Step 5 of 5");
});

const inside = (at, card, view, gap = 12) =>
  at.left >= gap && at.top >= gap && at.left + card.width <= view.width - gap && at.top + card.height <= view.height - gap;

test("the card goes below its target, else above, else beside it, always inside the window", () => {
  const view = { width: 1440, height: 900 }, card = { width: 420, height: 210 };
  const below = placeCard({ left: 380, top: 400, right: 500, bottom: 440 }, card, view);
  assert.equal(below.side, "below");
  assert.equal(below.top, 452);
  assert.ok(inside(below, card, view));
  const above = placeCard({ left: 380, top: 600, right: 780, bottom: 880 }, card, view);
  assert.equal(above.side, "above");
  assert.equal(above.top + card.height, 588);
  // a tall target (the boundary at 1280 × 720): beside it, not over it
  const small = { width: 1280, height: 720 };
  const right = placeCard({ left: 380, top: 174, right: 718, bottom: 547 }, card, small);
  assert.equal(right.side, "right");
  assert.equal(right.left, 730);
  assert.ok(inside(right, card, small));
  const left = placeCard({ left: 800, top: 100, right: 1270, bottom: 700 }, card, small);
  assert.equal(left.side, "left");
  assert.ok(inside(left, card, small));
  const over = placeCard({ left: 0, top: 0, right: 1280, bottom: 720 }, card, small);
  assert.equal(over.side, "over");
  assert.ok(inside(over, card, small));
  // near the left edge: clamped inside
  const edge = placeCard({ left: 0, top: 300, right: 40, bottom: 340 }, card, view);
  assert.equal(edge.left, 12);
});

test("no target (the sidebar closed): the card is centred in the window", () => {
  const at = placeCard(null, { width: 400, height: 200 }, { width: 1000, height: 800 });
  assert.deepEqual(at, { left: 300, top: 300, side: "centre" });
});
