// The mechanism panels, wired: the toolbar's Loss landscape, Slow motion, Keep as ghost,
// Race optimizers and Clear buttons, their cards, and what each frame's `landscape`,
// `slowmo`, `ghosts` and `race` parts (lab_ui/live/compare.py) draw.  The drawing is
// landscape.js's, slowmo.js's and ghosts.js's; the arithmetic contours.js's and phases.js's.
//
// Its state lives on view.mech (declared in createMech, below), beside the view's own.

import { send } from "./channel.js";
import { edgeAt } from "./diagram.js";
import { button } from "./dom.js";
import { drawCompare, drawOutlines } from "./ghosts.js";
import { ACTIONS } from "./input.js";
import { drawLandscape, landscapeCaption } from "./landscape.js";
import { notice } from "./panels.js";
import { SLOW_ACTIONS, receiveSlowmo, slowKey, stopSlowmo } from "./slowmo.js";

/** The mechanism panels' state: every field with its default. */
export function createMech() {
  return {
    dom: null, // the elements (buildMech)
    landscapeOpen: false, // the landscape panel is open (the server sends its part)
    picks: [], // the last edges clicked while it is open, [l, j, k] each (two make a pair)
    landscape: null, // the last landscape part
    drawnLandscape: 0, // its id as drawn
    slow: null, // slow motion while on: {part, clock, shown, stepped} (slowmo.js)
    slowStarted: null, // the slow-motion part last started (a frame drawn again: not again)
    ghosts: [], // the kept runs (the last ghosts part)
    race: null, // the race's last part, or null
  };
}

const el = (tag, cls, role) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (role) e.dataset.role = role;
  return e;
};

function card(title, role) {
  const c = el("div", "bp-card bp-mech-card", role + "-card");
  const t = el("div", "bp-title", role + "-title");
  t.textContent = title;
  const w = el("div", "bp-canvas-wrap");
  const cv = el("canvas", "", role);
  w.appendChild(cv);
  const cap = el("div", "bp-mech-caption", role + "-caption");
  c.append(t, w, cap);
  c.style.display = "none";
  return { c, t, cv, cap };
}

