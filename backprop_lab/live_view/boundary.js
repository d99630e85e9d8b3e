// The decision boundary and the per-neuron maps (canvas).
//
// The network's output over the plane arrives as a small quantized grid (50 × 50); it is
// drawn stretched under the data points.  Wheel = zoom about the pointer, drag = pan,
// double-click = back to the whole plane (input.js); the server then computes the grid for
// the zoomed part, so zooming in shows detail, not bigger pixels.

import {
  BLUE, ORANGE, WHITE, boundaryPixels, classRGB, css, mapPixels, pointRGB, pointRings,
} from "./colour.js";
import { T, pageTop, setText, sizeCanvas } from "./dom.js";
import { clip, fmt, niceTicks, plain, sup, tickText } from "./format.js";
import { b64bytes } from "./frame.js";
import {
  boundaryLayout, fitHeight, gridCell, inPlot, mapsLayout, plotGeo, textSize, toData,
} from "./layout.js";
import { setHits } from "./state.js";

// Drawing caches of one view (not state: made again from the frame whenever needed).
const caches = new WeakMap();
function cacheOf(view) {
  let c = caches.get(view);
  if (!c) caches.set(view, (c = { grid: null, gridRev: null, layer: null, layerPts: null, layerKey: "", mapImg: null }));
  return c;
}

/** The boundary's grid as a small image (one pixel per grid cell), made once per frame. */
function gridImage(view, f, c) {
  const b = f.boundary;
  if (!c.grid || c.grid.width !== b.nx || c.grid.height !== b.ny) {
    c.grid = document.createElement("canvas");
    c.grid.width = b.nx;
    c.grid.height = b.ny;
  }
  const cls = b.kind === "multiclass" ? b64bytes(b.cls) : null;
  const { rgba, values } = boundaryPixels(b, b64bytes(b.q), cls, Boolean(f.view.discretize));
  const ctx = c.grid.getContext("2d");
  const img = ctx.createImageData(b.nx, b.ny);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  setHits(view.state, "values", { values, cls, b });
}

// The data points: each with a dark and a light ring (colour.js pointRings: training points
// dark outside, test points light outside), so both classes read on a saturated boundary as
// on its white middle; and a thin black ring around each point drawn by hand.
const POINT_R = 3.6;

