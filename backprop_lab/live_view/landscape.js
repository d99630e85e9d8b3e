// The loss landscape panel (canvas): J over a grid of two weights' values around the current
// Θ (bp_core.landscape, sent as the frame's `landscape` part while the panel is open), drawn
// as filled bands and contour lines, with the path training took through the two weights
// and the −D arrow at the current point.  The contours are contours.js's (pure).

import { bandIndex, contourLevels, contourSegments } from "./contours.js";
import { sizeCanvas } from "./dom.js";
import { fmt } from "./format.js";
import { b64f32 } from "./frame.js";
import { textSize } from "./layout.js";

const LEVELS = 12;
// bands from the lowest J (deep blue) to the highest (pale)
const BAND_LO = [33, 102, 172], BAND_HI = [247, 251, 255];

function bandColour(k, n) {
  const t = n ? k / n : 0;
  return `rgb(${BAND_LO.map((c, i) => Math.round(c + (BAND_HI[i] - c) * t)).join(",")})`;
}

/** Draw part `ls` on `canvas`; returns the geometry (for the tests and the pointer). */
export function drawLandscape(view, canvas, ls) {
  const tx = textSize(view.state.fontScale);
  const W = Math.max(280, canvas.parentElement.clientWidth || 420);
  const m = { l: tx.px(64), r: tx.px(14), t: tx.px(12), b: tx.px(48) };
  // square, and short enough to be seen whole beside the page's other text
  const room = typeof window !== "undefined" ? window.innerHeight * 0.62 : 520;
  const side = Math.max(200, Math.min(W - m.l - m.r, tx.px(520), room));
  const H = side + m.t + m.b;
  const ctx = sizeCanvas(canvas, m.l + side + m.r, H);
  ctx.clearRect(0, 0, W, H);
  if (ls.error) {
    ctx.font = tx.font(13); ctx.fillStyle = "#a00"; ctx.fillText(ls.error, 8, tx.px(24));
    return null;
  }
  const n = ls.n, J = b64f32(ls.J);
  const X = (v) => m.l + ((v - ls.x[0]) / (ls.x[1] - ls.x[0])) * side;
  const Y = (v) => m.t + side - ((v - ls.y[0]) / (ls.y[1] - ls.y[0])) * side;
  const gx = (j) => m.l + (j / (n - 1)) * side; // grid column → px
  const gy = (i) => m.t + side - (i / (n - 1)) * side; // grid row → px (row 0 at the bottom)
  const levels = contourLevels(ls.lo, ls.hi, LEVELS);
  // filled bands: one rectangle per grid cell around each grid point (clipped to the plot)
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t, side, side); ctx.clip();
  const cell = side / (n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      ctx.fillStyle = bandColour(bandIndex(J[i * n + j], levels), levels.length);
      ctx.fillRect(gx(j) - cell / 2, gy(i) - cell / 2, cell + 0.6, cell + 0.6);
    }
  }
  // contour lines
  ctx.strokeStyle = "rgba(20, 40, 80, 0.55)";
  ctx.lineWidth = 1;
  for (const level of levels) {
    ctx.beginPath();
    for (const [x1, y1, x2, y2] of contourSegments(J, n, n, level)) {
      ctx.moveTo(gx(x1), gy(y1)); ctx.lineTo(gx(x2), gy(y2));
    }
    ctx.stroke();
  }
  // the path training took (snapshots, then the points seen while the panel was open)
  const [px, py] = ls.path;
  ctx.strokeStyle = "#d35400"; ctx.fillStyle = "#d35400"; ctx.lineWidth = tx.px(2);
  ctx.beginPath();
  px.forEach((v, i) => (i ? ctx.lineTo(X(v), Y(py[i])) : ctx.moveTo(X(v), Y(py[i]))));
  ctx.stroke();
  px.forEach((v, i) => { ctx.beginPath(); ctx.arc(X(v), Y(py[i]), tx.px(2), 0, 2 * Math.PI); ctx.fill(); });
  // the current point and the −D arrow (a quarter of the picture long, its direction −D's)
  const cx = X(ls.theta[0]), cy = Y(ls.theta[1]);
  const dx = -(ls.D[0] || 0) / (ls.x[1] - ls.x[0]), dy = (ls.D[1] || 0) / (ls.y[1] - ls.y[0]);
  const len = Math.hypot(dx, dy);
  if (len > 0) {
    const L = side / 4, ex = cx + (dx / len) * L, ey = cy + (dy / len) * L;
    const ang = Math.atan2(ey - cy, ex - cx), head = tx.px(10);
    ctx.strokeStyle = ctx.fillStyle = "#c0392b"; ctx.lineWidth = tx.px(2.5);
    ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(ex, ey); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(ex, ey);
    ctx.lineTo(ex - head * Math.cos(ang - 0.4), ey - head * Math.sin(ang - 0.4));
    ctx.lineTo(ex - head * Math.cos(ang + 0.4), ey - head * Math.sin(ang + 0.4));
    ctx.fill();
    ctx.font = tx.font(13, true);
    ctx.textAlign = "center";
    ctx.fillText("−D", ex + Math.cos(ang) * tx.px(16), ey + Math.sin(ang) * tx.px(16) + tx.px(5));
    ctx.textAlign = "left";
  }
  ctx.fillStyle = "#111";
  ctx.beginPath(); ctx.arc(cx, cy, tx.px(4.5), 0, 2 * Math.PI); ctx.fill();
  ctx.restore();
  // frame, ticks and axis names
  ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(m.l, m.t, side, side);
  ctx.fillStyle = "#333"; ctx.font = tx.font(11);
  ctx.textAlign = "center";
  for (const v of [ls.x[0], ls.theta[0], ls.x[1]]) ctx.fillText(fmt(v), X(v), m.t + side + tx.px(14));
  ctx.textAlign = "right";
  for (const v of [ls.y[0], ls.theta[1], ls.y[1]]) ctx.fillText(fmt(v), m.l - tx.px(4), Y(v) + tx.px(4));
  ctx.font = tx.font(13, true);
  ctx.textAlign = "center";
  ctx.fillText(ls.names[0], m.l + side / 2, m.t + side + tx.px(36));
  ctx.save(); ctx.translate(tx.px(14), m.t + side / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText(ls.names[1], 0, 0); ctx.restore();
  return { m, side, X, Y };
}

/** The panel's caption for part `ls`, as text. */
export function landscapeCaption(ls) {
  if (ls.error) return ls.error;
  const how = ls.auto ? "the two weights with the largest |D|" : "the two edges you clicked";
  return `J(Θ) over ${ls.names[0]} and ${ls.names[1]} (${how}): J here ${fmt(ls.J_here)}, `
    + `D = (${fmt(ls.D[0])}, ${fmt(ls.D[1])}); the orange line is the path training took, the red arrow −D. `
    + `${ls.note}. Click two edges of the diagram to choose other weights.`;
}
