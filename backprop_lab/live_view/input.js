// What the student does: buttons, keys, the pointer on the canvases (tooltips; zoom, pan and
// drawing points on the boundary; a click on an edge for its chain rule), and typed weights.
//
// The keys are not declared here: the server sends the Playground's bindings
// (lab_ui/live/keys_ui.py PLAYGROUND_KEYS: [{keys, action, shown, what}]), and ACTIONS maps
// each action name to what it does.  Both the "?" list and the dispatch are built from them.
// Slow motion's keys come the same way (SLOWMO_KEYS; slowmo.js SLOW_ACTIONS does them).
// Every attach function returns a function that removes what it added to `document` or
// `window`.

import { drawBoundary, boundaryTooltip, mapTooltip } from "./boundary.js";
import { isOnline, send } from "./channel.js";
import { chartTooltip } from "./curves.js";
import { drawNet, edgeAt, netTooltip } from "./diagram.js";
import { fillKeyList } from "./dom.js";
import { drawable } from "./frame.js";
import { weightProblem } from "./format.js";
import { inPlot, panned, toData, zoomAbout } from "./layout.js";
import { exportPng, notice, setChain, showPlaying } from "./panels.js";
import { nextReset, setSharedScale, setZoom, togglePlaying } from "./state.js";

const DRAG_PX = 4; // a press that moves further than this pans; a shorter one is a click
const CLICK_DELAY_MS = 250; // a second click within this makes a double-click (whole plane)
const ZOOM_SEND_MS = 120; // the server is asked for the zoomed grid after the wheel rests

// ---------- actions: what a button or a key does ----------------------------------------------

function playPause(view) {
  if (!isOnline(view)) return; // nothing can play while the connection is down (it says so)
  const on = togglePlaying(view.state); // answered at once; the next frame confirms it
  showPlaying(view);
  send(view, { t: on ? "play" : "pause" });
}

function step(view, n) {
  if (isOnline(view)) send(view, { t: "step", n });
}

function toggleKeys(view, show = view.dom.keyList.hidden) {
  view.dom.keyList.hidden = !show;
  view.dom.keys.setAttribute("aria-expanded", String(show));
  // opened in view: from anywhere on the page (a key pressed while scrolled down), and no
  // taller than the window (live_view.css caps it; longer lists scroll inside)
  if (show) view.dom.keyList.scrollIntoView({ block: "nearest" });
}

/** Action name (as the server's bindings spell it) → what it does. */
export const ACTIONS = {
  play: playPause,
  batch: (view) => step(view, "batch"),
  epoch: (view) => step(view, "epoch"),
  reset: (view) => { if (isOnline(view)) view.trigger("command", { c: "reset", n: nextReset(view.state) }); },
  keys: (view) => toggleKeys(view),
};

/** The name of a key press as the bindings spell it: "ArrowRight", "Shift+ArrowRight", "r",
 * " " (the same rule as backprop_lab/keys/keys.js); `withShift` false leaves out the Shift
 * of a named key ("ArrowRight" for Shift+→). */
export function keyName(ev, withShift = true) {
  const k = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  const shifted = withShift && ev.shiftKey && ev.key.length > 1; // Shift+→, not the Shift of "?"
  return (shifted ? "Shift+" : "") + k;
}

/** The action bound to key name `name`, or undefined. */
export function actionFor(bindings, name) {
  const b = bindings.find((x) => x.keys.includes(name));
  return b ? b.action : undefined;
}

/** The action bound to the key press `ev`, or undefined.  With `anyShift` a named key's
 * binding answers it with Shift held too, unless Shift+key is bound itself (slow motion's:
 * Shift+→ is a phase there, as → is). */
export function actionOf(bindings, ev, anyShift = false) {
  const exact = actionFor(bindings, keyName(ev));
  return exact !== undefined || !anyShift ? exact : actionFor(bindings, keyName(ev, false));
}

