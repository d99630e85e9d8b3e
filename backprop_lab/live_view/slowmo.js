// Slow motion: one training step on the diagram, phase by phase.  The server sends the
// phases once (the frame's `slowmo` part: Step through's equations with the numbers of the
// example in focus, lab_ui/live/slowmo.py); this module shows one at a time, about PHASE_MS
// each, lighting on an overlay canvas above the diagram the layers a phase writes and the
// Θ^(l) it uses (left to right forward, right to left backward), and shows its equation.
// When the update phase starts, the real step is asked for (an ordinary step command).
// While it is on, its keys (declared by the server: keys_ui.SLOWMO_KEYS, in
// view.state.slowBindings) pause, step phase by phase and end it: SLOW_ACTIONS does each
// action, its card's buttons too.  The timing is phases.js's, pure.

import { send } from "./channel.js";
import { setLabel, sizeCanvas } from "./dom.js";
import { actionOf } from "./input.js";
import { layoutNet, netHeight, nodeY, textSize } from "./layout.js";
import { PHASE_MS, elapsed, newClock, pauseClock, phaseAt, phaseLights, phaseStart, seekClock } from "./phases.js";

/** Slow motion's state, kept on view.mech.slow (null while it is off). */
function start(view, part) {
  const m = view.mech;
  m.slow = { part, clock: newClock(performance.now()), shown: -1, stepped: false };
  showSlowKeys(view);
  m.dom.slowCard.style.display = "";
  view.dom.root.dataset.slowmo = "on";
  tick(view);
}

export function stopSlowmo(view) {
  const m = view.mech;
  if (!m.slow) return;
  m.slow = null;
  m.dom.slowCard.style.display = "none";
  const o = m.dom.overlay;
  o.getContext("2d").clearRect(0, 0, o.width, o.height);
  view.dom.root.dataset.slowmo = "";
  view.dom.root.dataset.phase = "";
}

/** A frame's slow-motion part (if any) starts a run, once: the same frame drawn again (a
 * new text size, the window refitted) does not start it over. */
export function receiveSlowmo(view, f) {
  const part = f.slowmo;
  if (!part || !part.phases || !part.phases.length || view.mech.slowStarted === part) return;
  view.mech.slowStarted = part;
  start(view, part);
}

export function pauseSlowmo(view, paused = null) {
  const s = view.mech.slow;
  if (!s) return;
  const now = performance.now();
  pauseClock(s.clock, now, paused === null ? s.clock.pausedAt === null : paused);
  tick(view);
}

/** Go `by` phases forward or back, and hold there (paused). */
export function stepPhase(view, by) {
  const s = view.mech.slow;
  if (!s) return;
  const n = s.part.phases.length, now = performance.now();
  const cur = phaseAt(elapsed(s.clock, now), n).index;
  pauseClock(s.clock, now, true);
  seekClock(s.clock, now, phaseStart(cur + by, n) + 1);
  tick(view);
}

function showPhase(view, k) {
  const s = view.mech.slow, d = view.mech.dom, ph = s.part.phases[k], n = s.part.phases.length;
  d.slowTitle.textContent = `Slow motion · phase ${k + 1} of ${n} (${ph.kind}) · example i = ${s.part.example}:  ${ph.title}`;
  // Step through's equation of this step: in the course's symbols, then with the numbers of
  // the example in focus (lab_ui/live/slowmo.py writes both as plain text)
  const line = (text, cls) => {
    const e = document.createElement("div");
    e.className = cls;
    e.textContent = text;
    return e;
  };
  d.slowEq.replaceChildren(line(ph.equation || ph.title, "bp-slowmo-symbolic"), line(ph.numeric || "", "bp-slowmo-numeric"));
  d.slowNums.replaceChildren(...ph.numbers.map((line) => {
    const e = document.createElement("div");
    e.textContent = line;
    return e;
  }));
  d.slowText.textContent = ph.explanation + (ph.kind === "update" ? " " + s.part.note : "");
  view.dom.root.dataset.phase = String(k + 1);
  view.dom.root.dataset.phaseTitle = ph.title;
}

