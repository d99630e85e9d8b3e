// Compare runs: ghosts (kept runs: their J and metric curves, faded and labelled, and their
// decision boundary as an outline on the plane) and a race of optimizers from the same Θ
// (their curves on one chart).  The server sends the ghosts when they change and the race's
// curves every few frames (lab_ui/live/compare.py); this module draws them.

import { classEdges, contourSegments } from "./contours.js";
import { sizeCanvas } from "./dom.js";
import { b64bytes } from "./frame.js";
import { fmt, niceTicks, tickText } from "./format.js";
import { textSize } from "./layout.js";

export const GHOST_COLOURS = ["#7f8c8d", "#a569bd", "#5dade2", "#af601a"];
export const RACE_COLOURS = ["#c0392b", "#16a085", "#8e44ad", "#d68910"];

/** The series of the compare chart: this run, each ghost (faded), each racer. */
export function compareSeries(history, ghosts, race) {
  const series = [];
  if (race && race.runs && race.runs.length) {
    race.runs.forEach((r, i) => series.push({
      label: r.label + (r.diverged ? " (diverged)" : ""), epoch: r.epoch, J: r.J, metric: r.metric,
      colour: r.current ? "#1f3b73" : RACE_COLOURS[i % RACE_COLOURS.length], alpha: 1, width: 2.2,
    }));
  } else if (history) {
    series.push({ label: "this run", epoch: history.epoch, J: history.J_train, metric: history.metric_train, colour: "#1f3b73", alpha: 1, width: 2.2 });
  }
  (ghosts || []).forEach((g, i) => series.push({
    label: g.label, epoch: g.epoch, J: g.J, metric: g.metric,
    colour: GHOST_COLOURS[i % GHOST_COLOURS.length], alpha: 0.5, width: 2, dash: true, ghost: true,
  }));
  return series;
}

function panel(ctx, tx, box, series, key, title, log) {
  const { x, y, w, h } = box;
  let x1 = 1, lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.epoch.length; i++) {
      const v = s[key][i];
      if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
      x1 = Math.max(x1, s.epoch[i]);
      lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) { lo = 0; hi = 1; }
  if (!log) lo = Math.min(lo, 0);
  if (hi === lo) hi = lo + 1;
  const f = (v) => (log ? Math.log10(v) : v);
  const X = (e) => x + (e / x1) * w;
  const Y = (v) => y + h - ((f(v) - f(lo)) / (f(hi) - f(lo))) * h;
  ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(x, y, w, h);
  ctx.fillStyle = "#555"; ctx.font = tx.font(11); ctx.textAlign = "center";
  for (const t of niceTicks(0, x1, 4, 1)) ctx.fillText(tickText(t, false), X(t), y + h + tx.px(14));
  ctx.fillText("epoch", x + w / 2, y + h + tx.px(28));
  ctx.textAlign = "right";
  const ticks = log ? [lo, hi] : niceTicks(lo, hi, 4);
  for (const t of ticks) if (t >= lo && t <= hi) ctx.fillText(fmt(t), x - tx.px(4), Y(t) + tx.px(4));
  ctx.textAlign = "left"; ctx.font = tx.font(12, true); ctx.fillStyle = "#222";
  ctx.fillText(title, x, y - tx.px(6));
  ctx.save(); ctx.beginPath(); ctx.rect(x, y, w, h); ctx.clip();
  for (const s of [...series.filter((x) => x.ghost), ...series.filter((x) => !x.ghost)]) { // ghosts under
    ctx.globalAlpha = s.alpha;
    ctx.strokeStyle = s.colour; ctx.lineWidth = tx.px(s.width);
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.epoch.length; i++) {
      const v = s[key][i];
      if (v === null || !Number.isFinite(v) || (log && v <= 0)) { pen = false; continue; }
      if (pen) ctx.lineTo(X(s.epoch[i]), Y(v)); else { ctx.moveTo(X(s.epoch[i]), Y(v)); pen = true; }
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.globalAlpha = 1; ctx.setLineDash([]);
}

