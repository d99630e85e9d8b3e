// Where a page's keys move it, worked out at once: keys.js draws the new position in the
// same animation frame as the key, and the page (re-run by Streamlit with the key) follows.
// Pure functions of values (no DOM), tested under node (tests/js/keys_position.test.mjs).
//
// A position comes from the server (lab_ui/live/keys_ui.py), with the text that shows it:
//   {kind: "steps", k, n, heads: [text of step 1, …, text of step n]}    Step through
//   {kind: "train", epoch, batch, spe, steps, diverged, text: "… {epoch} … {steps} …"}
//                                                       Gradients and Derivation (training)
// The rules are the server's own: a step k is 1 … n (the buttons' _move), one mini-batch is
// Trainer.step (the epoch ends after spe mini-batches), one epoch is Trainer.run_epoch (the
// rest of the current epoch, a whole one if none is under way), Reset is epoch 0.

/** The position after `action` (an action the position does not know leaves it as it is). */
export function advance(pos, action) {
  if (!pos) return pos;
  if (pos.kind === "steps") {
    const moves = { next: pos.k + 1, prev: pos.k - 1, first: 1, last: pos.n };
    if (!(action in moves)) return pos;
    return { ...pos, k: Math.min(Math.max(moves[action], 1), pos.n) };
  }
  if (pos.kind === "train") {
    if (action === "reset") return { ...pos, epoch: 0, batch: 0, steps: 0, diverged: false };
    if (pos.diverged) return pos; // the buttons are disabled: nothing trains
    if (action === "batch") {
      const batch = pos.batch + 1;
      return batch >= pos.spe
        ? { ...pos, epoch: pos.epoch + 1, batch: 0, steps: pos.steps + 1 }
        : { ...pos, batch, steps: pos.steps + 1 };
    }
    if (action === "epoch") {
      return { ...pos, epoch: pos.epoch + 1, batch: 0, steps: pos.steps + (pos.spe - pos.batch) };
    }
  }
  return pos;
}

/** The position after each action in turn. */
export function advanceAll(pos, actions) {
  return actions.reduce(advance, pos);
}

/** The text that shows the position: step k's own, or the training's with its numbers. */
export function positionText(pos) {
  if (!pos) return "";
  if (pos.kind === "steps") return String((pos.heads || [])[pos.k - 1] || "");
  if (pos.kind === "train") {
    return String(pos.text || "").replace(/\{(\w+)\}/g, (m, name) =>
      Number.isFinite(pos[name]) ? String(pos[name]) : m);
  }
  return "";
}