/** The "?" button's title: every binding as "keys = what", slow motion's after the others. */
export function keysTitle(bindings, slowBindings = []) {
  const rows = (list) => list.filter((b) => b.action !== "keys").map((b) => `${b.shown} = ${b.what}`);
  const list = rows(bindings), slow = rows(slowBindings);
  const parts = [list.join(", "), slow.length ? "while slow motion is on: " + slow.join(", ") : ""];
  const text = parts.filter(Boolean).join("; ");
  return text ? "Keyboard: " + text : "Keyboard";
}

const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
const WIDGET_ROLES = /^(slider|spinbutton|combobox|listbox|option|textbox|menu|menuitem)$/;

// Keys typed into an input, a text area, a select box or a slider are theirs, not ours.
function typing(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable || TYPING.test(el.tagName)) return true;
  const role = el.getAttribute && el.getAttribute("role");
  return Boolean(role && WIDGET_ROLES.test(role));
}

/** The "?" list and the buttons' titles from the bindings in view.state. */
export function showBindings(view) {
  const bindings = view.state.bindings, d = view.dom;
  fillKeyList(d.keyList, bindings, view.state.slowBindings);
  const shown = (action) => {
    const b = bindings.find((x) => x.action === action);
    return b ? ` (${b.shown})` : "";
  };
  d.play.dataset.keyHint = shown("play");
  d.play.title = (view.state.playing ? "Playing: press to pause" : "Play") + shown("play");
  d.stepB.title = "One gradient step" + shown("batch");
  d.stepE.title = "One pass over the training set" + shown("epoch");
  d.reset.title = "Back to epoch 0 with the same initial Θ" + shown("reset");
  d.keys.title = keysTitle(bindings, view.state.slowBindings);
}

export function attachControls(view) {
  const d = view.dom;
  d.play.addEventListener("click", () => ACTIONS.play(view));
  d.stepB.addEventListener("click", () => ACTIONS.batch(view));
  d.stepE.addEventListener("click", () => ACTIONS.epoch(view));
  d.reset.addEventListener("click", () => ACTIONS.reset(view));
  d.keys.addEventListener("click", () => toggleKeys(view));
  d.png.addEventListener("click", () => exportPng(view));
  d.sharedInput.addEventListener("change", () => {
    setSharedScale(view.state, d.sharedInput.checked);
    if (view.state.drawn) drawNet(view, view.state.drawn);
  });
  const onKey = (ev) => {
    if (!d.root.isConnected) { document.removeEventListener("keydown", onKey); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    if (ev.key === "Escape" && !d.keyList.hidden) { toggleKeys(view, false); return; }
    const action = ACTIONS[actionFor(view.state.bindings, keyName(ev))];
    if (!action) return;
    ev.preventDefault();
    action(view);
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

// ---------- the chain rule of one weight: picked, clicked, set --------------------------------

export function attachChain(view) {
  const d = view.dom;
  d.pickGo.addEventListener("click", () => {
    const w = [d.pickL, d.pickJ, d.pickK].map((el) => Number(el.value));
    if (!w.every((v) => Number.isInteger(v) && v >= 0) || w[0] < 1 || w[1] < 1) {
      notice(view, "A weight is Θ^(l)_jk with whole numbers l, j ≥ 1 and k ≥ 0 (the bias).");
      return;
    }
    setChain(view, w);
  });
  d.chain.close.addEventListener("click", () => setChain(view, null));
  const submit = () => {
    const f = view.state.drawn;
    if (!f || !f.chain) return;
    // refused here, in words, with the range the server allows (its protocol refuses more)
    const problem = weightProblem(d.chain.input.value, f.chain.limit ?? 1e4);
    if (problem) {
      notice(view, problem);
      d.chain.input.setAttribute("aria-invalid", "true");
      return;
    }
    d.chain.input.removeAttribute("aria-invalid");
    send(view, { t: "set_weight", w: f.chain.w, value: Number(d.chain.input.value.trim().replace("−", "-")) });
  };
  d.chain.set.addEventListener("click", submit);
  d.chain.input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); submit(); } });
  // a click on an edge of the diagram opens (or, on the same edge, closes) its chain rule
  d.net.addEventListener("click", (ev) => {
    const r = d.net.getBoundingClientRect();
    const w = edgeAt(view, ev.clientX - r.left, ev.clientY - r.top);
    if (!w) return;
    const f = view.state.drawn;
    const open = f && f.chain ? f.chain.w.join(",") : "";
    setChain(view, open === w.join(",") ? null : w);
  });
}

