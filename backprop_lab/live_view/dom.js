// The live view's elements: the skeleton (buildDom), rich text made of text nodes (T), and
// canvas helpers.  Text from the data (a CSV's column names and class labels) is inserted
// as text nodes, never as markup.

import { BLUE, ORANGE, WHITE, css } from "./colour.js";
import { splitIcon } from "./format.js";

/**
 * Rich text without HTML from data: the literal parts of a T`…` template may contain the
 * tags <b> <sup> <sub> (and their closing tags) and <br>; every ${value} becomes a text node
 * (or, if it is a DOM node made here, that node).  Returns a DocumentFragment.
 */
export function T(strings, ...values) {
  const frag = document.createDocumentFragment();
  const stack = [frag];
  const top = () => stack[stack.length - 1];
  strings.forEach((lit, i) => {
    for (const part of lit.split(/(<\/?(?:b|sup|sub)>|<br>)/)) {
      if (!part) continue;
      if (part === "<br>") top().appendChild(document.createElement("br"));
      else if (part.startsWith("</")) { if (stack.length > 1) stack.pop(); }
      else if (/^<(b|sup|sub)>$/.test(part)) {
        const el = document.createElement(part.slice(1, -1));
        top().appendChild(el);
        stack.push(el);
      } else top().appendChild(document.createTextNode(part));
    }
    if (i < values.length) {
      const v = values[i];
      top().appendChild(v instanceof Node ? v : document.createTextNode(String(v)));
    }
  });
  return frag;
}

export function swatch(color) {
  const s = document.createElement("span");
  s.textContent = "■";
  s.style.color = color;
  return s;
}

export function coloured(text, rgb) {
  const b = document.createElement("b");
  b.textContent = text;
  b.style.color = css(rgb);
  return b;
}

export function gradientSwatch() {
  const s = document.createElement("span");
  s.className = "bp-swatch";
  s.style.background = `linear-gradient(90deg,${css(ORANGE)},${css(WHITE)},${css(BLUE)})`;
  return s;
}

export function button(label, role, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "bp-btn";
  b.dataset.role = role;
  setLabel(b, label);
  b.title = title;
  return b;
}

/**
 * A button's label with its icon hidden from the accessible name: "▶ Play" → an aria-hidden
 * "▶" and the words "Play" (so a screen reader, and a test, finds the button by its words).
 * A leading or trailing run of symbols separated by a space is the icon; a label that is only
 * symbols ("×") needs an aria-label of its own.  The element's text stays the label.
 */
export function setLabel(b, label) {
  const [icon, words, after] = splitIcon(label);
  if (b.dataset.label === label) return;
  b.dataset.label = label;
  if (!icon) { b.textContent = label; return; }
  const i = document.createElement("span");
  i.className = "bp-icon";
  i.setAttribute("aria-hidden", "true");
  i.textContent = icon;
  const w = document.createElement("span");
  w.textContent = words;
  if (after) b.replaceChildren(w, document.createTextNode(" "), i);
  else b.replaceChildren(i, document.createTextNode(" "), w);
}


const el = (tag, cls, role) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (role) e.dataset.role = role;
  return e;
};

// ---------- canvas --------------------------------------------------------------------------

