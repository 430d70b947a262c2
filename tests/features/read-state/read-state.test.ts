/**
 * Read state on a real server (PROTOCOL v2 "Read state", "Connection
 * niceties"): lasting memberships, cursors synced to other tabs, unread
 * counts, receipts, DM conversations, session:welcome and system:ping (on
 * /chat, /game and /system).
 */
import { io } from "socket.io-client";
import { createParlor } from "../../../server/app";
import { emitAck, okData, receives, setup, testConfig, UNLIMITED_EVENTS, waitFor, type TestServer } from "../../helpers";

let server: TestServer;
beforeEach(async () => (server = await setup(UNLIMITED_EVENTS)));
afterEach(() => server.cleanup());

const mine = async (s: Parameters<typeof emitAck>[0]) => okData(await emitAck(s, "room:mine", {})).rooms;

test("the cursor starts at the room's last seq; unread counts others' live messages; sending moves one's own cursor", async () => {
  const ada = await server.connectUser("Ada");
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  for (const t of ["a", "b"]) okData(await emitAck(ada.socket, "message:send", { room: "lobby", text: t }));
  const bob = await server.connectUser("Bob");
  expect(okData(await emitAck(bob.socket, "room:join", { room: "lobby" }))).toMatchObject({ readSeq: 2, rev: 2 });
  for (const t of ["c", "d", "e"]) okData(await emitAck(ada.socket, "message:send", { room: "lobby", text: t }));
  okData(await emitAck(ada.socket, "message:delete", { room: "lobby", seq: 5 }));
  expect(await mine(bob.socket)).toEqual([{ room: "lobby", lastSeq: 5, readSeq: 2, unread: 2 }]);
  expect(await mine(ada.socket)).toEqual([{ room: "lobby", lastSeq: 5, readSeq: 5, unread: 0 }]);
  okData(await emitAck(bob.socket, "message:send", { room: "lobby", text: "f" }));
  expect(await mine(bob.socket)).toEqual([{ room: "lobby", lastSeq: 6, readSeq: 6, unread: 0 }]);
});