/** The compare chart: J (left) and the metric (right) of this run, the ghosts and the racers. */
export function drawCompare(view, canvas, history, ghosts, race) {
  const tx = textSize(view.state.fontScale);
  const series = compareSeries(history, ghosts, race);
  const W = canvas.parentElement.clientWidth || 700;
  const legendH = tx.px(18) * series.length;
  const H = tx.px(230) + legendH;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const gap = tx.px(70), left = tx.px(58), top = tx.px(26);
  const pw = (W - left - gap - tx.px(16)) / 2, ph = tx.px(160);
  const metric = (history && history.metric_name) || (ghosts && ghosts[0] && ghosts[0].metric_name) || "metric";
  panel(ctx, tx, { x: left, y: top, w: pw, h: ph }, series, "J", "Cost J(Θ) per epoch", false);
  panel(ctx, tx, { x: left + pw + gap, y: top, w: pw, h: ph }, series, "metric", `${metric} (training set) per epoch`, false);
  // the legend: every run labelled (ghosts faded and dashed, as drawn)
  ctx.font = tx.font(12); ctx.textAlign = "left";
  series.forEach((s, i) => {
    const ly = top + ph + tx.px(46) + i * tx.px(18);
    ctx.globalAlpha = s.alpha; ctx.strokeStyle = s.colour; ctx.lineWidth = tx.px(2.5);
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath(); ctx.moveTo(left, ly - tx.px(4)); ctx.lineTo(left + tx.px(26), ly - tx.px(4)); ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
    ctx.fillStyle = s.ghost ? "#555" : "#222";
    ctx.fillText(s.label, left + tx.px(32), ly);
  });
  return series;
}

/** Each ghost's decision boundary as a faded dashed outline on the plane (geometry g). */
export function drawOutlines(view, ghosts) {
  const g = view.state.hits.boundary;
  if (!g || !ghosts || !ghosts.length) return;
  const ctx = view.dom.boundary.getContext("2d");
  const tx = textSize(view.state.fontScale);
  ctx.save();
  ctx.beginPath(); ctx.rect(g.m.l, g.m.t, g.side, g.side); ctx.clip();
  ghosts.forEach((gh, i) => {
    const b = gh.outline;
    if (!b) return;
    const px = (j) => g.X(b.x[0] + (j * (b.x[1] - b.x[0])) / (b.nx - 1));
    const py = (r) => g.Y(b.y[0] + (r * (b.y[1] - b.y[0])) / (b.ny - 1));
    let segs;
    if (b.kind === "multiclass" && b.cls) segs = classEdges(b64bytes(b.cls), b.nx, b.ny);
    else {
      const q = b64bytes(b.q), vals = new Float64Array(q.length);
      for (let k = 0; k < q.length; k++) vals[k] = b.lo + (q[k] / 255) * (b.hi - b.lo);
      segs = contourSegments(vals, b.nx, b.ny, b.mid);
    }
    ctx.strokeStyle = GHOST_COLOURS[i % GHOST_COLOURS.length];
    ctx.globalAlpha = 0.85; ctx.lineWidth = tx.px(2.5); ctx.setLineDash([6, 4]);
    ctx.beginPath();
    for (const [x1, y1, x2, y2] of segs) { ctx.moveTo(px(x1), py(y1)); ctx.lineTo(px(x2), py(y2)); }
    ctx.stroke();
    if (segs.length) { // its label beside the outline's first piece
      ctx.globalAlpha = 1; ctx.font = tx.font(11, true); ctx.fillStyle = ctx.strokeStyle;
      const label = `ghost ${i + 1}`, lw = ctx.measureText(label).width;
      const mid = segs[segs.length >> 1]; // beside the outline's middle piece, inside the plot
      const lx = Math.min(g.m.l + g.side - lw - tx.px(4), Math.max(g.m.l + tx.px(4), px(mid[0]) + tx.px(4)));
      const ly = Math.min(g.m.t + g.side - tx.px(4), Math.max(g.m.t + tx.px(14), py(mid[1]) - tx.px(6)));
      ctx.fillText(label, lx, ly);
    }
  });
  ctx.restore();
}
