// Backprop Lab live view: one mounted component that draws the frames of the live channel.
//
// Python sends every frame over the session's own WebSocket (lab_ui/channel): the
// component gets only a token and the socket's path through its Streamlit data.  This
// module draws; every number comes from bp_core.
//
// * Pacing: when a frame is taken for painting, the client acknowledges it, and the server
//   trains and builds the next one while this one is drawn.  At most two frames are unpainted
//   (the server's window), they are drawn in order, so nothing queues and nothing is thrown
//   away; a hidden tab paints nothing, asks for nothing and costs the server nothing.
// * Canvases draw everything (the decision boundary, the network, the per-neuron maps, the
//   curves), so the first frame needs no chart library and no view can overlap another.
// * Text from the data (a CSV's column names and class labels) is inserted as text nodes,
//   never as markup (see T below).
// * window.__bpPainted counts painted frames; window.__bpPaintTimes keeps their times
//   (performance.now()); the root element carries data-epoch / data-painted for tests.

const ORANGE = [245, 147, 34]; // negative / class 0
const BLUE = [8, 119, 189]; // positive / class 1
const WHITE = [248, 248, 248];
const CLASS_RGB = [
  ORANGE, BLUE, [44, 160, 44], [148, 103, 189], [214, 39, 40],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉" };
const sup = (n) => "⁽" + String(n).split("").map((c) => SUP[c] || c).join("") + "⁾";
const sub = (n) => String(n).split("").map((c) => SUB[c] || c).join("");

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
  const a = Math.abs(v);
  let s;
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) s = v.toExponential(4);
  else s = v.toPrecision(6).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return s.replace(/-/g, "−"); // the exponent's sign too: 6.4e−5
}
// Two significant digits, for labels that must stay short: 6.4e−6, 0.51, 12.
function short2(v) {
  if (!Number.isFinite(v)) return fmt(v);
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-2 || a >= 1e3) ? v.toExponential(1).replace("e-", "e−").replace("e+", "e") : String(+v.toPrecision(2));
  return s.replace(/^-/, "−");
}
function mix(c0, c1, t) {
  return [0, 1, 2].map((i) => Math.round(c0[i] + (c1[i] - c0[i]) * t));
}
// Diverging colour for v in [-1, 1]: orange (−) → white (0) → blue (+).
function divRGB(v) {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}
const css = (rgb, a = 1) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;