test("room:read moves forward only, stops at the last seq, and reaches the user's other tabs", async () => {
  const ada = await server.connectUser("Ada");
  const tab2 = await server.connectChat(ada.session.token);
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  const bob = await server.connectUser("Bob");
  okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  for (const t of ["1", "2", "3"]) okData(await emitAck(bob.socket, "message:send", { room: "lobby", text: t }));
  const [ack, synced, echoed] = await Promise.all([
    emitAck(ada.socket, "room:read", { room: "lobby", seq: 2 }),
    waitFor(tab2, "room:read"),
    receives(ada.socket, "room:read"),
  ]);
  expect(okData(ack)).toEqual({ room: "lobby", readSeq: 2 });
  expect(synced).toEqual({ room: "lobby", readSeq: 2 });
  expect(echoed).toBe(false);
  expect(okData(await emitAck(ada.socket, "room:read", { room: "lobby", seq: 1 }))).toEqual({ room: "lobby", readSeq: 2 });
  expect(okData(await emitAck(ada.socket, "room:read", { room: "lobby", seq: 99 }))).toEqual({ room: "lobby", readSeq: 3 });
  expect(await emitAck(ada.socket, "room:read", { room: "other", seq: 1 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});

test("receipts: the cursors of the room's members, members only", async () => {
  const ada = await server.connectUser("Ada");
  const bob = await server.connectUser("Bob");
  for (const u of [ada, bob]) okData(await emitAck(u.socket, "room:join", { room: "lobby" }));
  okData(await emitAck(ada.socket, "message:send", { room: "lobby", text: "hi" }));
  const { receipts } = okData(await emitAck(bob.socket, "room:receipts", { room: "lobby" }));
  const byId = Object.fromEntries(receipts.map((r: { user: { id: string }; readSeq: number }) => [r.user.id, r.readSeq]));
  expect(byId).toEqual({ [ada.session.user.id]: 1, [bob.session.user.id]: 0 });
  const eve = await server.connectUser("Eve");
  expect(await emitAck(eve.socket, "room:receipts", { room: "lobby" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});

test("membership lasts across disconnects; room:leave ends it only with the user's last socket there", async () => {
  const ada = await server.connectUser("Ada");
  const tab2 = await server.connectChat(ada.session.token);
  for (const s of [ada.socket, tab2]) okData(await emitAck(s, "room:join", { room: "lobby" }));
  okData(await emitAck(ada.socket, "room:join", { room: "games" }));
  ada.socket.close();
  const tab3 = await server.connectChat(ada.session.token);
  expect((await mine(tab3)).map((r: { room: string }) => r.room)).toEqual(["games", "lobby"]);
  okData(await emitAck(tab3, "room:leave", { room: "lobby" }));
  // tab2 is still in lobby: the membership stays.
  expect((await mine(tab3)).map((r: { room: string }) => r.room)).toEqual(["games", "lobby"]);
  okData(await emitAck(tab2, "room:leave", { room: "lobby" }));
  okData(await emitAck(tab3, "room:leave", { room: "games" }));
  expect(await mine(tab3)).toEqual([]);
});

test("memberships and cursors survive a restart on the same database file", async () => {
  const config = testConfig(UNLIMITED_EVENTS);
  const first = await createParlor(config);
  const port = await first.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Ada" }),
  });
  const { token } = (await res.json()) as { token: string };
  const open = async (u: string) => {
    const s = io(`${u}/chat`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
    await waitFor(s, "connect");
    return s;
  };
  const s1 = await open(url);
  okData(await emitAck(s1, "room:join", { room: "lobby" }));
  okData(await emitAck(s1, "message:send", { room: "lobby", text: "before" }));
  s1.close();
  await first.close();
  const second = await createParlor(config);
  const port2 = await second.listen(0, "127.0.0.1");
  const s2 = await open(`http://127.0.0.1:${port2}`);
  try {
    expect(await mine(s2)).toEqual([{ room: "lobby", lastSeq: 1, readSeq: 1, unread: 0 }]);
  } finally {
    s2.close();
    await second.close();
  }
});

test("dm:list: conversations, most recent first", async () => {
  const ada = await server.connectUser("Ada");
  const bob = await server.connectUser("Bob");
  const cy = await server.connectUser("Cy");
  okData(await emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "hi bob" }));
  okData(await emitAck(cy.socket, "dm:send", { to: ada.session.user.id, text: "hi ada" }));
  const { conversations } = okData(await emitAck(ada.socket, "dm:list", {}));
  expect(conversations.map((c: { with: { id: string }; last: { text: string } }) => [c.with.id, c.last.text])).toEqual([
    [cy.session.user.id, "hi ada"],
    [bob.session.user.id, "hi bob"],
  ]);
});

test("session:welcome on connect; system:ping on /chat and /system", async () => {
  const ada = await server.connectUser("Ada");
  const s = io(`${server.url}/chat`, {
    auth: { token: ada.session.token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  try {
    const welcome = await waitFor(s, "session:welcome");
    expect(welcome).toEqual({
      user: expect.objectContaining({ id: ada.session.user.id }),
      node: "test-node",
      serverTime: expect.any(Number),
      limits: { ratePerSec: 100_000, burst: 100_000, maxPayload: server.config.maxPayloadBytes, messageMax: 2000 },
    });
    expect(okData(await emitAck(s, "system:ping", { t: 42 }))).toEqual({ t: 42, serverTime: expect.any(Number) });
    expect(okData(await emitAck(s, "system:ping", {}))).toEqual({ t: null, serverTime: expect.any(Number) });
  } finally {
    s.close();
  }
  const system = await server.connectSystem();
  expect(okData(await emitAck(system, "system:ping", { t: "x" }))).toEqual({ t: "x", serverTime: expect.any(Number) });
  expect(okData(await emitAck(system, "system:ping"))).toEqual({ t: null, serverTime: expect.any(Number) });
});

test("system:ping on /game: t echoed (null when absent), a bad t answers BAD_REQUEST", async () => {
  const ada = await server.connectUser("Ada");
  const game = await server.connectGame(ada.session.token);
  const before = Date.now();
  const pong = okData(await emitAck(game, "system:ping", { t: 7 }));
  expect(pong).toEqual({ t: 7, serverTime: expect.any(Number) });
  expect(pong.serverTime).toBeGreaterThanOrEqual(before);
  expect(okData(await emitAck(game, "system:ping"))).toEqual({ t: null, serverTime: expect.any(Number) });
  expect(await emitAck(game, "system:ping", { t: "x".repeat(65) })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  expect(await emitAck(game, "system:ping", { t: 1, extra: true })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
});
