// The page around the live view: its URL, and Streamlit's own connection.  The view runs in
// the page's main document (components v2, no iframe), so it can keep the URL's epoch and
// step at the frame it painted (reconnect.js says what to write), and ask Streamlit to run
// the page again with that URL when the server the page was on is gone.
//
// Streamlit has no public API for either of the two things below; each lives in one
// function here, and tests/browser/test_failover_browser.py fails loudly if an upgrade
// changes them:
//   rerunWithUrl()    a `popstate` event: Streamlit's history handling then runs the page
//                     again with the URL's query string (as Back / Forward do).  A
//                     Streamlit reconnect alone does not run the page: on a new replica the
//                     page would stay as it was, its live view without a session.
//   streamlitState()  Streamlit's status widget: "connecting" while its own socket is down
//                     (data-testid stConnectionStatus), "running" while the page runs
//                     (stStatusWidgetRunningIcon), else "idle".

import { linkPosition, urlDue, withPosition } from "./reconnect.js";

const written = new WeakMap(); // view → {last: time of the last write, timer, path}

/**
 * Put painted frame f's epoch and step into the page's URL (history.replaceState: no new
 * history entry, no page run), at most twice a second while playing and at once when paused;
 * a position skipped by the throttle is written when the interval is over.  Nothing is
 * written when the view has no link limits yet, or once the page has moved to another path.
 */
export function showPosition(view, f, { force = false } = {}) {
  const link = view.state.link;
  if (!link || !f) return;
  let w = written.get(view);
  if (!w) written.set(view, (w = { last: null, timer: null, path: location.pathname }));
  const now = performance.now();
  clearTimeout(w.timer);
  w.timer = null;
  if (!force && !urlDue(now, w.last, view.state.playing)) {
    w.timer = setTimeout(() => showPosition(view, view.state.drawn), 500 - (now - w.last));
    return;
  }
  w.last = now;
  if (!view.dom.root.isConnected || location.pathname !== w.path) return;
  const search = withPosition(location.search, linkPosition(f.epoch, f.step, link));
  if (search !== location.search) {
    history.replaceState(history.state, "", location.pathname + search + location.hash);
  }
}

/** Stop writing the URL (the view is unmounted). */
export function forgetPosition(view) {
  const w = written.get(view);
  if (w) clearTimeout(w.timer);
  written.delete(view);
}

/** Ask Streamlit to run the page again with the URL as it is now (see the top of the file).
 * On a server that has no session for this page, that is a new session's first run: it
 * reads the URL and replays the run to its epoch. */
export function rerunWithUrl() {
  window.dispatchEvent(new PopStateEvent("popstate", { state: history.state }));
}

/** Streamlit's own connection and run, as its status widget shows them (see the top). */
export function streamlitState() {
  if (document.querySelector('[data-testid="stConnectionStatus"]')) return "connecting";
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return "running";
  return "idle";
}

/** Reload the page at position {epoch, step} (a new session replays the run to it). */
export function reloadAt(view, pos) {
  const search = withPosition(location.search, linkPosition(pos.epoch, pos.step, view.state.link));
  history.replaceState(history.state, "", location.pathname + search + location.hash);
  location.reload();
}