// Rich text without HTML from data: the literal parts of a T`…` template may contain the
// tags <b> <sup> <sub> (and their closing tags) and <br>; every ${value} becomes a text node
// (or, if it is a DOM node made here, that node).  Returns a DocumentFragment.
function T(strings, ...values) {
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
function swatch(color) {
  const s = document.createElement("span");
  s.textContent = "■";
  s.style.color = color;
  return s;
}
function coloured(text, rgb) {
  const b = document.createElement("b");
  b.textContent = text;
  b.style.color = css(rgb);
  return b;
}
function gradientSwatch() {
  const s = document.createElement("span");
  s.className = "bp-swatch";
  s.style.background = `linear-gradient(90deg,${css(ORANGE)},${css(WHITE)},${css(BLUE)})`;
  return s;
}
// User-supplied names are quoted short.
const short = (s, n = 40) => { s = String(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; };

// ---------- text size ---------------------------------------------------------------------

// Canvas text is drawn at FONT_SCALE times its base size (presenter mode sets it from the
// component's data: ``scale``), so chart text grows with the page's text on a projector.
let FONT_SCALE = 1;
function font(px, bold = false) {
  return `${bold ? "bold " : ""}${Math.round(px * FONT_SCALE)}px sans-serif`;
}
// A margin, offset or row height that holds text: scaled with it (presenter mode: 2×).
const scaled = (px) => px * FONT_SCALE;
// Type small enough for `text` to fit in `room` pixels (a rotated title beside a short axis).
function fitFont(ctx, text, px, room) {
  ctx.font = font(px);
  const w = ctx.measureText(text).width;
  if (w > room) ctx.font = font((px * room) / w);
}

// ---------- decoding: arrays arrive as binary (Uint8Array views) or base64 text ------------

function b64bytes(s) {
  if (s instanceof Uint8Array) return s;
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function b64f32(s) {
  const b = b64bytes(s);
  if (b.byteOffset % 4 === 0) return new Float32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  return new Float32Array(b.slice().buffer);
}
// A frame: uint32 header length, the JSON header, then the binary values it points to.
function unpackFrame(buf) {
  const n = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  const base = 4 + n;
  const fill = (o) => {
    if (Array.isArray(o)) return o.map(fill);
    if (o && typeof o === "object") {
      if (o.$b && Object.keys(o).length === 1) return new Uint8Array(buf, base + o.$b[0], o.$b[1]);
      for (const k of Object.keys(o)) o[k] = fill(o[k]);
    }
    return o;
  };
  return fill(header);
}

// ---------- DOM skeleton ------------------------------------------------------------------

function button(label, role, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "bp-btn";
  b.dataset.role = role;
  b.textContent = label;
  b.title = title;
  return b;
}

// The keys of the live view, listed by "?" (and the ? button); a clicker's PageDown is →.
const KEYS = [
  ["Space", "Play / Pause"],
  ["→  .  PageDown", "one mini-batch (one gradient step)"],
  ["Shift + →", "one epoch (the rest of the current one)"],
  ["R", "Reset: back to epoch 0 with the same initial Θ"],
  ["?", "show or hide this list (Esc hides it)"],
];

function buildKeyList() {
  const box = document.createElement("div");
  box.className = "bp-keylist";
  box.dataset.role = "keylist";
  box.hidden = true;
  const title = document.createElement("div");
  title.className = "bp-keylist-title";
  title.textContent = "Keys (not while typing in a box)";
  box.append(title);
  for (const [k, what] of KEYS) {
    const row = document.createElement("div");
    const key = document.createElement("kbd");
    key.textContent = k;
    const text = document.createElement("span");
    text.textContent = what;
    row.append(key, text);
    box.append(row);
  }
  return box;
}

function buildDom(parent) {
  const root = document.createElement("div");
  root.className = "bp-live";
  root.dataset.testid = "bp-live";
  const bar = document.createElement("div");
  bar.className = "bp-toolbar";
  const play = button("▶ Play", "play", "Play / Pause (Space)");
  play.classList.add("bp-primary");
  const stepB = button("Step 1 mini-batch", "step-batch", "One gradient step (→ or .)");
  const stepE = button("Step 1 epoch", "step-epoch", "One pass over the training set (Shift+→)");
  const reset = button("↺ Reset", "reset", "Back to epoch 0 with the same initial Θ (R)");
  const keys = button("?", "keys", "Keyboard: Space = Play/Pause, → or . or PageDown = 1 mini-batch, Shift+→ = 1 epoch, R = Reset");
  keys.classList.add("bp-keys");
  const conn = document.createElement("span");
  conn.className = "bp-conn";
  conn.dataset.role = "conn";
  // the class chooser for drawing points (shown for classification of the plane only) and
  // the PNG of what is shown
  const drawBox = document.createElement("span");
  drawBox.className = "bp-draw";
  drawBox.dataset.role = "draw";
  drawBox.style.display = "none";
  const png = button("PNG", "png", "Download the decision boundary and the network diagram as one PNG image");
  bar.append(play, stepB, stepE, reset, drawBox, png, keys, conn);
  const status = document.createElement("div");
  status.className = "bp-status";
  status.dataset.role = "status";
  const notice = document.createElement("div");
  notice.className = "bp-notice";
  notice.dataset.role = "notice";
  const keyList = buildKeyList();
  root.append(bar, keyList, status, notice);
  const card = (cls, title, role) => {
    const c = document.createElement("div");
    c.className = "bp-card " + cls;
    const t = document.createElement("div");
    t.className = "bp-title";
    t.textContent = title;
    t.dataset.role = role + "-title";
    const w = document.createElement("div");
    w.className = "bp-canvas-wrap";
    const cv = document.createElement("canvas");
    cv.dataset.role = role;
    w.appendChild(cv);
    c.append(t, w);
    return { c, t, cv };
  };
  const top = document.createElement("div");
  top.className = "bp-row bp-top";
  const bnd = card("bp-boundary-card", "Decision boundary", "boundary");
  const net = card("bp-net-card", "Network", "net");
  const legend = document.createElement("div");
  legend.className = "bp-legend";
  const sharedBox = document.createElement("label");
  sharedBox.className = "bp-check";
  const sharedInput = document.createElement("input");
  sharedInput.type = "checkbox";
  sharedInput.dataset.role = "shared-scale";
  sharedBox.append(sharedInput, document.createTextNode(" one colour scale for all layers (shows vanishing gradients)"));
  // or pick the weight of the chain-rule panel by its indices (a dense diagram's edges are
  // hard to hit, and a big one draws only its strongest)
  const pick = document.createElement("div");
  pick.className = "bp-pick";
  const pickLabel = document.createElement("span");
  pickLabel.append(T`chain rule of Θ<sup>(l)</sup><sub>j,k</sub>: click an edge, or l `);
  const pickInput = (role, min) => {
    const el = document.createElement("input");
    el.type = "number";
    el.min = String(min);
    el.step = "1";
    el.value = String(min === 0 ? 0 : 1);
    el.dataset.role = role;
    return el;
  };
  const pickL = pickInput("pick-l", 1), pickJ = pickInput("pick-j", 1), pickK = pickInput("pick-k", 0);
  const pickGo = button("Show", "pick-show", "Show the chain rule of this weight (k = 0 is the bias)");
  pick.append(pickLabel, pickL, document.createTextNode(" j "), pickJ, document.createTextNode(" k "), pickK, pickGo);
  net.c.append(sharedBox, pick, legend);
  top.append(bnd.c, net.c);
  const maps = card("bp-maps-card", "What each neuron computes", "maps");
  const bottom = document.createElement("div");
  bottom.className = "bp-row bp-bottom";
  const curves = card("bp-curves-card", "", "curves");
  const grads = card("bp-grads-card", "", "grads");
  curves.t.remove();
  grads.t.remove();
  bottom.append(curves.c, grads.c);
  const tip = document.createElement("div");
  tip.className = "bp-tip";
  const chain = buildChainCard();
  root.append(top, chain.card, maps.c, bottom, tip);
  parent.appendChild(root);
  return {
    root, status, conn, play, stepB, stepE, reset, keys, keyList, sharedInput,
    boundary: bnd.cv, boundaryTitle: bnd.t, boundaryCard: bnd.c,
    net: net.cv, netTitle: net.t, netLegend: legend,
    maps: maps.cv, mapsTitle: maps.t, mapsCard: maps.c,
    curves: curves.cv, grads: grads.cv, tip,
    drawBox, png, notice, chain, pickL, pickJ, pickK, pickGo,
  };
}

// ---------- decision boundary (canvas) ----------------------------------------------------
// The network's output over the plane arrives as a small quantized grid (50 × 50); it is
// drawn stretched under the data points.  Wheel = zoom about the pointer, drag = pan,
// double-click = back to the whole plane; the server then computes the grid for the zoomed
// part, so zooming in shows detail, not bigger pixels.

function boundaryImage(view, f) {
  const b = f.boundary;
  const nx = b.nx, ny = b.ny;
  if (!view.bCanvas || view.bCanvas.width !== nx || view.bCanvas.height !== ny) {
    view.bCanvas = document.createElement("canvas");
    view.bCanvas.width = nx;
    view.bCanvas.height = ny;
  }
  const ctx = view.bCanvas.getContext("2d");
  const img = ctx.createImageData(nx, ny);
  const q = b64bytes(b.q);
  const cls = b.kind === "multiclass" ? b64bytes(b.cls) : null;
  const disc = !!f.view.discretize;
  const values = new Float32Array(nx * ny);
  const span = b.hi - b.lo;
  const midq = ((b.mid - b.lo) / (span || 1)) * 255;
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      let c;
      values[k] = b.lo + (q[k] / 255) * span;
      if (cls) {
        const base = CLASS_RGB[cls[k] % CLASS_RGB.length];
        c = mix(WHITE, base, disc ? 0.75 : 0.15 + 0.7 * (q[k] / 255));
      } else {
        let t = (q[k] - midq) / (q[k] >= midq ? 255 - midq || 1 : midq || 1); // −1 … 1
        if (disc) t = q[k] >= midq ? 0.8 : -0.8;
        c = divRGB(t);
      }
      const p = ((ny - 1 - i) * nx + j) * 4; // grid row 0 is the bottom (y ascending)
      img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  view.bValues = { values, cls, b };
}

const plain = (s) => String(s || "").replace(/<[^>]*>/g, "");

// The data points of the boundary plot: training (white rim), test (dark rim), and a thin
// black ring around each point drawn by hand.
function drawPoints(ctx, f, b, pts, X, Y, W, H) {
  ctx.clearRect(0, 0, W, H);
  const splits = [["train", f.task === "regression" ? "#777" : "#fff", 1]];
  if (f.view.show_test) splits.push(["test", "#222", 1.6]);
  for (const [split, rim, lw] of splits) {
    const s = pts[split];
    if (!s) continue;
    ctx.lineWidth = lw;
    ctx.strokeStyle = rim;
    for (let i = 0; i < s.x.length; i++) {
      const v = s.label[i];
      let c;
      if (f.task === "regression") c = divRGB((2 * (v - b.lo)) / (b.hi - b.lo || 1) - 1);
      else c = CLASS_RGB[v % CLASS_RGB.length];
      ctx.fillStyle = css(c);
      ctx.beginPath();
      ctx.arc(X(s.x[i]), Y(s.y[i]), 3.6, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }
  if (pts.drawn && pts.drawn.length) {
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "#111";
    ctx.beginPath();
    for (const i of pts.drawn) {
      const px = X(pts.train.x[i]), py = Y(pts.train.y[i]);
      ctx.moveTo(px + 5.6, py);
      ctx.arc(px, py, 5.6, 0, 2 * Math.PI);
    }
    ctx.stroke();
  }
}

function drawBoundary(view, f) {
  const b = f.boundary;
  const canvas = view.dom.boundary;
  const W = Math.max(260, Math.min(canvas.parentElement.clientWidth || 420, 560 + 200 * (FONT_SCALE - 1)));
  const m = { l: scaled(46), r: b.kind === "multiclass" ? 12 : scaled(64), t: scaled(8), b: scaled(58) };
  const side = W - m.l - m.r;
  const H = side + m.t + m.b;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const ext = view.zoom || [b.x[0], b.x[1], b.y[0], b.y[1]];
  const X = (v) => m.l + ((v - ext[0]) / (ext[1] - ext[0])) * side;
  const Y = (v) => m.t + side - ((v - ext[2]) / (ext[3] - ext[2])) * side;
  view.bGeo = { m, side, ext, X, Y };
  if (view.bKey !== f.rev) { boundaryImage(view, f); view.bKey = f.rev; }
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t, side, side); ctx.clip();
  ctx.imageSmoothingEnabled = true;
  const x0 = X(b.img_x[0]), x1 = X(b.img_x[1]), y0 = Y(b.img_y[1]), y1 = Y(b.img_y[0]);
  ctx.drawImage(view.bCanvas, x0, y0, x1 - x0, y1 - y0);
  // data points: drawn once per data set, zoom and size into their own layer, then copied
  // (hundreds of arcs each frame cost more than the rest of the plot)
  const pts = view.points;
  if (pts) {
    const key = [ext.join(), W, H, f.view.show_test, f.task,
      f.task === "regression" ? `${b.lo},${b.hi}` : "", window.devicePixelRatio].join("|");
    if (!view.pLayer || view.pLayerPts !== pts || view.pLayerKey !== key) {
      view.pLayer = view.pLayer || document.createElement("canvas");
      drawPoints(sizeCanvas(view.pLayer, W, H), f, b, pts, X, Y, W, H);
      view.pLayerPts = pts;
      view.pLayerKey = key;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(view.pLayer, 0, 0);
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
  if (f.marked) { // the training example i the diagram shows
    const mx = X(f.marked[0]), my = Y(f.marked[1]);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#111";
    ctx.beginPath(); ctx.arc(mx, my, 9, 0, 2 * Math.PI); ctx.stroke();
    ctx.fillStyle = "#111";
    ctx.font = font(12, true);
    ctx.textAlign = "left";
    ctx.fillText(`i = ${f.net.example + 1}`, mx + 11, my - 8);
  }
  ctx.restore();
  // axes
  ctx.strokeStyle = "#888";
  ctx.lineWidth = 1;
  ctx.strokeRect(m.l, m.t, side, side);
  ctx.fillStyle = "#444";
  ctx.font = font(11);
  ctx.textAlign = "center";
  for (const t of niceTicks(ext[0], ext[1], 5)) {
    ctx.fillText(tickText(t, false), X(t), m.t + side + scaled(14));
  }
  ctx.textAlign = "right";
  for (const t of niceTicks(ext[2], ext[3], 5)) ctx.fillText(tickText(t, false), m.l - 4, Y(t) + scaled(4));
  ctx.font = font(12);
  ctx.textAlign = "center";
  ctx.fillText(short(b.axis[0], 30), m.l + side / 2, m.t + side + scaled(30));
  ctx.save(); ctx.translate(scaled(13), m.t + side / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText(short(b.axis[1], 30), 0, 0); ctx.restore();
  // legend row under the axis: point kinds
  ctx.textAlign = "left";
  ctx.font = font(11);
  let lx = m.l;
  const ly = m.t + side + scaled(48);
  const item = (fill, rim, label) => {
    ctx.fillStyle = fill; ctx.strokeStyle = rim; ctx.lineWidth = 1.4;
    ctx.beginPath(); ctx.arc(lx + scaled(4), ly - scaled(4), scaled(4), 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.fillText(label, lx + scaled(12), ly);
    lx += ctx.measureText(label).width + scaled(24);
  };
  if (f.task === "regression") {
    item("#bbb", "#777", "training");
    if (f.view.show_test) item("#bbb", "#222", "test");
  } else {
    const K = Math.max(2, f.n_classes);
    for (let k = 0; k < Math.min(K, 10); k++) {
      if (lx > W - 50) break;
      item(css(CLASS_RGB[k % CLASS_RGB.length]), "#fff", `y = ${k}`);
    }
    if (f.view.show_test && lx < W - 80) item("#ccc", "#222", "test (dark rim)");
    if (pts && pts.drawn && pts.drawn.length && lx < W - 80) item("#fff", "#111", "drawn (ring)");
  }
  // colour bar for one output unit
  if (b.kind !== "multiclass") {
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
      ctx.fillText(tickText(v, false), cx + cw + 3, at(v) + scaled(4));
    }
    ctx.save(); ctx.translate(W - scaled(14), m.t + side / 2); ctx.rotate(Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(plain(b.colorbar) || "h", 0, 0); ctx.restore();
  }
  if (view.zoom) {
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(m.l + 2, m.t + 2, scaled(150), scaled(16));
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.fillText("zoomed · double-click: whole plane", m.l + 6, m.t + scaled(14));
  }
  view.dom.boundaryTitle.textContent = plain(b.title);
}

function boundaryTooltip(view, px, py) {
  const g = view.bGeo, bv = view.bValues;
  if (!g || !bv || px < g.m.l || py < g.m.t || px > g.m.l + g.side || py > g.m.t + g.side) return null;
  const x = g.ext[0] + ((px - g.m.l) / g.side) * (g.ext[1] - g.ext[0]);
  const y = g.ext[2] + ((g.m.t + g.side - py) / g.side) * (g.ext[3] - g.ext[2]);
  const b = bv.b;
  const j = Math.floor(((x - b.img_x[0]) / (b.img_x[1] - b.img_x[0])) * b.nx);
  const i = Math.floor(((y - b.img_y[0]) / (b.img_y[1] - b.img_y[0])) * b.ny);
  if (i < 0 || j < 0 || i >= b.ny || j >= b.nx) return null;
  const k = i * b.nx + j;
  const where = `${short(b.axis[0], 20)} = ${x.toFixed(2)}, ${short(b.axis[1], 20)} = ${y.toFixed(2)}`;
  if (bv.cls) return T`${where}<br>predicted class ${bv.cls[k]}, its output h = ${bv.values[k].toFixed(3)}`;
  return T`${where}<br>h<sub>Θ</sub>(x) ≈ ${bv.values[k].toFixed(3)}${b.kind === "binary" ? ` → class ${bv.values[k] >= b.mid ? 1 : 0}` : ""}`;
}

function attachZoom(view) {
  const c = view.dom.boundary;
  const toData = (ev) => {
    const g = view.bGeo, r = c.getBoundingClientRect();
    const px = ev.clientX - r.left, py = ev.clientY - r.top;
    return [g.ext[0] + ((px - g.m.l) / g.side) * (g.ext[1] - g.ext[0]),
      g.ext[2] + ((g.m.t + g.side - py) / g.side) * (g.ext[3] - g.ext[2])];
  };
  const setZoom = (ext) => {
    view.zoom = ext;
    if (view.drawnFrame && view.drawnFrame.boundary) drawBoundary(view, view.drawnFrame);
    clearTimeout(view.zoomTimer);
    view.zoomTimer = setTimeout(() => send(view, { t: "zoom", extent: ext }), 120);
  };
  c.addEventListener("wheel", (ev) => {
    if (!view.bGeo) return;
    ev.preventDefault();
    const [x, y] = toData(ev);
    const k = ev.deltaY > 0 ? 1.25 : 0.8;
    const e = view.bGeo.ext;
    setZoom([x - (x - e[0]) * k, x + (e[1] - x) * k, y - (y - e[2]) * k, y + (e[3] - y) * k]);
  }, { passive: false });
  // A press that moves more than DRAG_PX pixels pans; one that does not is a click, which
  // draws (or, with Shift, removes) a training point (see boundaryClick).
  let drag = null;
  c.addEventListener("mousedown", (ev) => {
    if (view.bGeo && ev.button === 0) drag = { p: toData(ev), e: view.bGeo.ext.slice(), x: ev.clientX, y: ev.clientY, moved: false };
  });
  window.addEventListener("mouseup", (ev) => {
    const d = drag;
    drag = null;
    if (d && !d.moved && ev.button === 0 && ev.target === c) boundaryClick(view, ev);
  });
  c.addEventListener("mousemove", (ev) => {
    if (!drag || !(ev.buttons & 1)) return;
    if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) <= DRAG_PX) return;
    drag.moved = true;
    const g = view.bGeo, r = c.getBoundingClientRect();
    const px = ev.clientX - r.left, py = ev.clientY - r.top;
    const x = drag.e[0] + ((px - g.m.l) / g.side) * (drag.e[1] - drag.e[0]);
    const y = drag.e[2] + ((g.m.t + g.side - py) / g.side) * (drag.e[3] - drag.e[2]);
    const dx = drag.p[0] - x, dy = drag.p[1] - y;
    setZoom([drag.e[0] + dx, drag.e[1] + dx, drag.e[2] + dy, drag.e[3] + dy]);
  });
  c.addEventListener("dblclick", () => { clearTimeout(view.clickTimer); setZoom(null); });
}
// ---------- curves (canvas) ---------------------------------------------------------------
// The curves change every frame while playing; Plotly.react on them cost 30–90 ms of main
// thread per redraw here, so they are small canvas charts: axes, ticks, legend, and a hover
// read-out of every curve at the nearest recorded epoch.

const LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];

function niceTicks(lo, hi, n, minStep = 0) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = Math.max(minStep, (hi - lo) / Math.max(1, n));
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((st) => raw <= st) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(+v.toPrecision(12));
  return out;
}

function tickText(v, log) {
  if (log) {
    const e = Math.round(Math.log10(v));
    return "10" + String(e).split("").map((c) => (c === "-" ? "⁻" : SUP[c])).join("");
  }
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0);
  return String(+v.toPrecision(4));
}

function curveChart(view, canvas, spec) {
  const W = canvas.parentElement.clientWidth || 500;
  // the legend wraps onto as many rows as it needs (ten layers' ‖D‖ need two or three)
  const probe = canvas.getContext("2d");
  probe.font = font(11);
  const rows = [[]];
  let rowW = scaled(58);
  for (const sr of spec.series) {
    const w = probe.measureText(sr.name).width + scaled(30);
    if (rowW + w > W - 4 && rows[rows.length - 1].length) { rows.push([]); rowW = scaled(58); }
    rows[rows.length - 1].push(sr);
    rowW += w;
  }
  const H = 250 + 100 * (FONT_SCALE - 1) + scaled(16) * (rows.length - 1);
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const m = { l: scaled(58), r: spec.right ? scaled(50) : 12, t: scaled(24), b: scaled(58 + 16 * (rows.length - 1)) };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const xs = spec.x;
  const x0 = 0, x1 = Math.max(1, xs.length ? xs[xs.length - 1] : 1);
  const X = (v) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const axes = {};
  for (const side of ["left", "right"]) {
    const ax = side === "left" ? spec.left : spec.right;
    if (!ax) continue;
    let lo = Infinity, hi = -Infinity;
    for (const sr of spec.series) {
      if ((sr.axis || "left") !== side) continue;
      for (const v of sr.y) {
        if (v === null || !Number.isFinite(v) || (ax.log && v <= 0)) continue;
        lo = Math.min(lo, v); hi = Math.max(hi, v);
      }
    }
    if (ax.range) { lo = ax.range[0]; hi = ax.range[1]; }
    if (!Number.isFinite(lo)) { lo = ax.log ? 1e-3 : 0; hi = ax.log ? 1 : 1; }
    let tr, inv, ticks;
    if (ax.log) {
      let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
      if (a === b) { a -= 1; b += 1; }
      tr = (v) => m.t + ph - ((Math.log10(v) - a) / (b - a)) * ph;
      inv = (py) => Math.pow(10, a + ((m.t + ph - py) / ph) * (b - a));
      const every = Math.max(1, Math.ceil((b - a) / 6));
      ticks = [];
      for (let e = a; e <= b; e += every) ticks.push(Math.pow(10, e));
    } else {
      if (!ax.range) { if (ax.zero) lo = Math.min(0, lo); const pad = (hi - lo) * 0.05 || 0.5; hi += pad; if (!ax.zero) lo -= pad; }
      tr = (v) => m.t + ph - ((v - lo) / (hi - lo)) * ph;
      inv = (py) => lo + ((m.t + ph - py) / ph) * (hi - lo);
      ticks = ax.ticks || niceTicks(lo, hi, 4);
    }
    axes[side] = { tr, ticks, ax };
  }
  // grid and ticks
  ctx.font = font(11);
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.fillStyle = "#555";
  if (axes.left) {
    ctx.textAlign = "right";
    for (const t of axes.left.ticks) {
      const y = axes.left.tr(t);
      if (y < m.t - 1 || y > m.t + ph + 1) continue;
      ctx.beginPath(); ctx.moveTo(m.l, y); ctx.lineTo(m.l + pw, y); ctx.stroke();
      ctx.fillText(tickText(t, axes.left.ax.log), m.l - 4, y + scaled(4));
    }
  }
  if (axes.right) {
    ctx.textAlign = "left";
    for (const t of axes.right.ticks) {
      const y = axes.right.tr(t);
      ctx.fillText(axes.right.ax.fmt ? axes.right.ax.fmt(t) : tickText(t, false), m.l + pw + 4, y + scaled(4));
    }
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 5, 1)) { // epochs are whole numbers
    const x = X(t);
    ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, m.t + ph); ctx.stroke();
    ctx.fillText(tickText(t, false), x, m.t + ph + scaled(14));
  }
  ctx.strokeStyle = "#888";
  ctx.strokeRect(m.l, m.t, pw, ph);
  // titles
  ctx.fillStyle = "#222";
  ctx.font = font(12, true);
  ctx.textAlign = "left";
  ctx.fillText(spec.title, 6, scaled(14));
  ctx.font = font(11);
  ctx.textAlign = "center";
  ctx.fillText("epoch", m.l + pw / 2, m.t + ph + scaled(28));
  ctx.save(); ctx.translate(scaled(12), m.t + ph / 2); ctx.rotate(-Math.PI / 2);
  fitFont(ctx, spec.left.label, 11, ph); ctx.fillText(spec.left.label, 0, 0); ctx.restore();
  if (spec.right) {
    ctx.save(); ctx.translate(W - scaled(8), m.t + ph / 2); ctx.rotate(Math.PI / 2);
    fitFont(ctx, spec.right.label, 11, ph); ctx.fillText(spec.right.label, 0, 0); ctx.restore();
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
  // legend
  ctx.textAlign = "left";
  rows.forEach((row, r) => {
    let lx = m.l;
    const ly = H - scaled(12) - scaled(16) * (rows.length - 1 - r);
    for (const sr of row) {
      ctx.strokeStyle = sr.color; ctx.lineWidth = 2; ctx.setLineDash(sr.dash ? [4, 3] : []);
      ctx.beginPath(); ctx.moveTo(lx, ly - scaled(4)); ctx.lineTo(lx + scaled(18), ly - scaled(4)); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#333";
      ctx.fillText(sr.name, lx + scaled(22), ly);
      lx += ctx.measureText(sr.name).width + scaled(30);
    }
  });
  canvas.__chart = { spec, X, m, pw, ph, xs };
}

function chartTooltip(view, px, py, canvas) {
  const c = canvas.__chart;
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

function drawCurves(view, f) {
  const h = f.history;
  const acc = h.metric_name === "accuracy";
  curveChart(view, view.dom.curves, {
    title: `Cost J(Θ) and ${h.metric_name} per epoch`,
    x: h.epoch,
    left: { label: "J(Θ)", log: !!f.view.log_cost, zero: true },
    right: acc
      ? { label: "accuracy", range: [0, 1.02], ticks: [0, 0.25, 0.5, 0.75, 1], fmt: (v) => `${Math.round(v * 100)}%` }
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
    left: { label: "‖D⁽ˡ⁾‖ (Frobenius norm)", log: true },
    series: h.grad_norm.map((ys, l) => ({
      name: `‖D${sup(l + 1)}‖`, y: ys,
      color: LAYER_COLORS[l % LAYER_COLORS.length],
    })),
  });
}

// ---------- network diagram (canvas) ------------------------------------------------------

function sizeCanvas(canvas, cssW, cssH) {
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

function layoutNet(net, W, H) {
  const sizes = net.sizes, L = sizes.length;
  const longest = (names) => Math.max(0, ...(names || []).map((n) => String(n).length));
  const top = scaled(34), bottom = scaled(net.mode === "backward" ? 28 : 14); // backward: two rows of labels
  const left = scaled(Math.min(110, 22 + 6.5 * longest(net.names[0])));
  const right = scaled(Math.min(140, 22 + 6.5 * longest(net.names[L - 1])));
  const maxUnits = Math.max(...sizes.map((s, l) => s + (l < L - 1 ? 1 : 0)));
  const step = (H - top - bottom) / Math.max(1, maxUnits);
  const r = Math.max(2.5, Math.min(scaled(13), step * 0.36));
  const cols = [];
  for (let l = 0; l < L; l++) {
    const x = L === 1 ? W / 2 : left + ((W - left - right) * l) / (L - 1);
    const withBias = l < L - 1;
    const n = sizes[l] + (withBias ? 1 : 0);
    const y0 = top + ((H - top - bottom) - step * n) / 2 + step / 2;
    const ys = [];
    for (let i = 0; i < n; i++) ys.push(y0 + step * i);
    // index 0 is the bias unit (+1) for every layer but the output layer
    cols.push({ x, ys, withBias });
  }
  return { cols, r };
}

function nodeY(col, unit) {
  // unit: 0 = bias, 1..s_l = real units (course numbering)
  return col.withBias ? col.ys[unit] : col.ys[unit - 1];
}

const MAX_EDGES = 1200;

function drawNet(view, f) {
  const net = f.net;
  const canvas = view.dom.net;
  const W = canvas.parentElement.clientWidth || 600;
  const H = Math.max(260, Math.min(560, 40 + 22 * Math.max(...net.sizes) + 40)) + 48 * (FONT_SCALE - 1);
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const geo = layoutNet(net, W, H);
  const L = net.sizes.length;
  const edges = net.edges.map(b64f32);
  const nodes = net.nodes.map((s) => (s ? b64f32(s) : null));
  const zs = (net.z || []).map((s) => (s ? b64f32(s) : null));
  const absm = (net.absmean || []).map((s) => (s ? b64f32(s) : null));
  // Colour scales: each layer on its own (the default; the largest value of each layer is
  // written beside it), or one for all layers, which is what shows vanishing gradients.
  const shared = !!view.sharedScale;
  const emaxL = edges.map((e) => { let m = 0; for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(e[i]) || 0); return m > 0 ? m : 1; });
  let emax = Math.max(...emaxL);
  if (!(emax > 0)) emax = 1;
  // edges, bucketed by sign and magnitude: one stroke per bucket.  A big network has
  // thousands of edges (8 × 32: ~8,000); rasterizing them all costs the browser more than
  // everything else in a frame, so only the MAX_EDGES strongest (relative to their layer,
  // or to all layers on the shared scale) are drawn, and the legend says so.
  const NB = 8;
  const buckets = [];
  for (let s = 0; s < 2; s++) for (let k = 0; k < NB; k++) buckets.push(new Path2D());
  let segs = [];
  for (let l = 0; l < L - 1; l++) {
    const a = geo.cols[l], b = geo.cols[l + 1];
    const nIn = net.sizes[l] + 1, nOut = net.sizes[l + 1];
    const e = edges[l];
    const scale = shared ? emax : emaxL[l];
    for (let j = 1; j <= nOut; j++) {
      const yb = nodeY(b, j);
      for (let i = 0; i < nIn; i++) {
        const v = e[(j - 1) * nIn + i];
        segs.push([a.x, nodeY(a, i), b.x, yb, l, j, i, v, Math.min(1, Math.abs(v) / scale) || 0]);
      }
    }
  }
  const total = segs.length;
  if (total > MAX_EDGES) segs = segs.sort((p, q) => q[8] - p[8]).slice(0, MAX_EDGES);
  for (const sg of segs) {
    const k = Math.min(NB - 1, Math.floor(sg[8] * NB));
    const p = buckets[(sg[7] >= 0 ? 1 : 0) * NB + k];
    p.moveTo(sg[0], sg[1]);
    p.lineTo(sg[2], sg[3]);
  }
  view.edgesShown = total > MAX_EDGES ? [segs.length, total] : null;
  const dense = total > 600;
  for (let s = 0; s < 2; s++) {
    for (let k = 0; k < NB; k++) {
      const m = (k + 0.5) / NB;
      ctx.strokeStyle = css(s ? BLUE : ORANGE, (dense ? 0.18 : 0.25) + 0.7 * m);
      ctx.lineWidth = (dense ? 0.4 : 0.5) + (dense ? 2.5 : 5) * m;
      ctx.stroke(buckets[s * NB + k]);
    }
  }
  // the weight of the chain-rule panel: a dashed black line over its edge
  const cw = f.chain ? f.chain.w : null;
  if (cw && cw[0] < L && cw[2] <= net.sizes[cw[0] - 1] && cw[1] <= net.sizes[cw[0]]) {
    const ca = geo.cols[cw[0] - 1], cb = geo.cols[cw[0]];
    ctx.save();
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 3;
    ctx.setLineDash([7, 4]);
    ctx.beginPath(); ctx.moveTo(ca.x, nodeY(ca, cw[2])); ctx.lineTo(cb.x, nodeY(cb, cw[1])); ctx.stroke();
    ctx.restore();
  }
  // node colour: (v − center[l]) / scale[l] on the diverging scale
  const center = net.center || net.sizes.map(() => 0);
  const back = net.mode === "backward";
  const nscale = (back && !shared && net.scale_layer) || net.scale || net.sizes.map(() => 1);
  const hits = [];
  ctx.font = font(11);
  ctx.textAlign = "center";
  for (let l = 0; l < L; l++) {
    const col = geo.cols[l];
    const n = nodes[l];
    for (let u = col.withBias ? 0 : 1; u <= net.sizes[l]; u++) {
      const y = nodeY(col, u);
      ctx.beginPath();
      ctx.arc(col.x, y, geo.r, 0, 2 * Math.PI);
      let v = null;
      if (u === 0) {
        ctx.fillStyle = "#e8e8e8";
        ctx.fill();
        ctx.setLineDash([2, 2]);
        ctx.strokeStyle = "#666";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.setLineDash([]);
        if (geo.r >= scaled(7)) { ctx.fillStyle = "#333"; ctx.fillText("+1", col.x, y + scaled(4)); }
      } else {
        v = n ? n[u - 1] : null;
        ctx.fillStyle = v === null ? "#ddd" : css(divRGB((v - center[l]) / (nscale[l] || 1)));
        ctx.fill();
        ctx.strokeStyle = "#333";
        ctx.lineWidth = 1;
        ctx.stroke();
      }
      const z = zs[l] && u > 0 ? zs[l][u - 1] : null;
      const am = absm[l] && u > 0 ? absm[l][u - 1] : null;
      hits.push({ kind: "node", x: col.x, y, l, u, v, z, am });
    }
    // column header: "layer l" and its g; shortened when the columns are narrow
    const spacing = L > 1 ? geo.cols[1].x - geo.cols[0].x : W;
    const SHORT = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", leaky_relu: "lReLU", linear: "lin", softmax: "softmax" };
    const kind = l === 0 ? "input" : l === L - 1 ? "output" : "hidden";
    const act = net.acts[l] || "";
    const line1 = spacing >= scaled(62) ? `layer ${l + 1}` : String(l + 1);
    const line2 = spacing >= scaled(105) ? `${kind}${act ? " · " + act : ""}` : l === 0 ? "x" : SHORT[act] || act;
    ctx.textAlign = l === 0 && L > 1 ? "left" : l === L - 1 && L > 1 ? "right" : "center";
    const hx = l === 0 && L > 1 ? col.x - geo.r : l === L - 1 && L > 1 ? col.x + geo.r : col.x;
    ctx.fillStyle = "#222";
    ctx.font = font(12);
    ctx.fillText(line1, hx, scaled(12));
    ctx.font = font(11);
    ctx.fillStyle = "#555";
    ctx.fillText(line2, hx, scaled(25));
    if (back && l > 0 && !shared && spacing >= scaled(62)) {
      ctx.fillText(`±${short2(nscale[l])}`, hx, H - 2 - scaled(14)); // above the |D| row
    }
    if (l < L - 1 && !shared && spacing >= scaled(90)) { // each Θ's (or D's) own largest value
      ctx.textAlign = "center";
      ctx.fillStyle = "#777";
      ctx.fillText(`|${back ? "D" : "Θ"}${sup(l + 1)}| ≤ ${short2(emaxL[l])}`, (col.x + geo.cols[l + 1].x) / 2, H - 2);
    }
    ctx.textAlign = "center";
    // input names and output names beside the nodes
    if (geo.r >= 5 && (l === 0 || l === L - 1) && net.names[l]) {
      ctx.textAlign = l === 0 ? "right" : "left";
      for (let u = 1; u <= net.sizes[l]; u++) {
        const y = nodeY(col, u);
        const name = net.names[l][u - 1];
        if (name) ctx.fillText(name, col.x + (l === 0 ? -geo.r - 3 : geo.r + 3), y + scaled(4));
      }
      ctx.textAlign = "center";
    }
  }
  view.netHits = { nodes: hits, segs, r: geo.r, net, emax };
  // legend (HTML)
  const esym = net.mode === "backward" ? "D" : "Θ";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over the ${net.m} training examples`;
  view.dom.netTitle.textContent =
    net.mode === "backward"
      ? `Backward pass: nodes = error terms δ⁽ˡ⁾, edges = gradients D⁽ˡ⁾ (${who})`
      : `Forward pass: nodes = activations a⁽ˡ⁾, edges = weights Θ⁽ˡ⁾ (${net.example >= 0 ? who : "node colour: " + who})`;
  const dsym = net.example >= 0 ? "δ⁽ˡ⁾" : "mean δ⁽ˡ⁾";
  const nodeTxt = !back
    ? `node colour: a⁽ˡ⁾ from the low end of g's range (orange) through its middle (white) to the high end (blue)`
    : shared
      ? `node colour: ${dsym} from −${fmt(nscale[1])} (orange) through 0 (white) to +${fmt(nscale[1])} (blue), one scale for all layers: pale hidden layers mean their gradients have vanished`
      : `node colour: ${dsym} on each layer's own scale, from − (orange) through 0 (white) to + (blue); under each layer: its largest |δ|, between layers: the largest |D|`;
  const edgeTxt = shared ? `width ∝ |${esym}| (largest ${fmt(emax)}, one scale)` : `width ∝ |${esym}| relative to the largest in its layer`;
  const shownTxt = view.edgesShown ? ` · the ${view.edgesShown[0].toLocaleString("en")} strongest of ${view.edgesShown[1].toLocaleString("en")} edges drawn` : "";
  view.dom.netLegend.replaceChildren(T`${gradientSwatch()} ${nodeTxt} · edge colour: sign of ${esym} (${coloured("+", BLUE)} / ${coloured("−", ORANGE)}), ${edgeTxt}${shownTxt} · dashed “+1” = bias unit; hover for exact values`);
}

function segDist(px, py, s) {
  const [x1, y1, x2, y2] = s;
  const dx = x2 - x1, dy = y2 - y1;
  const len2 = dx * dx + dy * dy || 1;
  let t = ((px - x1) * dx + (py - y1) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const qx = x1 + t * dx - px, qy = y1 + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

function netTooltip(view, px, py) {
  const h = view.netHits;
  if (!h) return null;
  const net = h.net;
  const back = net.mode === "backward";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over ${net.m} training examples`;
  for (const n of h.nodes) {
    if ((n.x - px) ** 2 + (n.y - py) ** 2 <= (h.r + 2) ** 2) {
      const l = n.l + 1;
      if (n.u === 0) return T`<b>bias unit a${sub(0)}<sup>(${l})</sup> = +1</b><br>its weights Θ<sup>(${l})</sup><sub>j,0</sub> are the biases of layer ${l + 1}`;
      // a CSV's column names and class labels are data: inserted as text, never as markup
      const name = net.names[n.l] && net.names[n.l][n.u - 1] ? ` (${short(net.names[n.l][n.u - 1])})` : "";
      if (back) {
        if (n.l === 0) return T`<b>input unit ${n.u}${name}</b><br>δ<sup>(1)</sup> is not computed: the input has no error term`;
        const batch = net.example < 0;
        const out = T`<b>δ<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.v)}</b>${name}<br>${who}`;
        if (batch && n.am !== null) out.append(T`<br>mean |δ<sub>${n.u}</sub><sup>(${l})</sup>| = ${fmt(n.am)}`);
        if (batch) out.append(T`<br>(the mean δ is the bias gradient D<sup>(${l - 1})</sup><sub>${n.u},0</sub>)`);
        if (n.z !== null) out.append(T`<br>z<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.z)}`);
        return out;
      }
      const out = T`<b>a<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.v)}</b>${name}<br>${who}`;
      if (n.z !== null) out.append(T`<br>z<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.z)}`);
      return out;
    }
  }
  let best = null, bd = 5;
  for (const s of h.segs) {
    const d = segDist(px, py, s);
    if (d < bd) { bd = d; best = s; }
  }
  if (!best) return null;
  const [, , , , l0, j, i, v] = best;
  const l = l0 + 1;
  const sym = back ? "D" : "Θ";
  const from = i === 0 ? `the bias unit (+1) of layer ${l}` : `unit ${i} of layer ${l}`;
  const out = T`<b>${sym}<sup>(${l})</sup><sub>${j},${i}</sub> = ${fmt(v)}</b>${i === 0 ? " (bias)" : ""}`;
  if (back) out.append(T`<br>= ∂J/∂Θ<sup>(${l})</sup><sub>${j},${i}</sub> (${who})`);
  out.append(T`<br>from ${from} to unit ${j} of layer ${l + 1}`);
  out.append(T`<br>click: its chain rule, live (click again to close)`);
  return out;
}

// ---------- per-neuron maps (canvas) ------------------------------------------------------

function drawMaps(view, f) {
  const maps = f.maps;
  const card = view.dom.mapsCard;
  if (!maps || !maps.layers.length) {
    card.style.display = "none";
    view.mapHits = null;
    return;
  }
  card.style.display = "";
  const canvas = view.dom.maps;
  const W = canvas.parentElement.clientWidth || 600;
  const res = maps.res;
  const maxUnits = Math.max(...maps.layers.map((m) => m.units));
  const labelW = scaled(54);
  const cell = Math.max(14, Math.min(64, Math.floor((W - labelW) / maxUnits) - 3));
  const rowH = cell + 6;
  const H = rowH * maps.layers.length + 4;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  if (!view.mapImg || view.mapImg.width !== res) {
    view.mapImg = document.createElement("canvas");
    view.mapImg.width = res;
    view.mapImg.height = res;
  }
  const ictx = view.mapImg.getContext("2d");
  const img = ictx.createImageData(res, res);
  const hits = [];
  ctx.imageSmoothingEnabled = true;
  maps.layers.forEach((m, row) => {
    const q = b64bytes(m.q);
    const y = 2 + row * rowH;
    ctx.fillStyle = "#333";
    ctx.font = font(12);
    ctx.textAlign = "left";
    ctx.fillText(`a${sup(m.l)}`, 4, y + cell / 2 + scaled(4));
    for (let u = 0; u < m.units; u++) {
      const off = u * res * res;
      for (let i = 0; i < res; i++) {
        for (let j = 0; j < res; j++) {
          // grid row i is y ascending; draw it bottom-up
          const v = m.lo + (q[off + i * res + j] / 255) * (m.hi - m.lo);
          const c = divRGB(m.sym ? v / m.scale : (2 * (v - m.lo)) / (m.hi - m.lo || 1) - 1);
          const p = ((res - 1 - i) * res + j) * 4;
          img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
        }
      }
      ictx.putImageData(img, 0, 0);
      const x = labelW + u * (cell + 3);
      ctx.drawImage(view.mapImg, x, y, cell, cell);
      ctx.strokeStyle = "#999";
      ctx.lineWidth = 0.5;
      ctx.strokeRect(x, y, cell, cell);
      hits.push({ x, y, w: cell, l: m.l, u: u + 1, lo: m.lo, hi: m.hi, act: m.act });
    }
  });
  view.mapHits = hits;
  view.dom.mapsTitle.textContent =
    `What each neuron computes: a⁽ˡ⁾ⱼ(x) over the input plane (same axes as the boundary; ` +
    `orange = low, white = middle, blue = high)`;
}

function mapTooltip(view, px, py) {
  for (const h of view.mapHits || []) {
    if (px >= h.x && px <= h.x + h.w && py >= h.y && py <= h.y + h.w) {
      return T`<b>a<sub>${h.u}</sub><sup>(${h.l})</sup>(x)</b> — unit ${h.u} of layer ${h.l} (${h.act})<br>ranges from ${fmt(h.lo)} to ${fmt(h.hi)} over this plane`;
    }
  }
  return null;
}


// ---------- tooltips ----------------------------------------------------------------------

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

// ---------- hand edits: drawing points, the chain rule of one weight, PNG ------------------
// Edits go to the server as messages (lab_ui/live/channel/protocol.py validates them); it applies
// them under its lock and the next frame shows the result.  Every number of the chain-rule
// panel comes from bp_core (lab_ui/live/frames.py: chain_part); this code only writes it out, as
// text nodes.

const DRAG_PX = 4; // a press that moves further than this pans; a shorter one is a click
const CLICK_DELAY_MS = 250; // a second click within this makes a double-click (whole plane)

function updateDrawUi(view, f) {
  const d = f.draw;
  const box = view.dom.drawBox;
  view.drawInfo = d && f.boundary ? d : null;
  view.dom.root.classList.toggle("bp-drawable", Boolean(view.drawInfo));
  if (!view.drawInfo) { box.style.display = "none"; return; }
  box.style.display = "";
  const K = d.classes;
  const key = K + ":" + d.names.join("|");
  if (view.drawKey !== key) {
    view.drawKey = key;
    const label = document.createElement("span");
    label.className = "bp-draw-label";
    label.textContent = "Draw class";
    const kids = [label];
    const name = (k) => (d.names[k] !== undefined && d.names[k] !== String(k) ? `${k}: ${d.names[k]}` : String(k));
    if (K <= 10) {
      for (let k = 0; k < K; k++) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "bp-cls";
        b.dataset.cls = String(k);
        const dot = document.createElement("span");
        dot.className = "bp-dot";
        dot.style.background = css(CLASS_RGB[k % CLASS_RGB.length]);
        b.append(dot, document.createTextNode(name(k)));
        b.addEventListener("click", () => { view.drawClass = k; markClass(view); });
        kids.push(b);
      }
    } else {
      const sel = document.createElement("select");
      sel.className = "bp-cls-select";
      sel.dataset.role = "draw-class";
      for (let k = 0; k < K; k++) {
        const o = document.createElement("option");
        o.value = String(k);
        o.textContent = name(k);
        sel.appendChild(o);
      }
      sel.addEventListener("change", () => { view.drawClass = Number(sel.value); });
      kids.push(sel);
    }
    box.replaceChildren(...kids);
    if (!(view.drawClass < K)) view.drawClass = 0;
    markClass(view);
  }
  box.title =
    `Click the plane: a new training point of the chosen class. Shift+click: remove the nearest ` +
    `training point (within ${d.radius_px} px). Drawn points stay through Reset and network changes; ` +
    `choosing another data set or changing a data setting drops them. At most ` +
    `${d.max.toLocaleString("en")} drawn points (${d.drawn} now). Drag to pan, wheel to zoom, ` +
    `double-click for the whole plane.`;
}

function markClass(view) {
  for (const b of view.dom.drawBox.querySelectorAll(".bp-cls")) {
    b.setAttribute("aria-pressed", String(Number(b.dataset.cls) === view.drawClass));
  }
  const sel = view.dom.drawBox.querySelector("select");
  if (sel) sel.value = String(view.drawClass);
}

// The pointer in data coordinates and the data size of one screen pixel; null off the plot.
function plotPoint(view, ev) {
  const g = view.bGeo;
  if (!g) return null;
  const r = view.dom.boundary.getBoundingClientRect();
  const px = ev.clientX - r.left, py = ev.clientY - r.top;
  if (px < g.m.l || py < g.m.t || px > g.m.l + g.side || py > g.m.t + g.side) return null;
  const sx = (g.ext[1] - g.ext[0]) / g.side, sy = (g.ext[3] - g.ext[2]) / g.side;
  return { at: [g.ext[0] + (px - g.m.l) * sx, g.ext[2] + (g.m.t + g.side - py) * sy], px: [sx, sy] };
}

function boundaryClick(view, ev) {
  clearTimeout(view.clickTimer);
  if (ev.detail >= 2 || !view.drawInfo) return; // the second click of a double-click
  const p = plotPoint(view, ev);
  if (!p) return;
  const remove = ev.shiftKey;
  view.clickTimer = setTimeout(() => {
    if (remove) send(view, { t: "remove_point", at: p.at, px: p.px });
    else send(view, { t: "add_point", at: p.at, c: view.drawClass || 0 });
  }, CLICK_DELAY_MS);
}

function buildChainCard() {
  const card = document.createElement("div");
  card.className = "bp-card bp-chain-card";
  card.dataset.role = "chain";
  card.style.display = "none";
  const head = document.createElement("div");
  head.className = "bp-chain-head";
  const title = document.createElement("div");
  title.className = "bp-title";
  title.dataset.role = "chain-title";
  const close = button("×", "chain-close", "Close the chain rule of this weight");
  close.classList.add("bp-chain-close");
  head.append(title, close);
  const body = document.createElement("div");
  body.className = "bp-chain-body";
  body.dataset.role = "chain-body";
  const edit = document.createElement("div");
  edit.className = "bp-chain-edit";
  const label = document.createElement("label");
  label.className = "bp-chain-label";
  const input = document.createElement("input");
  input.type = "number";
  input.step = "any";
  input.min = "-10000";
  input.max = "10000";
  input.dataset.role = "chain-value";
  const set = button("Set", "set-weight", "Set this weight by hand: a, δ, D and the boundary change at once");
  const help = document.createElement("span");
  help.className = "bp-chain-help";
  help.textContent = "(a hand edit: a link to these settings cannot replay it)";
  edit.append(label, input, set, help);
  card.append(head, body, edit);
  return { card, title, close, body, label, input, set };
}

function setChain(view, w) {
  send(view, { t: "chain", w });
  if (!w) view.dom.chain.card.style.display = "none"; // at once; the next frame agrees
}

function drawChain(view, f) {
  const c = f.chain, d = view.dom.chain;
  if (!c) {
    d.card.style.display = "none";
    view.chainKey = null;
    return;
  }
  d.card.style.display = "";
  const [l, j, k] = c.w;
  const W = (sym) => T`${sym}<sup>(${l})</sup><sub>${j},${k}</sub>`;
  const key = c.w.join(",");
  d.card.dataset.theta = String(c.theta);
  if (view.chainKey !== key) {
    view.chainKey = key;
    const from = k === 0 ? `the bias unit (+1) of layer ${l}` : `unit ${k} of layer ${l}`;
    d.title.replaceChildren(T`Chain rule of one weight, live: `, W("Θ"), T` (from ${from} to unit ${j} of layer ${l + 1})`);
    [view.dom.pickL.value, view.dom.pickJ.value, view.dom.pickK.value] = c.w.map(String);
    d.label.replaceChildren(T`set `, W("Θ"), T` to `);
    d.input.value = String(c.theta);
  } else if (document.activeElement !== d.input && view.chainTheta !== c.theta) {
    d.input.value = String(c.theta);
  }
  view.chainTheta = c.theta;
  // fresh fragments each time: appending a fragment empties it
  const aK = () => T`a<sub>${k}</sub><sup>(${l})</sup>`;
  const dJ = () => T`δ<sub>${j}</sub><sup>(${l + 1})</sup>`;
  const lines = [];
  const formula = T`<b>∂J/∂</b>`;
  formula.append(W("Θ"), T`<b> = D</b>`, W(""), T`<b> = (1/m) Σ<sub>i</sub> </b>`, dJ(), T` `, aK());
  if (k === 0) formula.append(T` <b>(bias: a<sub>0</sub> = 1, and no λ term: biases are not regularized)</b>`);
  else formula.append(T`<b> + ${c.reg_formula}</b>`);
  lines.push(formula);
  const who = c.full
    ? `on the whole training set (full batch, m = ${c.m})`
    : `on the last mini-batch (m = ${c.m} of the ${c.m_train} training examples)`;
  const nums = T`${who}, at the current Θ: Σ<sub>i</sub> δ a = ${fmt(c.sum)} · (1/m) Σ = ${fmt(c.mean)}`;
  if (k !== 0) nums.append(T` · λ term ${c.reg_formula} = ${fmt(c.reg_term)} (λ = ${fmt(c.lambda)})`);
  nums.append(T` · `, T`<b>D</b>`, W(""), T`<b> = ${fmt(c.D)}</b> (bp_core's backprop)`);
  lines.push(nums);
  const table = document.createElement("table");
  table.className = "bp-chain-top";
  const head = document.createElement("tr");
  for (const h of [T`example i`, dJ(), aK(), T`δ · a`]) {
    const th = document.createElement("th");
    th.append(h);
    head.appendChild(th);
  }
  table.appendChild(head);
  for (const t of c.top) {
    const tr = document.createElement("tr");
    const who = t.i !== null ? String(t.i) : `row ${t.row} of the batch`;
    for (const v of [who, fmt(t.delta), fmt(t.a), fmt(t.product)]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  const cap = T`the ${c.top.length} largest terms δ a of the ${c.m} in the sum:`;
  const upd = T`the update it makes (${c.opt_label}: ${c.opt_formula}, α = ${fmt(c.alpha)}): `;
  upd.append(W("Θ"), T` ${fmt(c.theta)} → <b>${fmt(c.after)}</b> (change ${fmt(c.change)}`);
  if (c.optimizer !== "gd") upd.append(T`; −α·D alone would be ${fmt(c.gd_change)}`);
  upd.append(T`)${c.full ? "" : " — the next step's mini-batch will be another one"}`);
  const rows = [...lines, cap, table, upd].map((part) => {
    const div = document.createElement("div");
    div.append(part);
    return div;
  });
  d.body.replaceChildren(...rows);
}

// The boundary and the network diagram, side by side on white, as one PNG (canvas.toBlob:
// made in the browser, nothing asked of the server).
function exportPng(view) {
  const f = view.drawnFrame;
  const cvs = [view.dom.boundary, view.dom.net].filter((c) => c.width > 1 && c.offsetParent !== null);
  if (!cvs.length) return;
  const dpr = window.devicePixelRatio || 1;
  const gap = Math.round(16 * dpr), foot = Math.round(20 * dpr);
  const W = cvs.reduce((n, c) => n + c.width, 0) + gap * (cvs.length + 1);
  const H = Math.max(...cvs.map((c) => c.height)) + 2 * gap + foot;
  const out = document.createElement("canvas");
  out.width = W;
  out.height = H;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  let x = gap;
  for (const c of cvs) { ctx.drawImage(c, x, gap); x += c.width + gap; }
  ctx.fillStyle = "#444";
  ctx.font = font(12 * dpr);
  ctx.textAlign = "left";
  ctx.fillText(short("Backprop Lab · " + (view.dom.status.textContent || ""), 180), gap, H - gap);
  out.toBlob((blob) => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `backprop-lab-epoch-${f ? f.epoch : 0}.png`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    window.__bpPng = { width: W, height: H, bytes: blob.size };
  }, "image/png");
}

function attachInteractions(view) {
  const d = view.dom;
  d.png.addEventListener("click", () => exportPng(view));
  d.pickGo.addEventListener("click", () => {
    const w = [d.pickL, d.pickJ, d.pickK].map((el) => Number(el.value));
    if (!w.every((v) => Number.isInteger(v) && v >= 0) || w[0] < 1 || w[1] < 1) {
      d.notice.textContent = "A weight is Θ^(l)_jk with whole numbers l, j ≥ 1 and k ≥ 0 (the bias).";
      return;
    }
    setChain(view, w);
  });
  d.chain.close.addEventListener("click", () => setChain(view, null));
  const submit = () => {
    const v = Number(d.chain.input.value);
    const f = view.drawnFrame;
    if (!f || !f.chain || d.chain.input.value.trim() === "" || !Number.isFinite(v)) {
      d.notice.textContent = "Type a number to set the weight to.";
      return;
    }
    send(view, { t: "set_weight", w: f.chain.w, value: v });
  };
  d.chain.set.addEventListener("click", submit);
  d.chain.input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); submit(); } });
  // a click on an edge of the diagram opens (or, on the same edge, closes) its chain rule
  d.net.addEventListener("click", (ev) => {
    const h = view.netHits;
    if (!h) return;
    const r = d.net.getBoundingClientRect();
    const px = ev.clientX - r.left, py = ev.clientY - r.top;
    for (const n of h.nodes) if ((n.x - px) ** 2 + (n.y - py) ** 2 <= (h.r + 2) ** 2) return;
    let best = null, bd = 5;
    for (const sg of h.segs) {
      const dist = segDist(px, py, sg);
      if (dist < bd) { bd = dist; best = sg; }
    }
    if (!best) return;
    const w = [best[4] + 1, best[5], best[6]];
    const f = view.drawnFrame;
    const open = f && f.chain ? f.chain.w.join(",") : "";
    setChain(view, open === w.join(",") ? null : w);
  });
}

