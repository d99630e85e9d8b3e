// After a lost connection (backprop_lab/live_view/reconnect.js): the retry schedule, the
// URL's epoch and step as a link writes them, and what the view says when the run is back.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  RETRY, backoffMs, linkPosition, lostSentence, rejoinedSays, schedule, urlDue, where, withPosition,
} from "../../backprop_lab/live_view/reconnect.js";

const LINK = { spe: 4, max_epoch: 10000, max_step: 10000000 };

test("backoff: 0.5, 1, 2, 4, 8 s, then 8 s, each within ±20 %", () => {
  assert.deepEqual(schedule(), [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000]);
  assert.equal(schedule().length, RETRY.attempts);
  for (let n = 1; n <= 12; n++) {
    const mid = backoffMs(n, () => 0.5);
    assert.equal(backoffMs(n, () => 0), Math.round(mid * 0.8));
    assert.equal(backoffMs(n, () => 0.999999), Math.round(mid * 1.2));
  }
  assert.equal(backoffMs(0, () => 0.5), 500); // never below the first wait
  // the whole schedule is bounded: about a minute (55.5 s ± 20 %) before the view gives up
  assert.equal(schedule().reduce((a, b) => a + b), 55500);
});

test("backoff: jitter spreads a lecture hall's reconnects", () => {
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const waits = new Set(Array.from({ length: 50 }, () => backoffMs(3, rand)));
  assert.ok(waits.size > 30);
  for (const w of waits) assert.ok(w >= 1600 && w <= 2400, String(w));
});

test("linkPosition: the step only mid-epoch, as a link writes it", () => {
  assert.deepEqual(linkPosition(7, 28, LINK), { epoch: 7, step: 0 }); // the end of epoch 7
  assert.deepEqual(linkPosition(2, 9, LINK), { epoch: 2, step: 9 }); // one step into epoch 3
  assert.deepEqual(linkPosition(0, 0, LINK), { epoch: 0, step: 0 });
  assert.deepEqual(linkPosition(117, 117, { ...LINK, spe: 1 }), { epoch: 117, step: 0 });
});

test("linkPosition: beyond what a link replays, no position (the link opens at epoch 0)", () => {
  assert.deepEqual(linkPosition(10000, 40000, LINK), { epoch: 10000, step: 0 });
  assert.equal(linkPosition(10001, 40004, LINK), null);
  assert.equal(linkPosition(5, 10000001, { ...LINK, spe: 3000000 }), null);
  assert.equal(linkPosition(5, 20, null), null); // no limits known yet
});

test("withPosition: sets epoch and step, every other parameter byte for byte", () => {
  assert.equal(withPosition("?dataset=xor&epoch=11", { epoch: 96, step: 0 }), "?dataset=xor&epoch=96");
  assert.equal(withPosition("", { epoch: 3, step: 0 }), "?epoch=3");
  assert.equal(withPosition("?a=1", { epoch: 2, step: 9 }), "?a=1&epoch=2&step=9");
  // the server's encoding of the others is kept (not re-encoded as URLSearchParams would)
  const q = "?hidden=4,2&acts=relu,tanh&epoch=5&step=21&alpha=0.3&name=a%20b+c";
  assert.equal(
    withPosition(q, { epoch: 6, step: 0 }),
    "?hidden=4,2&acts=relu,tanh&epoch=6&alpha=0.3&name=a%20b+c",
  );
  assert.equal(
    withPosition(q, { epoch: 6, step: 25 }),
    "?hidden=4,2&acts=relu,tanh&epoch=6&step=25&alpha=0.3&name=a%20b+c",
  );
});

test("withPosition: epoch 0 or no position removes them; repeats are dropped", () => {
  assert.equal(withPosition("?epoch=5&step=21&x=1", { epoch: 0, step: 0 }), "?x=1");
  assert.equal(withPosition("?epoch=5&x=1", null), "?x=1");
  assert.equal(withPosition("?epoch=5", null), "");
  assert.equal(withPosition("?epoch=1&epoch=2&x=1", { epoch: 3, step: 0 }), "?epoch=3&x=1");
  assert.equal(withPosition("?epochs=1&x=epoch", { epoch: 3, step: 0 }), "?epochs=1&x=epoch&epoch=3");
});

