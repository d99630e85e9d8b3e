// The network diagram (canvas): nodes a^(l) or δ^(l), edges Θ^(l) or D^(l), and what the
// pointer is over (its tooltip; a click on an edge is input.js's).  The arithmetic (where
// units go, which edges are drawn, what is hit) is layout.js's.

import { BLUE, ORANGE, css, divRGB } from "./colour.js";
import { T, coloured, gradientSwatch, pageTop, setText, sizeCanvas } from "./dom.js";
import { clip, fmt, short2, sub, sup } from "./format.js";
import { b64f32 } from "./frame.js";
import { drawLit, litMarks } from "./lit.js";
import {
  NET_MIN_H, edgeLook, fitHeight, layoutNet, netHeight, netHit, netSegments, nodeY, textSize,
} from "./layout.js";
import { setHits } from "./state.js";

const NB = 8; // edges are stroked in NB buckets of strength per sign: one stroke per bucket

function drawEdges(ctx, segs, bucket, dense) {
  const buckets = [];
  for (let s = 0; s < 2; s++) for (let k = 0; k < NB; k++) buckets.push(new Path2D());
  for (let n = 0; n < segs.length; n++) {
    const sg = segs[n], p = buckets[bucket[n]];
    p.moveTo(sg[0], sg[1]);
    p.lineTo(sg[2], sg[3]);
  }
  for (let s = 0; s < 2; s++) {
    for (let k = 0; k < NB; k++) {
      const m = (k + 0.5) / NB;
      ctx.strokeStyle = css(s ? BLUE : ORANGE, (dense ? 0.18 : 0.25) + 0.7 * m);
      ctx.lineWidth = (dense ? 0.4 : 0.5) + (dense ? 2.5 : 5) * m;
      ctx.stroke(buckets[s * NB + k]);
    }
  }
}

// The edges are drawn on a layer of their own (one per view), again only when they look
// different (layout.js edgeLook), and copied onto the diagram each frame: a big network's
// ~1,200 wide anti-aliased strokes cost the browser more than the rest of a frame (headless
// Chromium, 8 × 32 sigmoid: 17 ms of a 41 ms frame), and while it trains they rarely change.
const layers = new WeakMap();
function drawEdgesLayer(view, ctx, segs, dense, geo, W, H) {
  let c = layers.get(view);
  if (!c) layers.set(view, (c = { canvas: document.createElement("canvas"), key: null }));
  const dpr = window.devicePixelRatio || 1;
  const look = edgeLook(segs, NB, geo, [W, H, dpr, dense].join(","));
  if (look.key !== c.key) {
    const lctx = sizeCanvas(c.canvas, W, H);
    lctx.clearRect(0, 0, W, H);
    drawEdges(lctx, segs, look.bucket, dense);
    c.key = look.key;
  }
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(c.canvas, 0, 0);
  ctx.restore();
}