// ---------- the channel -------------------------------------------------------------------

function send(view, msg) {
  const ws = view.ws;
  if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg));
}

function connect(view) {
  if (view.ws && view.ws.readyState <= 1 && view.wsToken === view.token) return;
  if (view.ws) { view.ws.onclose = null; view.ws.close(); }
  const url = new URL(view.wsPath, new URL("../../../", import.meta.url));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url.href);
  ws.binaryType = "arraybuffer";
  view.ws = ws;
  view.wsToken = view.token;
  view.dom.conn.textContent = "connecting …";
  ws.onopen = () => {
    view.retries = 0;
    view.dom.conn.textContent = "";
    ws.send(JSON.stringify({ t: "hello", token: view.token }));
  };
  ws.onmessage = (ev) => {
    if (!(ev.data instanceof ArrayBuffer)) return;
    const f = unpackFrame(ev.data);
    if (f.t !== "frame") return;
    window.__bpReceived = (window.__bpReceived || 0) + 1;
    receive(view, f);
  };
  ws.onclose = (ev) => {
    if (view.ws !== ws) return;
    view.ws = null;
    if (ev.code === 4409) {
      view.dom.conn.textContent = "This Playground is open in another tab; reload to show it here.";
      return;
    }
    if (ev.code === 4403) {
      view.dom.conn.textContent = "The live view's session has ended: reload the page.";
      return;
    }
    view.retries = (view.retries || 0) + 1;
    if (view.retries > 30 || !view.dom.root.isConnected) {
      view.dom.conn.textContent = "The live view lost its connection: reload the page.";
      return;
    }
    view.dom.conn.textContent = "reconnecting …";
    setTimeout(() => connect(view), Math.min(5000, 300 * view.retries));
  };
}