function drawOverlay(view, ph, progress) {
  const f = view.state.drawn, o = view.mech.dom.overlay, canvas = view.dom.net;
  if (!f || !f.net) return;
  const W = canvas.parentElement.clientWidth || 600;
  const H = netHeight(f.net.sizes, view.state.fontScale);
  const ctx = sizeCanvas(o, W, H);
  ctx.clearRect(0, 0, W, H);
  const geo = layoutNet(f.net, W, H, view.state.fontScale);
  const tx = textSize(view.state.fontScale);
  const lights = phaseLights(ph);
  const L = f.net.sizes.length;
  // the Θ^(l) it uses: a bright front travelling along the edges (forward: l → l + 1)
  for (const l of lights.edges) {
    if (l < 1 || l >= L) continue;
    const a = geo.cols[l - 1], b = geo.cols[l];
    const t = lights.backward ? 1 - progress : progress;
    ctx.strokeStyle = ph.kind === "update" ? "rgba(142, 68, 173, 0.55)" : "rgba(241, 196, 15, 0.75)";
    ctx.lineWidth = tx.px(3);
    ctx.beginPath();
    for (let j = 1; j <= f.net.sizes[l]; j++) {
      for (let k = a.withBias ? 0 : 1; k <= f.net.sizes[l - 1]; k++) {
        const x1 = a.x, y1 = nodeY(a, k), x2 = b.x, y2 = nodeY(b, j);
        const [sx, sy] = lights.backward ? [x2, y2] : [x1, y1];
        const ex = x1 + (x2 - x1) * t, ey = y1 + (y2 - y1) * t;
        ctx.moveTo(sx, sy); ctx.lineTo(ex, ey);
      }
    }
    ctx.stroke();
  }
  // the layers it writes: a ring around each unit, growing in as the phase goes
  for (const l of lights.nodes) {
    if (l < 1 || l > L) continue;
    const col = geo.cols[l - 1];
    ctx.strokeStyle = ph.kind === "forward" ? "rgba(230, 126, 34, 0.95)" : "rgba(192, 57, 43, 0.95)";
    ctx.lineWidth = tx.px(3);
    for (let u = 1; u <= f.net.sizes[l - 1]; u++) {
      ctx.beginPath();
      ctx.arc(col.x, nodeY(col, u), geo.r + tx.px(3) + tx.px(3) * Math.min(1, progress * 2), 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.font = tx.font(14, true);
  ctx.fillStyle = "#5b2c6f";
  ctx.textAlign = "left";
  ctx.fillText(ph.title, tx.px(8), H - tx.px(8));
}

function tick(view) {
  const s = view.mech.slow;
  if (!s) return;
  const n = s.part.phases.length;
  const { index, progress, done } = phaseAt(elapsed(s.clock, performance.now()), n);
  if (index !== s.shown) { s.shown = index; showPhase(view, index); }
  const ph = s.part.phases[index];
  if (ph.kind === "update" && !s.stepped) {
    s.stepped = true; // the real step, once: the next frame shows the new Θ
    send(view, { t: "step", n: "batch" });
  }
  drawOverlay(view, ph, progress);
  setLabel(view.mech.dom.slowPause, s.clock.pausedAt === null ? "❚❚ Pause" : "▶ Go on");
  view.dom.root.dataset.slowPaused = s.clock.pausedAt === null ? "" : "1";
  if (!done && s.clock.pausedAt === null) requestAnimationFrame(() => tick(view));
}

/** Slow motion's action name (as keys_ui.SLOWMO_KEYS spells it) → what it does. */
export const SLOW_ACTIONS = {
  pause: (view) => pauseSlowmo(view),
  next: (view) => stepPhase(view, 1),
  prev: (view) => stepPhase(view, -1),
  end: (view) => stopSlowmo(view),
};

/** The card's buttons' titles, with the keys the server declares for their actions. */
function showSlowKeys(view) {
  const d = view.mech.dom, bindings = view.state.slowBindings;
  const keys = (action) => {
    const b = bindings.find((x) => x.action === action);
    return b ? ` (${b.shown})` : "";
  };
  d.slowPrev.title = "Previous phase" + keys("prev");
  d.slowPause.title = "Pause or go on" + keys("pause");
  d.slowNext.title = "Next phase" + keys("next");
  d.slowEnd.title = "End slow motion" + keys("end");
}

/** Keys while slow motion is on (a capturing listener: they are not the Playground's then);
 * true if the key was slow motion's.  A named key answers with Shift held too. */
export function slowKey(view, ev) {
  if (!view.mech.slow) return false;
  const action = actionOf(view.state.slowBindings, ev, true);
  if (!Object.hasOwn(SLOW_ACTIONS, action ?? "")) return false;
  SLOW_ACTIONS[action](view);
  return true;
}

export { PHASE_MS };
