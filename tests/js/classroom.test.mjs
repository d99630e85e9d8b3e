// A class's panel and follower mode (backprop_lab/live_view/classroom.js): the pure parts.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CLASS_CLOSES, MODE_CHOICES, PAGE_CLOSES, ZOOM_HINT, answerText, barWidths, closeSays, cookieText,
  followPath, makeId, panelKey, tabId,
} from "../../backprop_lab/live_view/classroom.js";
import { FOLLOWER_SENDS } from "../../backprop_lab/live_view/channel.js";

class Storage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
}

test("a tab's id is anonymous, kept for the tab, and of the server's form", () => {
  const store = new Storage();
  let calls = 0;
  const random = (n) => { calls += 1; return Uint8Array.from({ length: n }, (_, i) => (i * 37 + calls) % 256); };
  const id = tabId(store, random);
  assert.match(id, /^[A-Za-z0-9_-]{24}$/);
  assert.equal(tabId(store, random), id); // a reload of the tab: the same id
  assert.equal(calls, 1);
  store.setItem("bp-class-tab", "<script>"); // junk in storage: a new id
  assert.notEqual(tabId(store, random), "<script>");
  assert.equal(makeId([0, 63, 64, 255]), "A_A_");
});

test("bars are in per cent of the largest; none when nobody answered", () => {
  assert.deepEqual(barWidths([1, 2, 4]), [25, 50, 100]);
  assert.deepEqual(barWidths([0, 0]), [0, 0]);
  assert.deepEqual(barWidths([3]), [100]);
});

test("an answer reads as the student picked it", () => {
  assert.equal(answerText({ kind: "choice" }, 1), "B");
  assert.equal(answerText({ kind: "sign" }, 1), "−");
  assert.equal(answerText({ kind: "number" }, 0.25), "0.25");
  assert.equal(answerText({ kind: "choice" }, 9), "?");
});

test("the lecturer's cookie is strict, for the whole app, and can be forgotten", () => {
  assert.equal(cookieText("bp_class_lecturer", "ABC234.s3cr3t"),
    "bp_class_lecturer=ABC234.s3cr3t; path=/; SameSite=Strict; max-age=14400");
  assert.match(cookieText("bp_class_lecturer", ""), /max-age=0$/);
});

test("a class's closes are said in words and not retried; others are not the class's", () => {
  assert.deepEqual(CLASS_CLOSES, [4404, 4409, 4410, 4413, 4429]);
  assert.equal(closeSays(4410, "Class ABC234 has ended."), "Class ABC234 has ended.");
  assert.ok(closeSays(4404, "").length > 10);
  assert.equal(closeSays(1006, ""), null);
});

test("the panel is rebuilt when the question or the reveal changes, not for a count", () => {
  const q = { id: 1, open: true, reveal: null, answers: 1 };
  const a = panelKey({ question: q }, null, true);
  assert.equal(panelKey({ question: { ...q, answers: 7 } }, null, true), a);
  assert.notEqual(panelKey({ question: { ...q, open: false } }, null, true), a);
  assert.notEqual(panelKey({ question: q }, { q: 1, a: 0 }, true), a);
  assert.notEqual(panelKey({ question: { ...q, reveal: { counts: [1, 2] } } }, null, true), a);
});

test("a follower's own diagram mode: the lecturer's, forward or backward", () => {
  assert.deepEqual(MODE_CHOICES.map((c) => c.m), [null, "forward", "backward"]);
  assert.ok(MODE_CHOICES.every((c) => c.label.length > 3));
});

test("a follower sends only what the class socket takes (no Play, no edits)", () => {
  assert.deepEqual(FOLLOWER_SENDS, ["ack", "answer", "copy", "mode", "ping"]);
});

test("the class socket's path carries the tab's id, so wrong codes count per tab", () => {
  const id = "AbCdEfGhIjKlMnOpQrStUvWx";
  assert.equal(followPath("bp/class/ws?class=ABC234", id), `bp/class/ws?class=ABC234&tab=${id}`);
  assert.equal(followPath("bp/class/ws", id), `bp/class/ws?tab=${id}`);
  assert.equal(followPath("bp/class/ws?class=ABC234", "<script>"), "bp/class/ws?class=ABC234");
  assert.equal(followPath("bp/class/ws?class=ABC234", "short"), "bp/class/ws?class=ABC234");
});

test("the page hears of an end, of a code no class has and of too many wrong codes", () => {
  assert.deepEqual(PAGE_CLOSES, [4404, 4410, 4429]);
  assert.ok(PAGE_CLOSES.every((c) => CLASS_CLOSES.includes(c)));
  assert.ok(!PAGE_CLOSES.includes(4409)); // opened again in another tab: this tab says so itself
});

test("a follower's boundary says in one line that its zoom is the lecturer's", () => {
  assert.match(ZOOM_HINT, /^The lecturer's view: zoom is the lecturer's/);
  assert.ok(!ZOOM_HINT.includes("\n") && ZOOM_HINT.length < 100);
});
