// Slow motion's keys (backprop_lab/live_view/slowmo.js slowKey): looked up in the bindings the
// server sends (keys_ui.SLOWMO_KEYS, in view.state.slowBindings) through input.js's mapping,
// never compared as key strings.  The bindings below have the server's form; which actions
// the real table names is held to SLOW_ACTIONS by tests/test_ui_keys.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import { actionOf, keyName, keysTitle } from "../../backprop_lab/live_view/input.js";
import { SLOW_ACTIONS, slowKey } from "../../backprop_lab/live_view/slowmo.js";

const SLOW = [
  { keys: [" "], action: "pause", shown: "Space", what: "pause or go on" },
  { keys: ["ArrowRight", ".", "PageDown"], action: "next", shown: "→  .  PageDown", what: "next phase" },
  { keys: ["ArrowLeft", ",", "PageUp"], action: "prev", shown: "←  ,  PageUp", what: "previous phase" },
  { keys: ["Escape"], action: "end", shown: "Esc", what: "end slow motion" },
];
const press = (key, shiftKey = false) => ({ key, shiftKey });

test("a key press's name: letters in lower case, Shift only on a named key", () => {
  assert.equal(keyName(press("ArrowRight")), "ArrowRight");
  assert.equal(keyName(press("ArrowRight", true)), "Shift+ArrowRight");
  assert.equal(keyName(press("ArrowRight", true), false), "ArrowRight");
  assert.equal(keyName(press("R", true)), "r");
  assert.equal(keyName(press("?", true)), "?");
  assert.equal(keyName(press(" ")), " ");
});

test("every key of a binding finds its action; an unbound key none", () => {
  for (const b of SLOW) for (const k of b.keys) assert.equal(actionOf(SLOW, press(k)), b.action);
  assert.equal(actionOf(SLOW, press("s")), undefined);
  assert.equal(actionOf([], press(" ")), undefined);
});

test("with anyShift a named key answers with Shift held too; an exact Shift binding wins", () => {
  assert.equal(actionOf(SLOW, press("ArrowRight", true)), undefined); // the Playground's rule
  assert.equal(actionOf(SLOW, press("ArrowRight", true), true), "next");
  assert.equal(actionOf(SLOW, press("PageUp", true), true), "prev");
  const both = [...SLOW, { keys: ["Shift+ArrowRight"], action: "far", shown: "Shift+→", what: "x" }];
  assert.equal(actionOf(both, press("ArrowRight", true), true), "far");
});

test("slowKey does the bound action while slow motion is on, and nothing else", () => {
  const done = [];
  const saved = { ...SLOW_ACTIONS };
  for (const a of Object.keys(SLOW_ACTIONS)) SLOW_ACTIONS[a] = () => done.push(a);
  try {
    const view = { mech: { slow: null }, state: { slowBindings: SLOW } };
    assert.equal(slowKey(view, press(" ")), false); // off: the Playground's Space
    view.mech.slow = {};
    const keys = [press(" "), press("."), press("ArrowRight", true), press(","), press("PageUp"), press("Escape")];
    assert.deepEqual(keys.map((k) => slowKey(view, k)), keys.map(() => true));
    assert.deepEqual(done, ["pause", "next", "next", "prev", "prev", "end"]);
    assert.equal(slowKey(view, press("s")), false); // the Playground's: not slow motion's
    assert.equal(slowKey(view, press("?")), false);
    view.state.slowBindings = [{ keys: ["x"], action: "toString", shown: "X", what: "?" }];
    assert.equal(slowKey(view, press("x")), false); // only SLOW_ACTIONS' own names
    view.state.slowBindings = [];
    assert.equal(slowKey(view, press(" ")), false); // no bindings sent: no keys
  } finally {
    Object.assign(SLOW_ACTIONS, saved);
  }
});

test("the ? button's title lists slow motion's keys after the others", () => {
  const play = [
    { keys: [" "], action: "play", shown: "Space", what: "Play / Pause" },
    { keys: ["?"], action: "keys", shown: "?", what: "show or hide this list" },
  ];
  assert.equal(
    keysTitle(play, SLOW),
    "Keyboard: Space = Play / Pause; while slow motion is on: Space = pause or go on, "
      + "→  .  PageDown = next phase, ←  ,  PageUp = previous phase, Esc = end slow motion",
  );
  assert.equal(keysTitle(play), "Keyboard: Space = Play / Pause");
  assert.equal(keysTitle([]), "Keyboard");
  assert.equal(keysTitle([], SLOW.slice(3)), "Keyboard: while slow motion is on: Esc = end slow motion");
});
