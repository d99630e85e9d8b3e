// The curves (canvas): cost J and the metric per epoch, and the gradient size ‖D^(l)‖ per
// layer.  They change every frame while playing; Plotly.react on them cost 30–90 ms of main
// thread per redraw, so they are small canvas charts: axes, ticks, legend, and a hover
// read-out of every curve at the nearest recorded epoch.

import { LAYER_COLORS } from "./colour.js";
import { T, fitFont, pageTop, sizeCanvas, swatch } from "./dom.js";
import { fmt, niceTicks, sup, tickText } from "./format.js";
import { CHART_MIN_H, chartAxis, fitHeight, textSize, wrapRows } from "./layout.js";
import { setHits } from "./state.js";

/**
 * One chart on `canvas` (its role names its hits: "curves" or "grads").  spec: {title, x:
 * epochs, left: axis, right: axis or absent, series: [{name, y, color, width, dash, axis}]};
 * an axis is {label, log, zero, range, ticks, fmt}.
 */
function curveChart(view, canvas, spec) {
  const tx = textSize(view.state.fontScale);
  const W = canvas.parentElement.clientWidth || 500;
  // the legend wraps onto as many rows as it needs (ten layers' ‖D‖ need two or three)
  const probe = canvas.getContext("2d");
  probe.font = tx.font(11);
  const rows = wrapRows(spec.series, (sr) => probe.measureText(sr.name).width + tx.px(30), W - 4, tx.px(58));
  let H = 250 + 100 * (tx.scale - 1) + tx.px(16) * (rows.length - 1);
  // presenter mode: the J chart sits beside the boundary and the diagram and fits the window
  if (view.fit && canvas === view.dom.curves && view.state.presenter) {
    H = fitHeight(H, pageTop(canvas.parentElement), window.innerHeight, CHART_MIN_H);
  }
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const m = { l: tx.px(58), r: spec.right ? tx.px(50) : 12, t: tx.px(24), b: tx.px(58 + 16 * (rows.length - 1)) };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const xs = spec.x;
  const x0 = 0, x1 = Math.max(1, xs.length ? xs[xs.length - 1] : 1);
  const X = (v) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const axes = {};
  for (const side of ["left", "right"]) {
    const ax = side === "left" ? spec.left : spec.right;
    if (ax) axes[side] = { ...chartAxis(spec.series, side, ax, m.t, ph), ax };
  }
  // grid and ticks
  ctx.font = tx.font(11);
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.fillStyle = "#555";
  if (axes.left) {
    ctx.textAlign = "right";
    for (const t of axes.left.ticks) {
      const y = axes.left.tr(t);
      if (y < m.t - 1 || y > m.t + ph + 1) continue;
      ctx.beginPath(); ctx.moveTo(m.l, y); ctx.lineTo(m.l + pw, y); ctx.stroke();
      ctx.fillText(tickText(t, axes.left.ax.log), m.l - 4, y + tx.px(4));
    }
  }
  if (axes.right) {
    ctx.textAlign = "left";
    for (const t of axes.right.ticks) {
      const y = axes.right.tr(t);
      ctx.fillText(axes.right.ax.fmt ? axes.right.ax.fmt(t) : tickText(t, false), m.l + pw + 4, y + tx.px(4));
    }
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 5, 1)) { // epochs are whole numbers
    const x = X(t);
    ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, m.t + ph); ctx.stroke();
    ctx.fillText(tickText(t, false), x, m.t + ph + tx.px(14));
  }
  ctx.strokeStyle = "#888";
  ctx.strokeRect(m.l, m.t, pw, ph);
  // titles
  ctx.fillStyle = "#222";
  ctx.font = tx.font(12, true);
  ctx.textAlign = "left";
  ctx.fillText(spec.title, 6, tx.px(14));
  ctx.font = tx.font(11);
  ctx.textAlign = "center";
  ctx.fillText("epoch", m.l + pw / 2, m.t + ph + tx.px(28));
  ctx.save(); ctx.translate(tx.px(12), m.t + ph / 2); ctx.rotate(-Math.PI / 2);
  fitFont(ctx, tx, spec.left.label, 11, ph); ctx.fillText(spec.left.label, 0, 0); ctx.restore();
  if (spec.right) {
    ctx.save(); ctx.translate(W - tx.px(8), m.t + ph / 2); ctx.rotate(Math.PI / 2);
    fitFont(ctx, tx, spec.right.label, 11, ph); ctx.fillText(spec.right.label, 0, 0); ctx.restore();
  }
  // curves
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t, pw, ph); ctx.clip();
  for (const sr of spec.series) {
    const a = axes[sr.axis || "left"];
    if (!a) continue;
    ctx.strokeStyle = sr.color; ctx.lineWidth = sr.width || 1.6;
    ctx.setLineDash(sr.dash ? [4, 3] : []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      const v = sr.y[i];
      if (v === null || !Number.isFinite(v) || (a.ax.log && v <= 0)) { pen = false; continue; }
      const px = X(xs[i]), py = a.tr(v);
      if (pen) ctx.lineTo(px, py); else { ctx.moveTo(px, py); pen = true; }
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
  // time travel: the whole history stays drawn, the epoch shown is marked on it
  if (spec.now !== undefined && xs.length && spec.now < xs[xs.length - 1]) {
    const x = X(spec.now);
    ctx.strokeStyle = "#c0392b";
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, m.t + ph); ctx.stroke();
    ctx.fillStyle = "#c0392b";
    ctx.font = tx.font(11, true);
    ctx.textAlign = x > m.l + pw - tx.px(70) ? "right" : "left";
    ctx.fillText(`epoch ${spec.now}`, x + (ctx.textAlign === "left" ? 4 : -4), m.t + tx.px(12));
  }
  canvas.dataset.now = spec.now !== undefined && xs.length && spec.now < xs[xs.length - 1] ? String(spec.now) : "";
  canvas.dataset.lastEpoch = xs.length ? String(xs[xs.length - 1]) : "";
  // legend
  ctx.textAlign = "left";
  rows.forEach((row, r) => {
    let lx = m.l;
    const ly = H - tx.px(12) - tx.px(16) * (rows.length - 1 - r);
    for (const sr of row) {
      ctx.strokeStyle = sr.color; ctx.lineWidth = 2; ctx.setLineDash(sr.dash ? [4, 3] : []);
      ctx.beginPath(); ctx.moveTo(lx, ly - tx.px(4)); ctx.lineTo(lx + tx.px(18), ly - tx.px(4)); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#333";
      ctx.fillText(sr.name, lx + tx.px(22), ly);
      lx += ctx.measureText(sr.name).width + tx.px(30);
    }
  });
  setHits(view.state, canvas.dataset.role, { spec, X, m, pw, ph, xs });
}