export function drawNet(view, f) {
  const net = f.net, s = view.state;
  const tx = textSize(s.fontScale);
  const canvas = view.dom.net;
  const W = canvas.parentElement.clientWidth || 600;
  // the live view's diagram fits the window (a projector, a first look), down to NET_MIN_H
  const natural = netHeight(net.sizes, s.fontScale);
  const H = view.fit ? fitHeight(natural, pageTop(canvas.parentElement), window.innerHeight, NET_MIN_H) : natural;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const geo = layoutNet(net, W, H, s.fontScale);
  const L = net.sizes.length;
  const nodes = net.nodes.map((v) => (v ? b64f32(v) : null));
  const zs = (net.z || []).map((v) => (v ? b64f32(v) : null));
  const absm = (net.absmean || []).map((v) => (v ? b64f32(v) : null));
  // Colour scales: each layer on its own (the default; the largest value of each layer is
  // written beside it), or one for all layers, which is what shows vanishing gradients.
  // Only the MAX_EDGES strongest edges are drawn (rasterizing ~8,000 costs more than the
  // rest of a frame), and the legend says so.
  const shared = s.sharedScale;
  const { segs, total, emaxL, emax } = netSegments(net, geo, net.edges.map(b64f32), shared);
  // what a step of the walk-through touches (f.lit: the Step-through page, net_view.js)
  const lit = f.lit ? litMarks(geo, net.sizes, f.lit) : null;
  if (lit) drawLit(ctx, lit, "under");
  drawEdgesLayer(view, ctx, segs, total > 600, geo, W, H);
  if (f.view && f.view.highlight === "theta_rows" && L > 1) { // a reveal: Θ⁽¹⁾'s edges
    const a = geo.cols[0], b = geo.cols[1], pad = geo.r + 6;
    ctx.save();
    ctx.strokeStyle = "#e6a700";
    ctx.lineWidth = 3;
    ctx.strokeRect(a.x - pad, tx.px(30), b.x - a.x + 2 * pad, H - tx.px(30) - tx.px(16));
    ctx.restore();
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
  ctx.font = tx.font(11);
  ctx.textAlign = "center";
  // every node's outline goes into one of two paths, stroked once after the loop (the nodes
  // never overlap): two strokes instead of one a node
  const rims = new Path2D(), biasRims = new Path2D();
  for (let l = 0; l < L; l++) {
    const col = geo.cols[l];
    const n = nodes[l];
    for (let u = col.withBias ? 0 : 1; u <= net.sizes[l]; u++) {
      const y = nodeY(col, u);
      ctx.beginPath();
      ctx.arc(col.x, y, geo.r, 0, 2 * Math.PI);
      const rim = u === 0 ? biasRims : rims;
      rim.moveTo(col.x + geo.r, y);
      rim.arc(col.x, y, geo.r, 0, 2 * Math.PI);
      let v = null;
      if (u === 0) {
        ctx.fillStyle = "#e8e8e8";
        ctx.fill();
        if (geo.r >= tx.px(7)) { ctx.fillStyle = "#333"; ctx.fillText("+1", col.x, y + tx.px(4)); }
      } else {
        v = n ? n[u - 1] : null;
        ctx.fillStyle = v === null ? "#ddd" : css(divRGB((v - center[l]) / (nscale[l] || 1)));
        ctx.fill();
      }
      const z = zs[l] && u > 0 ? zs[l][u - 1] : null;
      const am = absm[l] && u > 0 ? absm[l][u - 1] : null;
      hits.push({ kind: "node", x: col.x, y, l, u, v, z, am });
    }
    // column header: "layer l" and its g; shortened (g's symbol, from the server) when the
    // columns are narrow
    const spacing = L > 1 ? geo.cols[1].x - geo.cols[0].x : W;
    const kind = l === 0 ? "input" : l === L - 1 ? "output" : "hidden";
    const symbol = (net.acts_short && net.acts_short[l]) || net.acts[l] || ""; // from the entry
    const line1 = spacing >= tx.px(62) ? `layer ${l + 1}` : String(l + 1);
    const line2 = spacing >= tx.px(105) ? `${kind}${symbol ? " · " + symbol : ""}` : l === 0 ? "x" : symbol;
    ctx.textAlign = l === 0 && L > 1 ? "left" : l === L - 1 && L > 1 ? "right" : "center";
    const hx = l === 0 && L > 1 ? col.x - geo.r : l === L - 1 && L > 1 ? col.x + geo.r : col.x;
    ctx.fillStyle = "#222";
    ctx.font = tx.font(12);
    ctx.fillText(line1, hx, tx.px(12));
    ctx.font = tx.font(11);
    ctx.fillStyle = "#555";
    ctx.fillText(line2, hx, tx.px(25));
    if (back && l > 0 && !shared && spacing >= tx.px(62)) {
      ctx.fillText(`±${short2(nscale[l])}`, hx, H - 2 - tx.px(14)); // above the |D| row
    }
    if (l < L - 1 && !shared && spacing >= tx.px(90)) { // each Θ's (or D's) own largest value
      ctx.textAlign = "center";
      ctx.fillStyle = "#777";
      ctx.fillText(`|${back ? "D" : "Θ"}${sup(l + 1)}| ≤ ${short2(emaxL[l])}`, (col.x + geo.cols[l + 1].x) / 2, H - 2);
    }
    ctx.textAlign = "center";
    // input names and output names beside the nodes
    if (geo.r >= 5 && (l === 0 || l === L - 1) && net.names[l]) {
      ctx.textAlign = l === 0 ? "right" : "left";
      for (let u = 1; u <= net.sizes[l]; u++) {
        const name = net.names[l][u - 1];
        if (name) ctx.fillText(name, col.x + (l === 0 ? -geo.r - 3 : geo.r + 3), nodeY(col, u) + tx.px(4));
      }
      ctx.textAlign = "center";
    }
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#333";
  ctx.stroke(rims);
  ctx.setLineDash([2, 2]);
  ctx.strokeStyle = "#666";
  ctx.stroke(biasRims);
  ctx.setLineDash([]);
  if (lit) drawLit(ctx, lit, "over");
  setHits(s, "net", { nodes: hits, segs, r: geo.r, net, emax });
  legend(view, net, { shared, nscale, emax, shown: total > segs.length ? [segs.length, total] : null });
}

// The diagram's title and legend (HTML, under the canvas).
function legend(view, net, { shared, nscale, emax, shown }) {
  const back = net.mode === "backward";
  const esym = back ? "D" : "Θ";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over the ${net.m} training examples`;
  setText(view.dom.netTitle, back
    ? `Backward pass: nodes = error terms δ⁽ˡ⁾, edges = gradients D⁽ˡ⁾ (${who})`
    : `Forward pass: nodes = activations a⁽ˡ⁾, edges = weights Θ⁽ˡ⁾ (${net.example >= 0 ? who : "node colour: " + who})`);
  const dsym = net.example >= 0 ? "δ⁽ˡ⁾" : "mean δ⁽ˡ⁾";
  const nodeTxt = !back
    ? `node colour: a⁽ˡ⁾ from the low end of g's range (orange) through its middle (white) to the high end (blue)`
    : shared
      ? `node colour: ${dsym} from −${fmt(nscale[1])} (orange) through 0 (white) to +${fmt(nscale[1])} (blue), one scale for all layers: pale hidden layers mean their gradients have vanished`
      : `node colour: ${dsym} on each layer's own scale, from − (orange) through 0 (white) to + (blue); under each layer: its largest |δ|, between layers: the largest |D|`;
  const edgeTxt = shared ? `width ∝ |${esym}| (largest ${fmt(emax)}, one scale)` : `width ∝ |${esym}| relative to the largest in its layer`;
  const shownTxt = shown ? ` · the ${shown[0].toLocaleString("en")} strongest of ${shown[1].toLocaleString("en")} edges drawn` : "";
  // made again only when its words change: a new legend every frame made the browser lay out
  // the whole page every frame
  const words = [nodeTxt, esym, edgeTxt, shownTxt].join("|");
  if (legends.get(view) === words) return;
  legends.set(view, words);
  view.dom.netLegend.replaceChildren(T`${gradientSwatch()} ${nodeTxt} · edge colour: sign of ${esym} (${coloured("+", BLUE)} / ${coloured("−", ORANGE)}), ${edgeTxt}${shownTxt} · dashed “+1” = bias unit; hover for exact values`);
}
const legends = new WeakMap(); // view → the words of the legend it shows

export function netTooltip(view, px, py) {
  const h = view.state.hits.net;
  const hit = netHit(h, px, py);
  if (!hit) return null;
  const net = h.net;
  const back = net.mode === "backward";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over ${net.m} training examples`;
  if (hit.node) {
    const n = hit.node;
    const l = n.l + 1;
    if (n.u === 0) return T`<b>bias unit a${sub(0)}<sup>(${l})</sup> = +1</b><br>its weights Θ<sup>(${l})</sup><sub>j,0</sub> are the biases of layer ${l + 1}`;
    // a CSV's column names and class labels are data: inserted as text, never as markup
    const name = net.names[n.l] && net.names[n.l][n.u - 1] ? ` (${clip(net.names[n.l][n.u - 1])})` : "";
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
  const [, , , , l0, j, i, v] = hit.seg;
  const l = l0 + 1;
  const sym = back ? "D" : "Θ";
  const from = i === 0 ? `the bias unit (+1) of layer ${l}` : `unit ${i} of layer ${l}`;
  const out = T`<b>${sym}<sup>(${l})</sup><sub>${j},${i}</sub> = ${fmt(v)}</b>${i === 0 ? " (bias)" : ""}`;
  if (back) out.append(T`<br>= ∂J/∂Θ<sup>(${l})</sup><sub>${j},${i}</sub> (${who})`);
  out.append(T`<br>from ${from} to unit ${j} of layer ${l + 1}`);
  if (!view.still) out.append(T`<br>click: its chain rule, live (click again to close)`);
  return out;
}

/** The weight [l, j, k] (course indices) of the edge at (px, py), or null (a node, or none). */
export function edgeAt(view, px, py) {
  const hit = netHit(view.state.hits.net, px, py);
  return hit && hit.seg ? [hit.seg[4] + 1, hit.seg[5], hit.seg[6]] : null;
}
