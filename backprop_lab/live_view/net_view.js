// The network diagram alone and still: the Step-through page's picture of what one step
// touches (lab_ui/live/net_view.py, component "backprop-lab.net_view").  It is the live
// view's own diagram: diagram.js drawNet, from the same net part (lab_ui/live/frames.py
// net_part), with the step's marks (lit.js) — no socket and no frames, only the component's
// data {net, lit, scale, presenter}.
//
// The root carries data-painted (pictures drawn), data-mode (forward / backward) and
// data-lit ("read 1 · written 2 · edges 1"): what the browser tests read.

import { drawNet, netTooltip } from "./diagram.js";
import { T, coloured } from "./dom.js";
import { windowScale } from "./layout.js";
import { LIT_RGB } from "./lit.js";
import { createState } from "./state.js";

const el = (tag, cls) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
};

function buildDom(parent) {
  const root = el("div", "bp-still"); // not .bp-live: live_view.css says why
  root.dataset.testid = "bp-net-view";
  const card = el("div", "bp-card");
  const title = el("div", "bp-title");
  const wrap = el("div", "bp-canvas-wrap");
  const net = el("canvas");
  net.setAttribute("role", "img");
  wrap.appendChild(net);
  const legend = el("div", "bp-legend");
  const litLegend = el("div", "bp-legend");
  card.append(title, wrap, legend, litLegend);
  const tip = el("div", "bp-tip");
  root.append(card, tip);
  parent.appendChild(root);
  return { root, net, netTitle: title, netLegend: legend, litLegend, tip };
}

const who = (layers) => (layers && layers.length ? layers.join(", ") : "—");

// The marks in words, under the diagram's own legend (and as the canvas's accessible name).
function litWords(view, lit) {
  const d = view.dom;
  const band = lit.backward ? "D / Θ" : "Θ";
  const parts = [];
  const has = (list) => Array.isArray(list) && list.length > 0;
  if (has(lit.written)) parts.push(T`${coloured("◯", LIT_RGB.written)} computes layer ${who(lit.written)}`);
  if (has(lit.read)) parts.push(T`${coloured("◯", LIT_RGB.read)} reads layer ${who(lit.read)}`);
  if (has(lit.edges)) {
    const bias = lit.bias === false ? " (not the bias unit's connections)" : "";
    parts.push(T`${coloured("▭", lit.backward ? LIT_RGB.backward : LIT_RGB.forward)} uses ${band}⁽ˡ⁾ for l = ${who(lit.edges)}${bias}`);
  }
  const line = T`this step: `;
  parts.forEach((p, i) => line.append(...(i ? [" · "] : []), p));
  d.litLegend.replaceChildren(line);
  d.net.setAttribute("aria-label", `Network diagram: this step computes layer ${who(lit.written)}, reads layer ${who(lit.read)} and uses ${band} of layer ${who(lit.edges)}`);
  d.root.dataset.lit = `read ${who(lit.read)} · written ${who(lit.written)} · edges ${who(lit.edges)}`;
}

function draw(view) {
  const { net, lit } = view.data;
  if (!net) return;
  view.state.fontScale = windowScale(view.state.baseScale, view.state.presenter, window.innerHeight);
  drawNet(view, { net, lit: lit || null, view: {} });
  litWords(view, lit || {});
  view.dom.root.dataset.mode = net.mode;
  view.dom.root.dataset.painted = String(++view.painted);
}

function attachTip(view) {
  const { net: canvas, tip, root } = view.dom;
  canvas.addEventListener("mousemove", (ev) => {
    const r = canvas.getBoundingClientRect();
    const content = view.state.hits.net ? netTooltip(view, ev.clientX - r.left, ev.clientY - r.top) : null;
    if (!content) { tip.style.display = "none"; return; }
    tip.replaceChildren(content);
    tip.style.display = "block";
    const rr = root.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - rr.left + 14, rr.width - 260) + "px";
    tip.style.top = ev.clientY - rr.top + 14 + "px";
  });
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
}

function parseData(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(data));
  if (typeof data === "string") return JSON.parse(data);
  return data || {};
}

const views = new WeakMap(); // host element → its view (kept across Streamlit re-renders)

function mount(parentElement) {
  // still: no chain-rule panel to open from an edge (diagram.js netTooltip)
  const view = { state: createState(), dom: buildDom(parentElement), data: {}, painted: 0, still: true };
  attachTip(view);
  let width = 0;
  const redraw = () => {
    const w = view.dom.root.clientWidth;
    if (w !== width) { width = w; draw(view); }
  };
  const sized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(redraw);
  if (sized) sized.observe(view.dom.root);
  view.detach = () => sized && sized.disconnect();
  return view;
}

export default function (component) {
  const { parentElement } = component;
  let view = views.get(parentElement);
  if (!view || !view.dom.root.isConnected) {
    view = mount(parentElement);
    views.set(parentElement, view);
  }
  view.data = parseData(component.data);
  const s = view.state;
  s.baseScale = Number(view.data.scale) > 0 ? Math.min(3, Number(view.data.scale)) : 1;
  s.presenter = Boolean(view.data.presenter);
  view.dom.root.classList.toggle("bp-presenter", s.presenter); // larger words (live_view.css)
  try {
    draw(view);
    view.dom.root.dataset.error = "";
  } catch (err) {
    view.dom.root.dataset.error = String(err);
    console.error(err);
  }
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected && view.dom.root.isConnected) return;
      view.detach();
      view.dom.root.remove();
      if (views.get(parentElement) === view) views.delete(parentElement);
    }, 0);
  };
}
