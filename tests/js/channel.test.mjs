// The live channel's socket (backprop_lab/live_view/channel.js): a command sent while the
// socket is still opening waits for it and goes right after the hello, in order and bounded.
import assert from "node:assert/strict";
import { test } from "node:test";

class FakeSocket {
  static last = null;
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; FakeSocket.last = this; }
  send(text) { assert.equal(this.readyState, 1, "sent before the socket opened"); this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
  opened() { this.readyState = 1; this.onopen(); }
}
globalThis.WebSocket = FakeSocket;

const { EARLY_MAX, connect, send } = await import("../../backprop_lab/live_view/channel.js");

function fakeView() {
  return { state: { token: "tok", wsPath: "bp/live/ws", online: false, drawn: true }, dom: { conn: {} } };
}

test("a command sent while the socket opens goes right after the hello, in order", () => {
  const view = fakeView();
  connect(view, () => {});
  const ws = FakeSocket.last;
  send(view, { t: "add_point", at: [1, 2], c: 1 });
  send(view, { t: "ack", rev: 1 }); // an acknowledgement is never kept: it would be stale
  send(view, { t: "play" });
  assert.deepEqual(ws.sent, []);
  ws.opened();
  assert.deepEqual(ws.sent.map((m) => m.t), ["hello", "add_point", "play"]);
  assert.equal(ws.sent[0].token, "tok");
  send(view, { t: "pause" }); // open: at once
  assert.equal(ws.sent.at(-1).t, "pause");
});

test("at most EARLY_MAX commands wait; with no socket a command is dropped", () => {
  const view = fakeView();
  send(view, { t: "play" }); // no socket yet: dropped, nothing thrown
  connect(view, () => {});
  const ws = FakeSocket.last;
  for (let i = 0; i < EARLY_MAX + 5; i++) send(view, { t: "step", n: "batch" });
  ws.opened();
  assert.equal(ws.sent.length, 1 + EARLY_MAX);
});