// A frame carries only what changed: "same" keeps the points or the history the view has.
function receive(view, f) {
  if (f.uirev !== view.uirev) { view.uirev = f.uirev; view.zoom = null; }
  if (f.points === "same") f.points = view.points; else view.points = f.points;
  if (f.history === "same") f.history = view.history;
  else if (f.history && f.history.append && view.history) f.history = view.history = appendHistory(view.history, f.history.append);
  else view.history = f.history;
  for (const e of f.events || []) view.trigger("event", { e, rev: f.rev });
  const rt = (window.__bpRecvTimes = window.__bpRecvTimes || []);
  rt.push(performance.now());
  if (rt.length > 5000) rt.splice(0, rt.length - 5000);
  (view.queue = view.queue || []).push(f); // at most three: the server's window
  schedule(view);
}

// New rows at the end of the curves; beyond MAX_CURVE_POINTS the older half is thinned by
// two (as the trainer thins its own history), so the view's memory stays bounded.
const MAX_CURVE_POINTS = 4000;
function appendHistory(h, rows) {
  const cols = ["epoch", "J_train", "J_test", "metric_train", "metric_test"];
  const out = { metric_name: h.metric_name };
  for (const c of cols) out[c] = h[c].concat(rows[c]);
  out.grad_norm = h.grad_norm.map((ys, l) => ys.concat(rows.grad_norm[l] || []));
  if (out.epoch.length > MAX_CURVE_POINTS) {
    const half = out.epoch.length >> 1;
    const keep = (ys) => ys.filter((_, i) => i >= half || i % 2 === 0);
    for (const c of cols) out[c] = keep(out[c]);
    out.grad_norm = out.grad_norm.map(keep);
  }
  return out;
}

