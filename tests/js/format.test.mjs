// Number formats of the live view (backprop_lab/live_view/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  clip, fmt, niceTicks, plain, short2, splitIcon, sub, sup, supDigits, tickText,
} from "../../backprop_lab/live_view/format.js";

test("fmt: six significant digits, a real minus, exponents outside [1e-3, 1e4)", () => {
  assert.equal(fmt(0), "0");
  assert.equal(fmt(0.5), "0.5");
  assert.equal(fmt(1 / 3), "0.333333");
  assert.equal(fmt(-2.5), "−2.5");
  assert.equal(fmt(1234.5), "1234.5");
  assert.equal(fmt(12345), "1.2345e+4");
  assert.equal(fmt(-6.4e-5), "−6.4000e−5"); // the exponent's sign is a real minus too
  assert.equal(fmt(0.001), "0.001");
});

test("fmt: nothing and infinities", () => {
  for (const v of [null, undefined, NaN]) assert.equal(fmt(v), "–");
  assert.equal(fmt(Infinity), "+∞");
  assert.equal(fmt(-Infinity), "−∞");
});

test("short2: two significant digits for short labels", () => {
  assert.equal(short2(0.5123), "0.51");
  assert.equal(short2(12.3), "12");
  assert.equal(short2(6.4e-6), "6.4e−6");
  assert.equal(short2(-0.004), "−4.0e−3");
  assert.equal(short2(25000), "2.5e4");
  assert.equal(short2(NaN), "–");
});

test("super- and subscripts", () => {
  assert.equal(sup(2), "⁽²⁾");
  assert.equal(sup(10), "⁽¹⁰⁾");
  assert.equal(supDigits(-3), "⁻³");
  assert.equal(sub(0), "₀");
  assert.equal(sub(12), "₁₂");
});

test("clip and plain", () => {
  assert.equal(clip("short"), "short");
  assert.equal(clip("abcdefghij", 5), "abcd…");
  assert.equal(clip("abcdefghij", 5).length, 5);
  assert.equal(plain("h<sub>Θ</sub>(x)"), "hΘ(x)");
  assert.equal(plain(null), "");
});

test("niceTicks: round steps of 1, 2, 2.5 or 5 × 10^k inside the range", () => {
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(-6, 6, 5), [-5, -2.5, 0, 2.5, 5]);
  assert.deepEqual(niceTicks(0.1, 0.35, 5), [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  assert.deepEqual(niceTicks(0, 3, 5, 1), [0, 1, 2, 3]); // epochs: whole numbers
  assert.deepEqual(niceTicks(2, 2, 4), [2, 2.25, 2.5, 2.75, 3]); // an empty range: one unit
  for (const t of niceTicks(-1.7, 3.3, 5)) assert.ok(t >= -1.7 && t <= 3.3);
});

test("tickText: four significant digits, or powers of ten on a log axis", () => {
  assert.equal(tickText(0.25, false), "0.25");
  assert.equal(tickText(1 / 3, false), "0.3333");
  assert.equal(tickText(0.0001, false), "1e-4");
  assert.equal(tickText(200000, false), "2e+5");
  assert.equal(tickText(0, false), "0");
  assert.equal(tickText(1e-3, true), "10⁻³");
  assert.equal(tickText(100, true), "10²");
  assert.equal(tickText(1, true), "10⁰");
});

test("splitIcon: a button's icon apart from its words (the icon is hidden from its name)", () => {
  assert.deepEqual(splitIcon("▶ Play"), ["▶", "Play", false]);
  assert.deepEqual(splitIcon("❚❚ Play"), ["❚❚", "Play", false]);
  assert.deepEqual(splitIcon("↺ Reset"), ["↺", "Reset", false]);
  assert.deepEqual(splitIcon("Phase ▶"), ["▶", "Phase", true]);
  assert.deepEqual(splitIcon("Step 1 mini-batch"), ["", "Step 1 mini-batch", false]);
  assert.deepEqual(splitIcon("×"), ["", "×", false]);
  assert.deepEqual(splitIcon("(a) b"), ["", "(a) b", false]);
});

test("tenDigits and weightProblem: the Set box of the chain-rule panel", async () => {
  const { tenDigits, weightProblem } = await import("../../backprop_lab/live_view/format.js");
  assert.equal(tenDigits(0.12345678901234567), "0.123456789");
  assert.equal(tenDigits(-1234.56789012345), "-1234.56789");
  assert.equal(tenDigits(1e-7 / 3), "3.333333333e-8");
  assert.equal(tenDigits(2), "2");
  assert.equal(tenDigits(null), "");
  assert.equal(weightProblem("0.5", 10000), "");
  assert.equal(weightProblem("−3", 10000), "");
  assert.equal(weightProblem("-10000", 10000), "");
  assert.equal(
    weightProblem("99999", 10000),
    "99999 is outside the range a weight can be set to: type a number from −10,000 to 10,000.",
  );
  assert.match(weightProblem("abc", 10000), /^Type a number from −10,000 to 10,000/);
  assert.match(weightProblem("", 10000), /^Type a number/);
});
