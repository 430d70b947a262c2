/**
 * Graceful shutdown, in process: beginShutdown() turns /healthz to 503,
 * refuses new connections and tells connected clients; close() lets events in
 * flight finish (stored and acked) and closes connections so clients
 * reconnect on their own.
 */
import { Manager } from "socket.io-client";
import type { Message } from "../../server/protocol";
import { openSqliteStore } from "../../server/storage/sqlite";
import { emitAck, okData, openSocket, setup, UNLIMITED_EVENTS, waitFor, type SystemSocket, type TestServer } from "../helpers";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

test("beginShutdown: healthz 503, new connections refused, connected clients told; their events still answered", async () => {
  server = await setup();
  const { socket, session } = await server.connectUser("stayer");
  const system = await server.connectSystem();
  okData(await emitAck(socket, "room:join", { room: "hall" }));
  const manager = new Manager(server.url, { transports: ["websocket"], reconnection: false });
  const systemTab = manager.socket("/system");
  await new Promise<void>((resolve) => systemTab.connect().once("connect", () => resolve()));
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

  const told = Promise.all([waitFor(socket, "system:shutdown"), waitFor(system, "system:shutdown")]);
  server.parlor.beginShutdown();
  const [chatNotice, systemNotice] = await told;
  expect(chatNotice).toEqual({ reason: "server shutting down", reconnectAfterMs: 1000 });
  expect(systemNotice).toEqual(chatNotice);

  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(503);
  await expect(server.connectChat(session.token)).rejects.toThrow();
  await expect(openSocket<SystemSocket>(`${server.url}/system`, {})).rejects.toThrow();
  // A new namespace over an engine connection that is already open is refused too.
  const onOpenConnection = manager.socket("/chat", { auth: { token: session.token } });
  const refused = new Promise<Error>((resolve) => onOpenConnection.once("connect_error", resolve));
  onOpenConnection.connect();
  expect((await refused).message).toBe("INTERNAL");
  manager.engine.close();

  // Until close(), connected clients are served.
  expect(okData(await emitAck(socket, "message:send", { room: "hall", text: "still served" })).message.seq).toBe(1);

  const reason = new Promise((resolve) => socket.once("disconnect", resolve));
  await server.parlor.close();
  // Not "io server disconnect": after a transport close Socket.IO clients reconnect by themselves.
  expect(await reason).toBe("transport close");
});

test("a long-polling client gets system:shutdown before its connection closes", async () => {
  server = await setup();
  const { session } = await server.connectUser("poller");
  const polling = await server.connectChat(session.token, { transports: ["polling"] });
  const seen: string[] = [];
  polling.onAny((event: string) => seen.push(event));
  const closed = new Promise((resolve) => polling.once("disconnect", resolve));
  await server.parlor.close();
  await closed;
  expect(seen).toContain("system:shutdown");
});

test("close() with sends in flight: every acked message is stored", async () => {
  server = await setup(UNLIMITED_EVENTS);
  const { socket } = await server.connectUser("burst");
  okData(await emitAck(socket, "room:join", { room: "burst" }));
  const sends = Array.from({ length: 200 }, (_, n) =>
    socket
      .timeout(10_000)
      .emitWithAck("message:send", { room: "burst", text: `n${n}` })
      .catch(() => undefined),
  );
  await sends[0];
  await server.parlor.close();

  const acked = (await Promise.all(sends)).flatMap((ack) => (ack?.ok ? [(ack.data as { message: Message }).message] : []));
  expect(acked.length).toBeGreaterThan(0);
  const store = openSqliteStore(server.config.dbPath);
  try {
    const stored = new Map((await store.messagesSince("burst", 0, 500)).items.map((m) => [m.id, m]));
    for (const m of acked) expect(stored.get(m.id)).toEqual(m);
  } finally {
    await store.close();
  }
});
