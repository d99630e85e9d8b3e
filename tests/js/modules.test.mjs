// The live view's modules (backprop_lab/live_view/*.js): each one loads without a browser
// (nothing touches `document` or `window` at import time), and the pure ones import only
// each other, so node can test them.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

const DIR = new URL("../../backprop_lab/live_view/", import.meta.url);
const PURE = [
  "colour.js", "contours.js", "format.js", "frame.js", "layout.js", "lit.js", "phases.js", "reconnect.js",
];
const modules = readdirSync(DIR).filter((f) => f.endsWith(".js")).sort();
const importsOf = (f) =>
  [...readFileSync(new URL(f, DIR), "utf8").matchAll(/^import\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);

test("every module loads without a DOM", async () => {
  assert.ok(modules.includes("live_view.js") && modules.length > 5);
  for (const f of modules) await import(new URL(f, DIR));
});

test("the entry keeps Streamlit's default export", async () => {
  const entry = await import(new URL("live_view.js", DIR));
  assert.equal(typeof entry.default, "function");
});

test("the pure modules import only pure modules", () => {
  for (const f of PURE) {
    for (const dep of importsOf(f)) assert.ok(PURE.includes(dep.replace("./", "")), `${f} imports ${dep}`);
  }
});

test("imports are relative to the module's own folder (served as they are, no bundler)", () => {
  for (const f of modules) {
    for (const dep of importsOf(f)) assert.match(dep, /^\.\/[a-z_]+\.js$/, `${f} imports ${dep}`);
  }
});