// ---------- the pointer on the boundary: zoom, pan, draw points -------------------------------

export function attachBoundary(view) {
  const c = view.dom.boundary, s = view.state;
  const at = (ev) => {
    const r = c.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  let zoomTimer = null, clickTimer = null, drag = null;
  const zoom = (ext) => {
    setZoom(s, ext);
    if (s.drawn && s.drawn.boundary) drawBoundary(view, s.drawn);
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(() => send(view, { t: "zoom", extent: ext }), ZOOM_SEND_MS);
  };
  c.addEventListener("wheel", (ev) => {
    const g = s.hits.boundary;
    if (!g) return;
    ev.preventDefault();
    const [x, y] = toData(g, ...at(ev));
    zoom(zoomAbout(g.ext, x, y, ev.deltaY));
  }, { passive: false });
  // A press that moves more than DRAG_PX pixels pans; one that does not is a click, which
  // draws (or, with Shift, removes) a training point.
  const click = (ev) => {
    clearTimeout(clickTimer);
    if (ev.detail >= 2 || !drawable(s.drawn)) return; // the second click of a double-click
    const g = s.hits.boundary;
    const [px, py] = at(ev);
    if (!inPlot(g, px, py)) return;
    const p = toData(g, px, py);
    const size = [(g.ext[1] - g.ext[0]) / g.side, (g.ext[3] - g.ext[2]) / g.side]; // one pixel
    const remove = ev.shiftKey;
    clickTimer = setTimeout(() => {
      if (remove) send(view, { t: "remove_point", at: p, px: size });
      else send(view, { t: "add_point", at: p, c: s.drawClass || 0 });
    }, CLICK_DELAY_MS);
  };
  c.addEventListener("mousedown", (ev) => {
    const g = s.hits.boundary;
    if (g && ev.button === 0) drag = { p: toData(g, ...at(ev)), e: g.ext.slice(), x: ev.clientX, y: ev.clientY, moved: false };
  });
  const onUp = (ev) => {
    const d = drag;
    drag = null;
    if (d && !d.moved && ev.button === 0 && ev.target === c) click(ev);
  };
  window.addEventListener("mouseup", onUp);
  c.addEventListener("mousemove", (ev) => {
    if (!drag || !(ev.buttons & 1)) return;
    if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) <= DRAG_PX) return;
    drag.moved = true;
    zoom(panned(s.hits.boundary, drag.e, drag.p, ...at(ev)));
  });
  c.addEventListener("dblclick", () => { clearTimeout(clickTimer); zoom(null); });
  return () => window.removeEventListener("mouseup", onUp);
}

// ---------- tooltips --------------------------------------------------------------------------

function attachTip(view, canvas, fn) {
  canvas.addEventListener("mousemove", (ev) => {
    const r = canvas.getBoundingClientRect();
    const content = fn(view, ev.clientX - r.left, ev.clientY - r.top);
    const tip = view.dom.tip;
    if (!content) { tip.style.display = "none"; return; }
    tip.replaceChildren(content);
    tip.style.display = "block";
    const rr = view.dom.root.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - rr.left + 14, rr.width - 260) + "px";
    tip.style.top = ev.clientY - rr.top + 14 + "px";
  });
  canvas.addEventListener("mouseleave", () => { view.dom.tip.style.display = "none"; });
}

export function attachTips(view) {
  const d = view.dom;
  attachTip(view, d.boundary, boundaryTooltip);
  attachTip(view, d.net, netTooltip);
  attachTip(view, d.maps, mapTooltip);
  attachTip(view, d.curves, (v, x, y) => chartTooltip(v, x, y, "curves"));
  attachTip(view, d.grads, (v, x, y) => chartTooltip(v, x, y, "grads"));
}