function drawPoints(ctx, f, b, pts, X, Y, W, H) {
  ctx.clearRect(0, 0, W, H);
  const splits = ["train"];
  if (f.view.show_test) splits.push("test");
  for (const split of splits) {
    const s = pts[split];
    if (!s) continue;
    const rings = pointRings(split);
    let r = POINT_R + rings.reduce((n, ring) => n + ring.width, 0);
    for (const ring of rings) { // one path per ring: discs from the outside in
      ctx.fillStyle = css(ring.rgb);
      ctx.beginPath();
      for (let i = 0; i < s.x.length; i++) {
        const px = X(s.x[i]), py = Y(s.y[i]);
        ctx.moveTo(px + r, py);
        ctx.arc(px, py, r, 0, 2 * Math.PI);
      }
      ctx.fill();
      r -= ring.width;
    }
    for (let i = 0; i < s.x.length; i++) {
      ctx.fillStyle = css(pointRGB(f.task, s.label[i], b));
      ctx.beginPath();
      ctx.arc(X(s.x[i]), Y(s.y[i]), POINT_R, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  if (pts.drawn && pts.drawn.length) {
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "#111";
    ctx.beginPath();
    for (const i of pts.drawn) {
      const px = X(pts.train.x[i]), py = Y(pts.train.y[i]);
      ctx.moveTo(px + 7, py);
      ctx.arc(px, py, 7, 0, 2 * Math.PI); // outside the point's own rings
    }
    ctx.stroke();
  }
}

export function drawBoundary(view, f) {
  const s = view.state, b = f.boundary, c = cacheOf(view);
  const tx = textSize(s.fontScale);
  const canvas = view.dom.boundary;
  const wrap = canvas.parentElement; // its height fits the window (layout.js fitHeight)
  const maxH = view.fit ? fitHeight(Infinity, pageTop(wrap), window.innerHeight, 0) : Infinity;
  const { W, H, m, side } = boundaryLayout(wrap.clientWidth, b.kind === "multiclass", s.fontScale, maxH);
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const ext = s.zoom || [b.x[0], b.x[1], b.y[0], b.y[1]];
  const g = plotGeo(m, side, ext);
  const { X, Y } = g;
  setHits(s, "boundary", g);
  if (c.gridRev !== f.rev) { gridImage(view, f, c); c.gridRev = f.rev; }
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t, side, side); ctx.clip();
  ctx.imageSmoothingEnabled = true;
  const x0 = X(b.img_x[0]), x1 = X(b.img_x[1]), y0 = Y(b.img_y[1]), y1 = Y(b.img_y[0]);
  ctx.drawImage(c.grid, x0, y0, x1 - x0, y1 - y0);
  // data points: drawn once per data set, zoom and size into their own layer, then copied
  // (hundreds of arcs each frame cost more than the rest of the plot)
  const pts = s.points;
  if (pts) {
    const key = [ext.join(), W, H, f.view.show_test, f.task,
      f.task === "regression" ? `${b.lo},${b.hi}` : "", window.devicePixelRatio].join("|");
    if (!c.layer || c.layerPts !== pts || c.layerKey !== key) {
      c.layer = c.layer || document.createElement("canvas");
      drawPoints(sizeCanvas(c.layer, W, H), f, b, pts, X, Y, W, H);
      c.layerPts = pts;
      c.layerKey = key;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(c.layer, 0, 0);
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
  if (f.marked) { // the training example i the diagram shows
    const mx = X(f.marked[0]), my = Y(f.marked[1]);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#111";
    ctx.beginPath(); ctx.arc(mx, my, 9, 0, 2 * Math.PI); ctx.stroke();
    ctx.fillStyle = "#111";
    ctx.font = tx.font(12, true);
    ctx.textAlign = "left";
    ctx.fillText(`i = ${f.net.example + 1}`, mx + 11, my - 8);
  }
  ctx.restore();
  // axes
  ctx.strokeStyle = "#888";
  ctx.lineWidth = 1;
  ctx.strokeRect(m.l, m.t, side, side);
  ctx.fillStyle = "#444";
  ctx.font = tx.font(11);
  ctx.textAlign = "center";
  for (const t of niceTicks(ext[0], ext[1], 5)) ctx.fillText(tickText(t, false), X(t), m.t + side + tx.px(14));
  ctx.textAlign = "right";
  for (const t of niceTicks(ext[2], ext[3], 5)) ctx.fillText(tickText(t, false), m.l - 4, Y(t) + tx.px(4));
  ctx.font = tx.font(12);
  ctx.textAlign = "center";
  ctx.fillText(clip(b.axis[0], 30), m.l + side / 2, m.t + side + tx.px(30));
  ctx.save(); ctx.translate(m.l - tx.px(33), m.t + side / 2); ctx.rotate(-Math.PI / 2); // beside the ticks
  ctx.fillText(clip(b.axis[1], 30), 0, 0); ctx.restore();
  // legend row under the axis: point kinds
  ctx.textAlign = "left";
  ctx.font = tx.font(11);
  let lx = m.l;
  const ly = m.t + side + tx.px(48);
  const item = (fill, rim, label) => {
    ctx.fillStyle = fill; ctx.strokeStyle = rim; ctx.lineWidth = 1.4;
    ctx.beginPath(); ctx.arc(lx + tx.px(4), ly - tx.px(4), tx.px(4), 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.fillText(label, lx + tx.px(12), ly);
    lx += ctx.measureText(label).width + tx.px(24);
  };
  if (f.task === "regression") {
    item("#bbb", "#777", "training");
    if (f.view.show_test) item("#bbb", "#222", "test");
  } else {
    const K = Math.max(2, f.n_classes);
    for (let k = 0; k < Math.min(K, 10); k++) {
      if (lx > W - 50) break;
      item(css(classRGB(k)), "#fff", `y = ${k}`);
    }
    if (f.view.show_test && lx < W - 80) item("#ccc", "#222", "test (dark rim)");
    if (pts && pts.drawn && pts.drawn.length && lx < W - 80) item("#fff", "#111", "drawn (ring)");
  }
  if (b.kind !== "multiclass") colourBar(ctx, tx, b, m, side, W);
  if (s.zoom) {
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(m.l + 2, m.t + 2, tx.px(150), tx.px(16));
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.fillText("zoomed · double-click: whole plane", m.l + 6, m.t + tx.px(14));
  }
  setText(view.dom.boundaryTitle, plain(b.title));
}

// The colour bar of one output unit, right of the plot.
function colourBar(ctx, tx, b, m, side, W) {
  const cx = m.l + side + 10, cw = 10;
  const g = ctx.createLinearGradient(0, m.t + side, 0, m.t);
  g.addColorStop(0, css(ORANGE)); g.addColorStop(0.5, css(WHITE)); g.addColorStop(1, css(BLUE));
  ctx.fillStyle = g;
  ctx.fillRect(cx, m.t, cw, side);
  ctx.strokeStyle = "#aaa";
  ctx.strokeRect(cx, m.t, cw, side);
  ctx.fillStyle = "#444";
  ctx.textAlign = "left";
  const at = (v) => m.t + side - ((v - b.lo) / (b.hi - b.lo || 1)) * side;
  for (const v of b.kind === "binary" ? [b.lo, b.mid, b.hi] : niceTicks(b.lo, b.hi, 4)) {
    ctx.fillText(tickText(v, false), cx + cw + 3, at(v) + tx.px(4));
  }
  // its title beside it (the plot may sit in the middle of a wider canvas: layout.js fitHeight)
  ctx.save(); ctx.translate(Math.min(W, m.l + side + tx.px(64)) - tx.px(14), m.t + side / 2); ctx.rotate(Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(plain(b.colorbar) || "h", 0, 0); ctx.restore();
}

export function boundaryTooltip(view, px, py) {
  const g = view.state.hits.boundary, bv = view.state.hits.values;
  if (!bv || !inPlot(g, px, py)) return null;
  const [x, y] = toData(g, px, py);
  const b = bv.b;
  const k = gridCell(b, x, y);
  if (k < 0) return null;
  const where = `${clip(b.axis[0], 20)} = ${x.toFixed(2)}, ${clip(b.axis[1], 20)} = ${y.toFixed(2)}`;
  if (bv.cls) return T`${where}<br>predicted class ${bv.cls[k]}, its output h = ${bv.values[k].toFixed(3)}`;
  return T`${where}<br>h<sub>Θ</sub>(x) ≈ ${bv.values[k].toFixed(3)}${b.kind === "binary" ? ` → class ${bv.values[k] >= b.mid ? 1 : 0}` : ""}`;
}

// ---------- per-neuron maps -------------------------------------------------------------------

export function drawMaps(view, f) {
  const maps = f.maps, s = view.state, c = cacheOf(view);
  const card = view.dom.mapsCard;
  if (!maps || !maps.layers.length) {
    card.style.display = "none";
    setHits(s, "maps", null);
    return;
  }
  card.style.display = "";
  const tx = textSize(s.fontScale);
  const canvas = view.dom.maps;
  const W = canvas.parentElement.clientWidth || 600;
  const res = maps.res;
  const lay = mapsLayout(W, maps.layers.map((m) => m.units), s.fontScale);
  const ctx = sizeCanvas(canvas, W, lay.H);
  ctx.clearRect(0, 0, W, lay.H);
  if (!c.mapImg || c.mapImg.width !== res) {
    c.mapImg = document.createElement("canvas");
    c.mapImg.width = res;
    c.mapImg.height = res;
  }
  const ictx = c.mapImg.getContext("2d");
  const img = ictx.createImageData(res, res);
  const hits = [];
  const frames = new Path2D(); // every map's frame, stroked once
  ctx.imageSmoothingEnabled = true;
  maps.layers.forEach((m, row) => {
    const q = b64bytes(m.q);
    const y = lay.y(row);
    ctx.fillStyle = "#333";
    ctx.font = tx.font(12);
    ctx.textAlign = "left";
    ctx.fillText(`a${sup(m.l)}`, 4, y + lay.cell / 2 + tx.px(4));
    for (let u = 0; u < m.units; u++) {
      mapPixels(m, q, u, res, img.data);
      ictx.putImageData(img, 0, 0);
      const x = lay.x(u);
      ctx.drawImage(c.mapImg, x, y, lay.cell, lay.cell);
      frames.rect(x, y, lay.cell, lay.cell);
      hits.push({ x, y, w: lay.cell, l: m.l, u: u + 1, lo: m.lo, hi: m.hi, act: m.act });
    }
  });
  ctx.strokeStyle = "#999";
  ctx.lineWidth = 0.5;
  ctx.stroke(frames);
  setHits(s, "maps", hits);
  setText(view.dom.mapsTitle,
    `What each neuron computes: a⁽ˡ⁾ⱼ(x) over the input plane (same axes as the boundary; ` +
    `orange = low, white = middle, blue = high)`);
}

export function mapTooltip(view, px, py) {
  for (const h of view.state.hits.maps || []) {
    if (px >= h.x && px <= h.x + h.w && py >= h.y && py <= h.y + h.w) {
      return T`<b>a<sub>${h.u}</sub><sup>(${h.l})</sup>(x)</b> — unit ${h.u} of layer ${h.l} (${h.act})<br>ranges from ${fmt(h.lo)} to ${fmt(h.hi)} over this plane`;
    }
  }
  return null;
}