/** Size a canvas to cssW × cssH CSS pixels (device pixels inside); its context, in CSS px. */
export function sizeCanvas(canvas, cssW, cssH) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssW * dpr)), h = Math.max(1, Math.round(cssH * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = cssW + "px";
    canvas.style.height = cssH + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Set an element's text only when it changes (each change makes the browser lay the page
 * out again, and the live view draws up to 60 frames a second). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Type small enough for `text` to fit in `room` pixels (a rotated title beside a short axis). */
export function fitFont(ctx, tx, text, px, room) {
  ctx.font = tx.font(px);
  const w = ctx.measureText(text).width;
  if (w > room) ctx.font = tx.font((px * room) / w);
}

/** An element's top on the page (px), as laid out: scrolling does not change it (the views
 * fit their height to the window from it: layout.js fitHeight). */
export function pageTop(el) {
  let y = 0;
  for (let e = el; e; e = e.offsetParent) y += e.offsetTop;
  return y;
}

// ---------- the skeleton --------------------------------------------------------------------

/** The list "?" shows: one row per binding (the Playground's keys, sent by the server), then
 * slow motion's (`slow`, under a title of their own). */
export function fillKeyList(box, bindings, slow = []) {
  const title = (text) => {
    const t = el("div", "bp-keylist-title");
    t.textContent = text;
    return t;
  };
  const rows = (list) => list.map((b) => {
    const row = document.createElement("div");
    const key = document.createElement("kbd");
    key.textContent = b.shown;
    const text = document.createElement("span");
    text.textContent = b.what;
    row.append(key, text);
    return row;
  });
  const slowPart = slow.length ? [title("While slow motion is on"), ...rows(slow)] : [];
  box.replaceChildren(title("Keys (not while typing in a box; Esc hides this list)"), ...rows(bindings), ...slowPart);
}

function card(cls, title, role) {
  const c = el("div", "bp-card " + cls);
  const t = el("div", "bp-title", role + "-title");
  t.textContent = title;
  const w = el("div", "bp-canvas-wrap");
  const cv = el("canvas", "", role);
  w.appendChild(cv);
  c.append(t, w);
  return { c, t, cv };
}

function buildChainCard() {
  const card = el("div", "bp-card bp-chain-card", "chain");
  card.style.display = "none";
  const head = el("div", "bp-chain-head");
  const title = el("div", "bp-title", "chain-title");
  const close = button("×", "chain-close", "Close the chain rule of this weight");
  close.setAttribute("aria-label", "Close the chain rule");
  close.classList.add("bp-chain-close");
  head.append(title, close);
  const body = el("div", "bp-chain-body", "chain-body");
  const edit = el("div", "bp-chain-edit");
  const label = el("label", "bp-chain-label");
  const input = el("input", "", "chain-value");
  Object.assign(input, { type: "number", step: "any", min: "-10000", max: "10000" });
  const set = button("Set", "set-weight", "Set this weight by hand: a, δ, D and the boundary change at once");
  const help = el("span", "bp-chain-help");
  help.textContent = "(a hand edit: a link to these settings cannot replay it)";
  edit.append(label, input, set, help);
  card.append(head, body, edit);
  return { card, title, close, body, label, input, set };
}

/** The live view's elements under `parent`; returns them by name. */
export function buildDom(parent) {
  const root = el("div", "bp-live");
  root.dataset.testid = "bp-live";
  const bar = el("div", "bp-toolbar");
  // titles without their keys: input.js adds the keys the server declares
  // a toggle: its name stays "Play" (the icon, hidden from the name, shows ▶ or ❚❚) and
  // aria-pressed says whether it plays (panels.js showPlaying)
  const play = button("▶ Play", "play", "Play / Pause");
  play.classList.add("bp-primary");
  play.setAttribute("aria-pressed", "false");
  const stepB = button("Step 1 mini-batch", "step-batch", "One gradient step");
  const stepE = button("Step 1 epoch", "step-epoch", "One pass over the training set");
  const reset = button("↺ Reset", "reset", "Back to epoch 0 with the same initial Θ");
  const keys = button("?", "keys", "Keyboard");
  keys.classList.add("bp-keys");
  keys.setAttribute("aria-label", "Keys"); // "?" alone says nothing to a screen reader
  keys.setAttribute("aria-expanded", "false");
  const conn = el("span", "bp-conn", "conn");
  // the class chooser for drawing points (classification of the plane only), the PNG
  const drawBox = el("span", "bp-draw", "draw");
  drawBox.style.display = "none";
  const png = button("PNG", "png", "Download the decision boundary and the network diagram as one PNG image");
  bar.append(play, stepB, stepE, reset, drawBox, png, keys, conn);
  // the run in words: the epoch as its own labelled element, and a polite status region
  // that changes only when the run's state does ("Epoch 300 · paused", a divergence, a
  // lesson's stop), not with every frame; the numbers follow in the status line
  const runLine = el("div", "bp-runline");
  const epoch = el("span", "bp-epoch", "epoch");
  epoch.setAttribute("role", "timer"); // a count that grows (timers are not announced)
  epoch.setAttribute("aria-label", "Epoch");
  const epochWord = el("span", "bp-epoch-word");
  epochWord.textContent = "Epoch ";
  epochWord.setAttribute("aria-hidden", "true"); // the label says it
  const epochValue = el("span", "bp-epoch-value", "epoch-value");
  epochValue.textContent = "0";
  epoch.append(epochWord, epochValue);
  const runState = el("span", "bp-runstate", "runstate");
  runState.setAttribute("role", "status");
  runState.setAttribute("aria-live", "polite");
  runState.setAttribute("aria-atomic", "true");
  runLine.append(epoch, runState);
  const status = el("div", "bp-status", "status");
  const notice = el("div", "bp-notice", "notice");
  const keyList = el("div", "bp-keylist", "keylist");
  keyList.hidden = true;
  root.append(bar, keyList, runLine, status, notice);
  const top = el("div", "bp-row bp-top");
  const bnd = card("bp-boundary-card", "Decision boundary", "boundary");
  const net = card("bp-net-card", "Network", "net");
  const legend = el("div", "bp-legend");
  const sharedBox = el("label", "bp-check");
  const sharedInput = el("input", "", "shared-scale");
  sharedInput.type = "checkbox";
  sharedBox.append(sharedInput, document.createTextNode(" one colour scale for all layers (shows vanishing gradients)"));
  // or pick the weight of the chain-rule panel by its indices (a dense diagram's edges are
  // hard to hit, and a big one draws only its strongest)
  const pick = el("div", "bp-pick");
  const pickLabel = document.createElement("span");
  pickLabel.append(T`chain rule of Θ<sup>(l)</sup><sub>j,k</sub>: click an edge, or l `);
  const pickInput = (role, min) => {
    const e = el("input", "", role);
    Object.assign(e, { type: "number", min: String(min), step: "1", value: String(min === 0 ? 0 : 1) });
    return e;
  };
  const pickL = pickInput("pick-l", 1), pickJ = pickInput("pick-j", 1), pickK = pickInput("pick-k", 0);
  const pickGo = button("Show", "pick-show", "Show the chain rule of this weight (k = 0 is the bias)");
  pick.append(pickLabel, pickL, document.createTextNode(" j "), pickJ, document.createTextNode(" k "), pickK, pickGo);
  net.c.append(sharedBox, pick, legend);
  top.append(bnd.c, net.c);
  const maps = card("bp-maps-card", "What each neuron computes", "maps");
  const bottom = el("div", "bp-row bp-bottom");
  const curves = card("bp-curves-card", "", "curves");
  const grads = card("bp-grads-card", "", "grads");
  curves.t.remove();
  grads.t.remove();
  bottom.append(curves.c, grads.c);
  const tip = el("div", "bp-tip");
  const chain = buildChainCard();
  root.append(top, chain.card, maps.c, bottom, tip);
  parent.appendChild(root);
  return {
    root, status, epoch, epochValue, runState, conn, play, stepB, stepE, reset, keys, keyList, sharedInput,
    boundary: bnd.cv, boundaryTitle: bnd.t, boundaryCard: bnd.c,
    net: net.cv, netTitle: net.t, netLegend: legend,
    maps: maps.cv, mapsTitle: maps.t, mapsCard: maps.c,
    curves: curves.cv, grads: grads.cv, tip,
    drawBox, png, notice, chain, pickL, pickJ, pickK, pickGo,
  };
}
