// Contours of a grid of values (the loss landscape, a ghost's decision boundary): the levels
// to draw, and the line segments of one level by marching squares.  Pure functions of
// numbers, tested under node (tests/js/contours.test.mjs).
//
// A grid is `values` (nx·ny numbers, row-major: row i is y index i) on grid coordinates
// (column j, row i); the caller maps them to pixels.

/**
 * `count` contour levels between lo and hi, packed towards lo (the minimum is where the
 * interest is): lo + (hi − lo)·(k / (count + 1))², k = 1 … count.
 */
export function contourLevels(lo, hi, count = 12) {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const out = [];
  for (let k = 1; k <= count; k++) {
    const t = k / (count + 1);
    out.push(lo + (hi - lo) * t * t);
  }
  return out;
}

/** How many of the (ascending) levels are ≤ v: the band a value falls in, 0 … levels.length. */
export function bandIndex(v, levels) {
  let k = 0;
  while (k < levels.length && v >= levels[k]) k++;
  return k;
}

// where the level crosses the edge from value a (at 0) to value b (at 1)
const cross = (a, b, level) => (a === b ? 0.5 : (level - a) / (b - a));

/**
 * The segments where the grid crosses `level`: [[x1, y1, x2, y2], …] in grid coordinates
 * (x = column 0 … nx − 1, y = row 0 … ny − 1).  Marching squares; a saddle cell is split by
 * its centre's value; a cell with a non-finite corner has no segment.
 */
export function contourSegments(values, nx, ny, level) {
  const segs = [];
  for (let i = 0; i < ny - 1; i++) {
    for (let j = 0; j < nx - 1; j++) {
      const a = values[i * nx + j], b = values[i * nx + j + 1];
      const c = values[(i + 1) * nx + j + 1], d = values[(i + 1) * nx + j];
      if (![a, b, c, d].every(Number.isFinite)) continue;
      const code = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      // the crossing points on the four edges: top (a–b), right (b–c), bottom (d–c), left (a–d)
      const top = [j + cross(a, b, level), i];
      const right = [j + 1, i + cross(b, c, level)];
      const bottom = [j + cross(d, c, level), i + 1];
      const left = [j, i + cross(a, d, level)];
      const seg = (p, q) => segs.push([p[0], p[1], q[0], q[1]]);
      switch (code) {
        case 1: case 14: seg(left, top); break;
        case 2: case 13: seg(top, right); break;
        case 3: case 12: seg(left, right); break;
        case 4: case 11: seg(right, bottom); break;
        case 6: case 9: seg(top, bottom); break;
        case 7: case 8: seg(left, bottom); break;
        case 5: case 10: {
          const centre = (a + b + c + d) / 4 >= level;
          // 5: a and c above; 10: b and d above
          if ((code === 5) === centre) { seg(left, bottom); seg(top, right); }
          else { seg(left, top); seg(right, bottom); }
          break;
        }
        default: break;
      }
    }
  }
  return segs;
}

/**
 * The edges between cells of different class (a multi-class boundary): [[x1, y1, x2, y2]]
 * in grid coordinates, each a cell side half-way between two grid points.
 */
export function classEdges(cls, nx, ny) {
  const segs = [];
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const k = cls[i * nx + j];
      if (j + 1 < nx && cls[i * nx + j + 1] !== k) segs.push([j + 0.5, i - 0.5, j + 0.5, i + 0.5]);
      if (i + 1 < ny && cls[(i + 1) * nx + j] !== k) segs.push([j - 0.5, i + 0.5, j + 0.5, i + 0.5]);
    }
  }
  return segs;
}
