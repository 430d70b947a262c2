/**
 * Recovery never revives an expired token, and a live socket does not outlive
 * its token: connection state recovery skips the handshake middleware, so a
 * socket whose token had expired used to come back and keep sending while a
 * fresh handshake with the same token was refused. Now both are sent
 * `auth:expired` (PROTOCOL v2) and disconnected.
 */
import { tokenExpiryAdmission } from "../../server/realtime/auth";
import type { Socket } from "socket.io";
import { emitAck, okData, openSocket, setup, waitFor, type TestServer } from "../helpers";
import { dropConnection, reconnect } from "../durability/support";

const TTL_MS = 1500;
let t: TestServer;
beforeEach(async () => (t = await setup({ tokenTtlMs: TTL_MS, recoveryMs: 10_000 })));
afterEach(() => t.cleanup());

test("a live socket is sent auth:expired and disconnected when its token expires", async () => {
  const { socket, session } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  const expired = waitFor(socket, "auth:expired", TTL_MS + 2000);
  const gone = new Promise<string>((resolve) => socket.once("disconnect", resolve));
  expect(await expired).toEqual({});
  expect(await gone).toBe("io server disconnect");
  expect(Date.now()).toBeGreaterThanOrEqual(session.expiresAt);
  // The same token is refused at a fresh handshake, as before.
  await expect(openSocket(`${t.url}/chat`, { auth: { token: session.token } })).rejects.toThrow("UNAUTHORIZED");
});

test("a socket recovered after its token expired is sent auth:expired and disconnected, and can send nothing", async () => {
  const { socket: bob } = await t.connectUser("Bob");
  const { session } = await t.connectUser("Ada");
  const ada = await t.connectChat(session.token);
  okData(await emitAck(ada, "room:join", { room: "lobby" }));
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  // Recovery needs an offset: Ada must have received a broadcast.
  await Promise.all([waitFor(ada, "message:new"), emitAck(bob, "message:send", { room: "lobby", text: "hi" })]);
  await dropConnection(ada);
  await new Promise((r) => setTimeout(r, Math.max(0, session.expiresAt - Date.now()) + 50));

  const expired = waitFor(ada, "auth:expired");
  const gone = new Promise<string>((resolve) => ada.once("disconnect", resolve));
  const heard: unknown[] = [];
  bob.on("message:new", (m) => heard.push(m));
  await reconnect(ada);
  // Recovered by Socket.IO (same id, rooms), then ended by Parlor before it can act.
  expect(ada.recovered).toBe(true);
  ada.emit("message:send", { room: "lobby", text: "I should not be here" }, () => undefined);
  expect(await expired).toEqual({});
  expect(await gone).toBe("io server disconnect");
  await new Promise((r) => setTimeout(r, 100));
  expect(heard).toEqual([]);
  // A new session is served, and nothing of Ada's late send was stored.
  const { socket: carol } = await t.connectUser("Carol");
  okData(await emitAck(carol, "room:join", { room: "lobby" }));
  expect(okData(await emitAck(carol, "message:history", { room: "lobby" })).messages.map((m: { text: string }) => m.text)).toEqual(["hi"]);
});

test("the admission refuses an event of a socket whose token has expired, UNAUTHORIZED, and disconnects it", async () => {
  // Between the expiry and its timer (or past a timer's reach) only the admission stands: called on a socket-shaped object.
  const calls: string[] = [];
  const socket = {
    connected: true,
    id: "s1",
    nsp: { name: "/chat" },
    data: { user: { id: "u_1", name: "Ada" }, exp: Date.now() - 1 },
    emit: (event: string) => calls.push(`emit ${event}`),
    disconnect: () => calls.push("disconnect"),
  } as unknown as Socket;
  const admit = tokenExpiryAdmission(t.parlor.log);
  expect(admit({ event: "message:send" }, socket)).toEqual({ code: "UNAUTHORIZED", message: expect.any(String) });
  await new Promise((r) => setImmediate(r));
  expect(calls).toEqual(["emit auth:expired", "disconnect"]);
  (socket.data as { exp: number }).exp = Date.now() + 60_000;
  expect(admit({ event: "message:send" }, socket)).toBeUndefined();
});
