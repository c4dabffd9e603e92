// A lobby display written against the official socket.io JavaScript client, run with node by
// tests/ui/test_socketio_js_client.py: it follows docs/ui.md's protocol (join, seq, heartbeat, since)
// and prints one JSON line per thing that happens.
const path = require("path");
const { createRequire } = require("module");

const clientDir = process.env.NODE_CLIENT_DIR;
const { io } = createRequire(path.join(clientDir, "package.json"))("socket.io-client");

const socket = io(process.argv[2], { transports: ["websocket"], reconnectionDelay: 200, reconnectionDelayMax: 500 });
let seq = null; // last seq applied on this connection
let since = null; // last seq applied before a reconnect

const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");

function join() {
  const request = { audience: "display", branch: "demo" };
  const last = seq !== null ? seq : since;
  if (last !== null) request.since = last;
  socket.timeout(5000).emit("join", request, (err, ack) => {
    if (err || !ack.ok) return setTimeout(join, 300);
    seq = ack.seq;
    since = null;
    out({ type: "ack", ack });
  });
}

socket.on("connect", () => {
  if (seq !== null) since = seq;
  seq = null;
  out({ type: "connect" });
  join();
});
socket.on("disconnect", (reason) => out({ type: "disconnect", reason }));
socket.onAny((name, payload) => {
  if (name === "heartbeat") {
    out({ type: "heartbeat", message: payload });
    if (seq !== null && payload.seq > seq) join();
    return;
  }
  for (const message of name === "batch" ? payload : [payload]) {
    out({ type: "message", message });
    if (seq !== null && message.seq === seq + 1) seq = message.seq;
  }
});
