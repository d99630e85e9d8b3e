// After a lost connection: when to try again, where the run was (the URL's epoch and step,
// the same two numbers a link carries), and what the view says.  Pure functions (no DOM),
// tested under node (tests/js/reconnect.test.mjs); channel.js and page.js do the I/O.
//
// Why the URL: training is deterministic given the settings, so the settings in the page's
// URL plus `epoch` (and `step`, mid-epoch) are all a server needs to bring the run back, bit
// for bit, by the same replay a link uses (lab_ui/playground/timeline_ui.py).  The page's
// server writes them when the page runs; between runs the live view writes the epoch it
// painted (page.js), so whatever runs the page next (a reload, a rerun on another replica)
// replays to the epoch the student last saw.

/** Reconnect attempts: 0.5, 1, 2, 4, 8, 8, … s (each ±20 %), then the view gives up. */
export const RETRY = { firstMs: 500, maxMs: 8000, jitter: 0.2, attempts: 10 };

/** The wait before attempt n (1-based), in ms; rand() in [0, 1) spreads a lecture hall's
 * reconnects so that they do not all arrive at the surviving replica at once. */
export function backoffMs(n, rand = Math.random, r = RETRY) {
  const base = Math.min(r.maxMs, r.firstMs * 2 ** Math.max(0, n - 1));
  return Math.round(base * (1 + r.jitter * (2 * rand() - 1)));
}

/** The whole schedule without jitter: what the view may wait in all before it gives up. */
export function schedule(r = RETRY) {
  return Array.from({ length: r.attempts }, (_, i) => backoffMs(i + 1, () => 0.5, r));
}

/**
 * The URL position of a painted frame: {epoch, step} as a link writes them (step only when
 * the frame is mid-epoch, i.e. step ≠ epoch × steps per epoch), or null when a link cannot
 * replay that far (beyond max_epoch / max_step: the link then opens at epoch 0).
 * `link` is the component's {spe, max_epoch, max_step} (lab_ui/live/live_view.py).
 */
export function linkPosition(epoch, step, link) {
  if (!link) return null;
  if (epoch > link.max_epoch || step > link.max_step) return null;
  const mid = link.spe > 0 && step !== epoch * link.spe;
  return { epoch, step: mid ? step : 0 };
}

const POSITION = ["epoch", "step"];

/**
 * Query string `search` ("?a=1&epoch=3" or "") with its epoch and step set to `pos`
 * (a zero, or a null pos, removes them).  Every other parameter is left exactly as it was,
 * byte for byte and in its place, so the settings the server wrote are not re-encoded; a
 * new epoch or step goes at the end.  Returns the new query string with its "?" ("" if none).
 */
export function withPosition(search, pos) {
  const parts = (search || "").replace(/^\?/, "").split("&").filter(Boolean);
  const want = { epoch: pos ? pos.epoch : 0, step: pos ? pos.step : 0 };
  const done = new Set();
  const out = [];
  for (const p of parts) {
    const key = decodeURIComponent(p.split("=")[0].replace(/\+/g, " "));
    if (!POSITION.includes(key)) { out.push(p); continue; }
    if (done.has(key) || !want[key]) continue; // a repeated one, or one to remove
    done.add(key);
    out.push(`${key}=${want[key]}`);
  }
  for (const key of POSITION) if (want[key] && !done.has(key)) out.push(`${key}=${want[key]}`);
  return out.length ? "?" + out.join("&") : "";
}

/** Should the URL be written now?  At most once per `everyMs`, and always when paused
 * (the position then stays, and a link copied now must carry it). */
export function urlDue(now, last, playing, everyMs = 500) {
  return !playing || last === null || now - last >= everyMs;
}

const n = (x) => Number(x).toLocaleString("en");

/** "epoch 96", or "epoch 96 (gradient step 390)" mid-epoch, for a position {epoch, step,
 * spe} (spe: gradient steps per epoch; without it the step is not shown). */
export function where(p) {
  const mid = p.spe > 0 && p.step !== p.epoch * p.spe;
  return mid ? `epoch ${n(p.epoch)} (gradient step ${n(p.step)})` : `epoch ${n(p.epoch)}`;
}

/** What the view says while it tries again (attempt n of max). */
export function lostText(n_, max) {
  return `Connection lost — reconnecting… (attempt ${n_} of ${max})`;
}

/** What the view says after the last attempt failed. */
export const GAVE_UP =
  "The live view could not reach the server. Reload the page when it is back: its link " +
  "replays the run to the epoch shown.";

/** What the view says while the page is run again on the server it reached (which has no
 * session for it: the page's server stopped, or this is another replica). */
export function rejoiningText(before) {
  const what = before ? `replaying the run to ${where(before)}` : "starting the page again";
  return `The server no longer has this page's session (it stopped or restarted): ${what} …`;
}

/** What the view says when the page has not come back by itself within a while. */
export const REJOIN_SLOW =
  "The page has not come back by itself yet. It is still trying; or reload the page " +
  "(its link replays the run to the epoch shown).";

/** What a link could not bring back, in one sentence ("" when nothing): the last four
 * edits and how many more (as the page's own sentence beside the link does). */
export function lostSentence(edits) {
  if (!edits.length) return "";
  const what = edits.slice(-4).map((e) => String(e).replace(/[.\s]+$/, "")).join("; ");
  const more = edits.length > 4 ? ` and ${edits.length - 4} more` : "";
  return `Lost with the server (a link cannot replay them): ${what}${more}.`;
}

/**
 * After the page came back on another server: what it says, and whether to play on.
 *
 * before   {epoch, step, spe, playing, edits, capped}: the last frame painted before the
 *          drop, whether it was playing, the hand edits the server had listed (a link cannot
 *          replay them), and whether it was beyond what a link replays
 * after    the first frame of the new session {epoch, step}
 * Returns {text, lost, playOn, same}: `same` when the run is back at the very epoch and step
 * it showed; `lost` the sentence about what a link could not bring back ("" if nothing);
 * `playOn` when it was playing, is back where it was and nothing was lost (then it is the
 * very run, replayed bit for bit; with edits lost it is another one, so the student
 * decides); `text` all the view says.
 */
export function rejoinedSays(before, after, maxEpoch) {
  after = { spe: before.spe, ...after };
  const same = after.epoch === before.epoch && after.step === before.step;
  const lost = lostSentence(before.edits || []);
  const playOn = Boolean(before.playing) && same && !lost;
  let text;
  if (same && !lost) {
    text = `Reconnected at ${where(after)}: the run was replayed from its settings, bit for bit.`;
    if (before.playing) text += " Playing on.";
  } else if (same) {
    text = `Reconnected at ${where(after)}: the run was replayed from its settings alone. ${lost}`;
  } else if (before.capped) {
    text =
      `Reconnected, but the run was at ${where(before)}, beyond the ${n(maxEpoch)} epochs a ` +
      `link replays: it starts again at ${where(after)}.`;
  } else {
    text =
      `Reconnected, but the run could not be brought back to ${where(before)}: it is at ` +
      `${where(after)} (a note above the view says why, or Reload replays it there).`;
  }
  if (!same && lost) text += " " + lost;
  if (!playOn && (before.playing || !same)) text += " Press Play to go on.";
  return { text, lost, playOn, same };
}
