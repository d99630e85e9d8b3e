// What one step of the walk-through touches, marked on the network diagram (the Step-through
// page draws its diagram with diagram.js drawNet: net_view.js).  litMarks is pure (tested
// under node, tests/js/lit.test.mjs); drawLit paints its marks.
//
// lit (lab_ui/live/net_view.py LitPart): {read, written: course layer numbers (1 … L) whose
// units the step reads / computes; edges: the course l of each Θ^(l) it uses; bias: whether
// the bias unit's connections take part; backward: a backward step (δ, Δ, D, the update)}.

import { nodeY } from "./layout.js";

export const LIT_RGB = {
  read: [106, 61, 154], // purple ring: read by this step
  written: [44, 160, 44], // green ring: computed by this step
  forward: [31, 119, 180], // band over the Θ^(l) a forward step uses
  backward: [214, 39, 40], // … a backward step
};

/**
 * Where the marks go.  geo: layout.js layoutNet's {cols: [{x, ys, withBias}], r}; sizes: (L,)
 * s_1 … s_L; lit as above.  Returns {rings: [{x, y, r, role}], bands: [{x0, y0, x1, y1, role}]}
 * (pixels; role "read" or "written" for a ring, "forward" or "backward" for a band).  A unit
 * both read and written is marked written; a bias unit is ringed when it is read through a
 * used Θ^(l) whose bias connections take part.
 */
export function litMarks(geo, sizes, lit) {
  const rings = [], bands = [];
  if (!lit) return { rings, bands };
  const L = sizes.length;
  const has = (list, l) => Array.isArray(list) && list.includes(l);
  const pad = Math.max(2, geo.r * 0.35);
  for (let l = 1; l <= L; l++) {
    const role = has(lit.written, l) ? "written" : has(lit.read, l) ? "read" : null;
    if (!role) continue;
    const col = geo.cols[l - 1];
    const withBias = col.withBias && role === "read" && lit.bias !== false && has(lit.edges, l);
    for (let u = withBias ? 0 : 1; u <= sizes[l - 1]; u++) {
      rings.push({ x: col.x, y: nodeY(col, u), r: geo.r + pad, role });
    }
  }
  for (const l of lit.edges || []) {
    if (!(l >= 1 && l < L)) continue;
    const a = geo.cols[l - 1], b = geo.cols[l];
    const ys = [];
    for (let u = a.withBias && lit.bias !== false ? 0 : 1; u <= sizes[l - 1]; u++) ys.push(nodeY(a, u));
    for (let u = 1; u <= sizes[l]; u++) ys.push(nodeY(b, u));
    const m = geo.r + 2 * pad;
    bands.push({
      x0: a.x - m, x1: b.x + m, y0: Math.min(...ys) - m, y1: Math.max(...ys) + m,
      role: lit.backward ? "backward" : "forward",
    });
  }
  return { rings, bands };
}

const rgba = (rgb, a) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;

/** Paint the bands (under the edges: layer "under") or the rings (over the nodes: "over"). */
export function drawLit(ctx, marks, layer) {
  ctx.save();
  if (layer === "under") {
    for (const b of marks.bands) {
      ctx.fillStyle = rgba(LIT_RGB[b.role], 0.09);
      ctx.strokeStyle = rgba(LIT_RGB[b.role], 0.55);
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
      ctx.strokeRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    }
  } else {
    for (const role of ["read", "written"]) {
      const path = new Path2D();
      let r = 0;
      for (const g of marks.rings) {
        if (g.role !== role) continue;
        path.moveTo(g.x + g.r, g.y);
        path.arc(g.x, g.y, g.r, 0, 2 * Math.PI);
        r = g.r;
      }
      ctx.strokeStyle = rgba(LIT_RGB[role], 1);
      ctx.lineWidth = Math.max(1.5, Math.min(3, 0.3 * r)); // thinner round a big network's dots
      ctx.stroke(path);
    }
  }
  ctx.restore();
}