function markPainted(view, f) {
  window.__bpPainted = (window.__bpPainted || 0) + 1;
  const t = performance.now();
  const log = (window.__bpPaintTimes = window.__bpPaintTimes || []);
  log.push(t);
  if (log.length > 5000) log.splice(0, log.length - 5000);
  window.__bpLast = { epoch: f.epoch, step: f.step, rev: f.rev, t, server_ms: f.server_ms };
  const stats = (window.__bpStats = window.__bpStats || []);
  stats.push([t, f.server_ms || 0, window.__bpDrawMs || 0, f.rev]);
  if (stats.length > 5000) stats.splice(0, stats.length - 5000);
  const root = view.dom.root;
  root.dataset.epoch = String(f.epoch);
  root.dataset.step = String(f.step);
  root.dataset.painted = String(window.__bpPainted);
  root.dataset.rev = String(f.rev);
  root.dataset.sizes = f.net ? f.net.sizes.join("-") : "";
  root.dataset.uirev = f.uirev || "";
  root.dataset.trainPoints = String(f.points && f.points.train ? f.points.train.x.length : 0);
  root.dataset.chain = f.chain ? f.chain.w.join(",") : "";
}

function draw(view, f) {
  const dom = view.dom;
  const T0 = (window.__bpTimes = {});
  let t = performance.now();
  const lap = (name) => { const n = performance.now(); T0[name] = +(n - t).toFixed(2); t = n; };
  dom.status.textContent = f.status || "";
  if (!f.boundary && f.no_plane) dom.status.textContent += " — " + f.no_plane;
  view.playing = !!f.playing;
  dom.play.textContent = f.playing ? "❚❚ Pause" : "▶ Play";
  dom.root.dataset.playing = f.playing ? "1" : "0";
  dom.root.classList.toggle("bp-noplane", !f.boundary);
  const skip = window.__bpSkip || {}; // benchmark switch: leave parts out to measure them
  if (f.boundary && !skip.boundary) {
    drawBoundary(view, f);
    if (!window.__bpMarks.firstBoundary) window.__bpMarks.firstBoundary = performance.now();
  }
  lap("boundary");
  if (!skip.net) drawNet(view, f);
  lap("net");
  if (!skip.maps) drawMaps(view, f);
  lap("maps");
  if (!skip.curves && f.history) drawCurves(view, f);
  lap("curves");
  dom.notice.textContent = f.notice || "";
  // its line is kept while points can be drawn, so a notice never moves the plot under the mouse
  dom.notice.classList.toggle("bp-reserve", Boolean(f.draw || f.chain || f.notice));
  updateDrawUi(view, f);
  drawChain(view, f);
  lap("chain");
}

