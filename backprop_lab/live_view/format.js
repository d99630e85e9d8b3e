// Numbers and short text as the live view writes them: pure functions of their arguments
// (no DOM), tested under node (tests/js/format.test.mjs).

const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹", "-": "⁻" };
const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉" };

/** The digits of n as superscripts: 12 → "¹²". */
export const supDigits = (n) => String(n).split("").map((c) => SUP[c] || c).join("");
/** A course layer superscript: 2 → "⁽²⁾". */
export const sup = (n) => "⁽" + supDigits(n) + "⁾";
/** The digits of n as subscripts: 10 → "₁₀". */
export const sub = (n) => String(n).split("").map((c) => SUB[c] || c).join("");

/** A value the student reads exactly: six significant digits, "–" for none, a real minus. */
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
  const a = Math.abs(v);
  let s;
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) s = v.toExponential(4);
  else s = v.toPrecision(6).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return s.replace(/-/g, "−"); // the exponent's sign too: 6.4e−5
}

/** Two significant digits, for labels that must stay short: 6.4e−6, 0.51, 12. */
export function short2(v) {
  if (!Number.isFinite(v)) return fmt(v);
  const a = Math.abs(v);
  const s =
    a !== 0 && (a < 1e-2 || a >= 1e3)
      ? v.toExponential(1).replace("e-", "e−").replace("e+", "e")
      : String(+v.toPrecision(2));
  return s.replace(/^-/, "−");
}

/** User-supplied names (a CSV's columns, class labels) quoted short: at most n characters. */
export function clip(s, n = 40) {
  s = String(s);
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

/** Text without its tags (a server-side title may carry <sup> for the HTML pages). */
export const plain = (s) => String(s || "").replace(/<[^>]*>/g, "");

/** About n round tick values (steps of 1, 2, 2.5 or 5 × 10^k, at least minStep) in [lo, hi]. */
export function niceTicks(lo, hi, n, minStep = 0) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = Math.max(minStep, (hi - lo) / Math.max(1, n));
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((st) => raw <= st) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** A tick's label: "10⁻³" on a log axis, else at most four significant digits. */
export function tickText(v, log) {
  if (log) return "10" + supDigits(Math.round(Math.log10(v)));
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0);
  return String(+v.toPrecision(4));
}

/** "▶ Play" → ["▶", "Play", false]; "Phase ▶" → ["▶", "Phase", true]; "Step 1" → ["", …]. */
export function splitIcon(label) {
  const lead = /^([^\p{L}\p{N}\s(]+)\s+(.+)$/u.exec(label);
  if (lead) return [lead[1], lead[2], false];
  const trail = /^(.+?)\s+([^\p{L}\p{N}\s)]+)$/u.exec(label);
  if (trail) return [trail[2], trail[1], true];
  return ["", label, false];
}

/** A weight as the Set box shows it: 10 significant digits, no trailing zeros. */
export function tenDigits(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  return String(Number(v.toPrecision(10)));
}

/**
 * What is wrong with `typed` as a hand-set weight within ±limit, in a sentence, or "" when
 * it can be set.  The sentence names the allowed range.
 */
export function weightProblem(typed, limit) {
  const t = String(typed).trim().replace("−", "-");
  const v = Number(t);
  const range = `from −${limit.toLocaleString("en")} to ${limit.toLocaleString("en")}`;
  if (t === "" || !Number.isFinite(v)) return `Type a number ${range} to set the weight to.`;
  if (Math.abs(v) > limit) {
    return `${t} is outside the range a weight can be set to: type a number ${range}.`;
  }
  return "";
}
