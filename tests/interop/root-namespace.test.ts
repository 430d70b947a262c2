/** `io(url)` without a namespace: connected, and told where to go instead of hanging. */
import { emitAck, openSocket, setup, type TestServer } from "../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(async () => t.cleanup());

test("events with an ack on the root namespace answer UNKNOWN_EVENT naming /chat, /game and /system", async () => {
  const root = await openSocket(t.url, {});
  try {
    const ack = await emitAck(root, "room:join", { room: "lobby" });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe("UNKNOWN_EVENT");
    expect(ack.error.message).toMatch(/\/chat.*\/game.*\/system/);
    expect(ack.error.details).toEqual({ namespaces: ["/chat", "/game", "/system"] });
  } finally {
    root.close();
  }
});

test("the msgpack bundle is not served (Parlor speaks the JSON parser); the default bundles are", async () => {
  const msgpack = await fetch(`${t.url}/socket.io/socket.io.msgpack.min.js`);
  expect(msgpack.status).toBe(404);
  expect(await msgpack.text()).toMatch(/JSON parser/);
  const min = await fetch(`${t.url}/socket.io/socket.io.min.js`);
  expect(min.status).toBe(200);
  expect(min.headers.get("content-type")).toMatch(/javascript/);
});