function schedule(view) {
  if (view.rafPending) return;
  view.rafPending = true;
  requestAnimationFrame(() => {
    view.rafPending = false;
    const f = (view.queue || []).shift(); // frames are drawn in order, none skipped
    if (!f) return;
    if (view.queue.length) schedule(view); // the next one on the next screen refresh
    // Ask for the next frame now: the server builds it while this one is drawn.
    send(view, { t: "ack", rev: f.rev });
    try {
      const t0 = performance.now();
      draw(view, f);
      window.__bpDrawMs = performance.now() - t0;
      view.drawnFrame = f;
      if (!window.__bpMarks.firstPaint) window.__bpMarks.firstPaint = performance.now();
      markPainted(view, f);
      view.dom.root.dataset.error = "";
    } catch (err) {
      view.dom.status.textContent = "Live view error: " + (err && err.message ? err.message : err);
      view.dom.root.dataset.error = String(err);
      console.error(err);
    }
  });
}

// ---------- controls: buttons and keys ----------------------------------------------------

function attachControls(view) {
  const d = view.dom;
  const playPause = () => {
    view.playing = !view.playing; // answered at once; the next frame confirms it
    d.play.textContent = view.playing ? "❚❚ Pause" : "▶ Play";
    send(view, { t: view.playing ? "play" : "pause" });
  };
  const step = (n) => send(view, { t: "step", n });
  const reset = () => view.trigger("command", { c: "reset", n: (view.resets = (view.resets || 0) + 1) });
  d.play.addEventListener("click", playPause);
  d.stepB.addEventListener("click", () => step("batch"));
  d.stepE.addEventListener("click", () => step("epoch"));
  d.reset.addEventListener("click", reset);
  d.sharedInput.addEventListener("change", () => {
    view.sharedScale = d.sharedInput.checked;
    if (view.drawnFrame) drawNet(view, view.drawnFrame);
  });
  const toggleKeys = (show = d.keyList.hidden) => {
    d.keyList.hidden = !show;
    d.keys.setAttribute("aria-expanded", String(show));
  };
  d.keys.addEventListener("click", () => toggleKeys());
  view.onKey = (ev) => {
    if (!d.root.isConnected) { document.removeEventListener("keydown", view.onKey); return; }
    const el = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    if (ev.key === " " || ev.code === "Space") { ev.preventDefault(); playPause(); }
    else if (ev.key === "ArrowRight" && ev.shiftKey) { ev.preventDefault(); step("epoch"); }
    else if (ev.key === "ArrowRight" || ev.key === "." || ev.key === "PageDown") { ev.preventDefault(); step("batch"); }
    else if (ev.key === "r" || ev.key === "R") { ev.preventDefault(); reset(); }
    else if (ev.key === "?") { toggleKeys(); }
    else if (ev.key === "Escape" && !d.keyList.hidden) { toggleKeys(false); }
  };
  document.addEventListener("keydown", view.onKey);
}