/** The read-out of every curve at the recorded epoch nearest the pointer. */
export function chartTooltip(view, px, py, role) {
  const c = view.state.hits[role];
  if (!c || !c.xs.length || px < c.m.l || px > c.m.l + c.pw || py < c.m.t || py > c.m.t + c.ph) return null;
  let best = 0, bd = Infinity;
  for (let i = 0; i < c.xs.length; i++) {
    const d = Math.abs(c.X(c.xs[i]) - px);
    if (d < bd) { bd = d; best = i; }
  }
  const out = T`<b>epoch ${c.xs[best]}</b>`;
  for (const sr of c.spec.series) out.append(T`<br>${swatch(sr.color)} ${sr.name} = ${fmt(sr.y[best])}`);
  return out;
}

export function drawCurves(view, f) {
  const h = f.history;
  const acc = Boolean(h.metric_percent); // a fraction shown in % (the server says which)
  curveChart(view, view.dom.curves, {
    title: `Cost J(Θ) and ${h.metric_name} per epoch`,
    x: h.epoch,
    now: f.epoch,
    left: { label: "J(Θ)", log: Boolean(f.view.log_cost), zero: true },
    right: acc
      ? { label: h.metric_name, range: [0, 1.02], ticks: [0, 0.25, 0.5, 0.75, 1], fmt: (v) => `${Math.round(v * 100)}%` }
      : { label: h.metric_name },
    series: [
      { name: "J train", y: h.J_train, color: "#1f3b73", width: 2 },
      { name: "J test", y: h.J_test, color: "#1f3b73", width: 2, dash: true },
      { name: `${h.metric_name} train`, y: h.metric_train, color: "#2ca02c", axis: "right" },
      { name: `${h.metric_name} test`, y: h.metric_test, color: "#2ca02c", axis: "right", dash: true },
    ],
  });
  curveChart(view, view.dom.grads, {
    title: "Gradient size per layer ‖D⁽ˡ⁾‖ (log scale)",
    x: h.epoch,
    now: f.epoch,
    left: { label: "‖D⁽ˡ⁾‖ (Frobenius norm)", log: true },
    series: h.grad_norm.map((ys, l) => ({
      name: `‖D${sup(l + 1)}‖`, y: ys,
      color: LAYER_COLORS[l % LAYER_COLORS.length],
    })),
  });
}