function buildMech(view) {
  const d = view.dom;
  const bar = d.root.querySelector(".bp-toolbar");
  const group = el("span", "bp-mech-buttons");
  const landscapeB = button("Loss landscape", "landscape-toggle", "J over two weights around the current Θ, with the path and −D (click two edges to choose them)");
  const slowB = button("Slow motion", "slowmo", "One training step, phase by phase, with its equations");
  const ghostB = button("Keep as ghost", "ghost-keep", "Keep this run's curves and boundary, faded, while a changed run trains");
  const raceB = button("Race optimizers", "race", "Train the other optimizers from the same Θ, side by side");
  const clearB = button("Clear ghosts", "ghost-clear", "Drop the ghosts and stop the race");
  group.append(landscapeB, slowB, ghostB, raceB, clearB);
  bar.insertBefore(group, d.png);
  // the cards, below the boundary and the diagram
  const land = card("Loss landscape of two weights", "landscape");
  const compare = card("Compare runs", "compare");
  const slowCard = el("div", "bp-card bp-slow-card", "slowmo-card");
  slowCard.style.display = "none";
  const slowTitle = el("div", "bp-title", "slowmo-title");
  const slowEq = el("div", "bp-slow-eq", "slowmo-eq");
  const slowNums = el("div", "bp-slow-nums", "slowmo-nums");
  const slowText = el("div", "bp-slow-text", "slowmo-text");
  const slowBar = el("div", "bp-slow-bar");
  // titles with their keys when slow motion starts (slowmo.js, from the server's bindings)
  const slowPrev = button("◀ Phase", "slowmo-prev", "Previous phase");
  const slowPause = button("❚❚ Pause", "slowmo-pause", "Pause or go on");
  const slowNext = button("Phase ▶", "slowmo-next", "Next phase");
  const slowEnd = button("✕ End", "slowmo-end", "End slow motion");
  slowBar.append(slowPrev, slowPause, slowNext, slowEnd);
  slowCard.append(slowTitle, slowEq, slowNums, slowText, slowBar);
  const top = d.root.querySelector(".bp-top");
  top.before(slowCard); // above the diagram it lights, so both are seen at once
  top.after(land.c, compare.c);
  // the overlay above the diagram that slow motion lights
  const wrap = d.net.parentElement;
  wrap.style.position = "relative";
  const overlay = el("canvas", "bp-slow-overlay", "slowmo-overlay");
  Object.assign(overlay.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
  wrap.appendChild(overlay);
  return {
    landscapeB, slowB, ghostB, raceB, clearB, land, compare, overlay,
    slowCard, slowTitle, slowEq, slowNums, slowText, slowPrev, slowPause, slowNext, slowEnd,
  };
}

function toggleLandscape(view) {
  const m = view.mech;
  m.landscapeOpen = !m.landscapeOpen;
  m.picks = [];
  m.dom.landscapeB.classList.toggle("bp-on", m.landscapeOpen);
  m.dom.land.c.style.display = m.landscapeOpen ? "" : "none";
  if (!m.landscapeOpen) { m.landscape = null; m.drawnLandscape = 0; }
  view.dom.root.dataset.landscape = m.landscapeOpen ? "open" : "";
  send(view, { t: "landscape", open: m.landscapeOpen });
}

function startSlowmo(view) {
  stopSlowmo(view);
  send(view, { t: "slowmo" });
}

/** Wire the panels; returns what undoes it. */
export function attachMechanism(view) {
  view.mech = createMech();
  const m = view.mech, d = (m.dom = buildMech(view));
  ACTIONS.slowmo = startSlowmo; // the key the server declares (keys_ui.PLAYGROUND_KEYS)
  ACTIONS.landscape = toggleLandscape;
  d.landscapeB.addEventListener("click", () => toggleLandscape(view));
  d.slowB.addEventListener("click", () => startSlowmo(view));
  d.ghostB.addEventListener("click", () => send(view, { t: "ghost", op: "keep" }));
  d.raceB.addEventListener("click", () => send(view, { t: "race", op: m.race ? "stop" : "start" }));
  d.clearB.addEventListener("click", () => send(view, { t: "ghost", op: "clear" }));
  d.slowPrev.addEventListener("click", () => SLOW_ACTIONS.prev(view));
  d.slowNext.addEventListener("click", () => SLOW_ACTIONS.next(view));
  d.slowPause.addEventListener("click", () => SLOW_ACTIONS.pause(view));
  d.slowEnd.addEventListener("click", () => SLOW_ACTIONS.end(view));
  // while the landscape is open, the last two edges clicked are its weights
  view.dom.net.addEventListener("click", (ev) => {
    if (!m.landscapeOpen) return;
    const r = view.dom.net.getBoundingClientRect();
    const w = edgeAt(view, ev.clientX - r.left, ev.clientY - r.top);
    if (!w) return;
    m.picks = [...m.picks, w].slice(-2);
    if (m.picks.length === 2 && m.picks[0].join() !== m.picks[1].join()) {
      send(view, { t: "landscape", open: true, w: m.picks });
      m.picks = [];
    } else notice(view, "Landscape: click a second edge for the other weight.");
  });
  // slow motion's keys come first while it is on (a capturing listener)
  const onKey = (ev) => {
    if (!view.dom.root.isConnected || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) return;
    if (slowKey(view, ev)) { ev.preventDefault(); ev.stopPropagation(); }
  };
  document.addEventListener("keydown", onKey, true);
  return () => document.removeEventListener("keydown", onKey, true);
}

/** Draw frame f's mechanism parts (after the boundary, the diagram and the curves). */
export function drawMechanism(view, f) {
  const m = view.mech, d = m.dom;
  if (!m || !d) return;
  if (f.landscape && m.landscapeOpen) m.landscape = f.landscape;
  if (m.landscape && m.landscapeOpen && (m.landscape.id !== m.drawnLandscape || !d.land.cv.width)) {
    drawLandscape(view, d.land.cv, m.landscape);
    d.land.cap.textContent = landscapeCaption(m.landscape);
    m.drawnLandscape = m.landscape.id;
    view.dom.root.dataset.landscapeId = String(m.landscape.id || "");
  }
  receiveSlowmo(view, f);
  if (f.ghosts) m.ghosts = f.ghosts.runs || [];
  if (f.race !== undefined) m.race = f.race;
  d.raceB.textContent = m.race ? "Stop race" : "Race optimizers";
  d.raceB.classList.toggle("bp-on", Boolean(m.race));
  const comparing = m.ghosts.length > 0 || Boolean(m.race);
  d.compare.c.style.display = comparing ? "" : "none";
  view.dom.root.dataset.ghosts = String(m.ghosts.length);
  view.dom.root.dataset.racers = m.race ? String(m.race.runs.length) : "0";
  if (comparing) {
    const series = drawCompare(view, d.compare.cv, f.history || view.state.history, m.ghosts, m.race);
    d.compare.cap.textContent = series.map((s) => s.label).join(" · ");
    d.compare.t.textContent = m.race ? "Race of optimizers from the same Θ" + (m.ghosts.length ? ", with ghosts" : "") : "Compare runs: ghosts of earlier runs (faded, dashed)";
  }
  drawOutlines(view, m.ghosts);
}