// ---------- mount -------------------------------------------------------------------------

function parseData(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  if (typeof data === "string") return JSON.parse(data);
  return data;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = parseData(component.data) || {};
  let view = parentElement.__bpView;
  if (!view || !view.dom.root.isConnected) {
    view = { dom: buildDom(parentElement) };
    parentElement.__bpView = view;
    attachTip(view, view.dom.boundary, boundaryTooltip);
    attachTip(view, view.dom.net, netTooltip);
    attachTip(view, view.dom.maps, mapTooltip);
    attachTip(view, view.dom.curves, (v, x, y) => chartTooltip(v, x, y, view.dom.curves));
    attachTip(view, view.dom.grads, (v, x, y) => chartTooltip(v, x, y, view.dom.grads));
    attachZoom(view);
    attachControls(view);
    attachInteractions(view);
    window.__bpMounts = (window.__bpMounts || 0) + 1;
    window.__bpMarks = Object.assign(window.__bpMarks || {}, { mounted: performance.now() });
    window.__bpRoot = view.dom.root;
  }
  view.trigger = (name, value) => { if (setTriggerValue) setTriggerValue(name, value); };
  const scale = Number(data.scale) > 0 ? Math.min(3, Number(data.scale)) : 1;
  const rescaled = scale !== FONT_SCALE;
  FONT_SCALE = scale; // the next frame (the page re-publishes on every change) is drawn at it
  view.dom.root.classList.toggle("bp-presenter", Boolean(data.presenter));
  if (rescaled && view.drawnFrame) { try { draw(view, view.drawnFrame); } catch (err) { console.error(err); } }
  if (data.schema === 2 && data.token) {
    view.token = data.token;
    view.wsPath = data.ws;
    connect(view);
  }
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected && view.dom.root.isConnected) return;
      if (view.ws) { view.ws.onclose = null; view.ws.close(); view.ws = null; }
      document.removeEventListener("keydown", view.onKey);
      view.dom.root.remove();
      if (parentElement.__bpView === view) parentElement.__bpView = null;
    }, 0);
  };
}
