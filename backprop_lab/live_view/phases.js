// Slow motion's clock: which phase of the step is shown after so many milliseconds, and how
// far it has got.  Pure functions of numbers, tested under node (tests/js/phases.test.mjs).

/** Milliseconds one phase is shown (the brief: 0.5–1 s). */
export const PHASE_MS = 900;

/**
 * The phase at `elapsed` ms of a run of `n` phases of `ms` each: {index, progress 0 … 1,
 * done}.  Past the end: the last phase, progress 1, done.
 */
export function phaseAt(elapsed, n, ms = PHASE_MS) {
  if (n <= 0) return { index: 0, progress: 1, done: true };
  const t = Math.max(0, elapsed) / ms;
  if (t >= n) return { index: n - 1, progress: 1, done: true };
  const index = Math.floor(t);
  return { index, progress: t - index, done: false };
}

/** The elapsed time at which phase `index` starts (clamped to 0 … n − 1). */
export function phaseStart(index, n, ms = PHASE_MS) {
  return Math.max(0, Math.min(n - 1, index)) * ms;
}

/**
 * A slow-motion clock: {start, pausedAt} in ms of the page's clock (performance.now()).
 * elapsed(clock, now) is the time shown; pausing freezes it; seeking sets it.
 */
export function newClock(now) {
  return { start: now, pausedAt: null };
}

export function elapsed(clock, now) {
  return (clock.pausedAt ?? now) - clock.start;
}

export function pauseClock(clock, now, paused) {
  if (paused && clock.pausedAt === null) clock.pausedAt = now;
  if (!paused && clock.pausedAt !== null) {
    clock.start += now - clock.pausedAt;
    clock.pausedAt = null;
  }
  return clock;
}

/** Show `ms` of the run from now (a phase stepped to by hand). */
export function seekClock(clock, now, ms) {
  const ref = clock.pausedAt ?? now;
  clock.start = ref - ms;
  return clock;
}

/**
 * What the diagram lights for a phase {kind, written, read, edges} (course numbers):
 * {nodes: layers lit, edges: Θ^(l) lit, backward: the light runs right to left}.
 */
export function phaseLights(phase) {
  return {
    nodes: phase.written && phase.written.length ? phase.written : phase.read || [],
    edges: phase.edges || [],
    backward: phase.kind !== "forward",
  };
}