test("urlDue: at most twice a second while playing, at once when paused", () => {
  assert.equal(urlDue(1000, null, true), true);
  assert.equal(urlDue(1400, 1000, true), false);
  assert.equal(urlDue(1500, 1000, true), true);
  assert.equal(urlDue(1001, 1000, false), true);
});

test("where: the step only mid-epoch", () => {
  assert.equal(where({ epoch: 96, step: 96, spe: 1 }), "epoch 96");
  assert.equal(where({ epoch: 2, step: 9, spe: 4 }), "epoch 2 (gradient step 9)");
  assert.equal(where({ epoch: 12000, step: 48000, spe: 4 }), "epoch 12,000");
});

test("rejoinedSays: back at the same epoch and step, playing on", () => {
  const before = { epoch: 96, step: 384, spe: 4, playing: true, edits: [], capped: false };
  const s = rejoinedSays(before, { epoch: 96, step: 384 }, 10000);
  assert.deepEqual(s, {
    text: "Reconnected at epoch 96: the run was replayed from its settings, bit for bit. Playing on.",
    lost: "",
    playOn: true,
    same: true,
  });
  const paused = rejoinedSays({ ...before, playing: false }, { epoch: 96, step: 384 }, 10000);
  assert.equal(paused.playOn, false);
  assert.equal(paused.text, "Reconnected at epoch 96: the run was replayed from its settings, bit for bit.");
  const mid = rejoinedSays({ ...before, step: 386, playing: false }, { epoch: 96, step: 386 }, 10000);
  assert.match(mid.text, /^Reconnected at epoch 96 \(gradient step 386\):/);
});

test("rejoinedSays: hand edits are said to be lost, and it does not play on by itself", () => {
  const edits = ["added a point of class 1", "set Θ(1)_1,2 to 0.5"];
  const before = { epoch: 40, step: 160, spe: 4, playing: true, edits, capped: false };
  const s = rejoinedSays(before, { epoch: 40, step: 160 }, 10000);
  assert.equal(s.playOn, false);
  assert.equal(s.lost, "Lost with the server (a link cannot replay them): added a point of class 1; set Θ(1)_1,2 to 0.5.");
  assert.equal(
    s.text,
    "Reconnected at epoch 40: the run was replayed from its settings alone. " + s.lost + " Press Play to go on.",
  );
  const paused = rejoinedSays({ ...before, playing: false }, { epoch: 40, step: 160 }, 10000);
  assert.ok(paused.text.endsWith(s.lost));
});

test("rejoinedSays: beyond the link's cap, or stopped short, it says where it is", () => {
  const capped = rejoinedSays(
    { epoch: 12000, step: 12000, spe: 1, playing: true, edits: [], capped: true },
    { epoch: 0, step: 0 },
    10000,
  );
  assert.equal(capped.same, false);
  assert.equal(capped.playOn, false);
  assert.equal(
    capped.text,
    "Reconnected, but the run was at epoch 12,000, beyond the 10,000 epochs a link replays: it " +
      "starts again at epoch 0. Press Play to go on.",
  );
  const short = rejoinedSays(
    { epoch: 500, step: 500, spe: 1, playing: false, edits: ["added a point of class 0"], capped: false },
    { epoch: 0, step: 0 },
    10000,
  );
  assert.equal(short.playOn, false);
  assert.match(short.text, /could not be brought back to epoch 500: it is at epoch 0 .*Lost with the server.*Press Play to go on\.$/);
});

test("lostSentence: the last four edits, without their full stops, and how many more", () => {
  assert.equal(lostSentence([]), "");
  assert.equal(
    lostSentence(["α set to 0.3 at epoch 12.", "added a point of class 1"]),
    "Lost with the server (a link cannot replay them): α set to 0.3 at epoch 12; added a point of class 1.",
  );
  const six = ["a", "b", "c", "d", "e", "f"];
  assert.equal(lostSentence(six), "Lost with the server (a link cannot replay them): c; d; e; f and 2 more.");
});
