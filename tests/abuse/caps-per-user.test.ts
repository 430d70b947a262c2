/**
 * Per-user caps, each with a clear answer: sockets per user (the handshake is
 * refused with a reason, never a silent reset), rooms per user and open games
 * per user (CONFLICT with details.reason), and bounded room:list / game:list
 * replies (`limit`, `hasMore`). Small caps so each test is quick; another
 * user is never affected by someone else's cap.
 */
import { defaultConfig } from "../../server/config";
import { emitAck, okData, openSocket, setup, type ChatSocket, type TestServer } from "../helpers";

let t: TestServer;
const limits = { maxSocketsPerUser: 3, maxRoomsPerUser: 3, maxGamesPerUser: 2, maxListItems: 4 };
beforeAll(async () => (t = await setup({ limits: { ...defaultConfig().limits, ...limits } })));
afterAll(() => t.cleanup());

test("sockets per user: the next handshake gets connect_error CONFLICT with reason too_many_sockets; closing one lets a new one in; others connect", async () => {
  const { socket, session } = await t.connectUser("Ada");
  const tabs = [socket, await t.connectChat(session.token), await t.connectChat(session.token)];
  const refused = await openSocket<ChatSocket>(`${t.url}/chat`, { auth: { token: session.token } }).then(
    () => undefined,
    (err: Error & { data?: unknown }) => err,
  );
  expect(refused?.message).toBe("CONFLICT");
  expect(refused?.data).toEqual({ code: "CONFLICT", message: expect.any(String), reason: "too_many_sockets", limit: 3 });
  // Per namespace: /game has its own count.
  const game = await t.connectGame(session.token);
  expect(game.connected).toBe(true);
  // Bob is not affected.
  expect((await t.connectUser("Bob")).socket.connected).toBe(true);
  // A closed tab frees its place.
  const left = new Promise((r) => setTimeout(r, 100));
  tabs[0]!.close();
  await left;
  expect((await t.connectChat(session.token)).connected).toBe(true);
});

test("rooms per user: the next room is CONFLICT too_many_rooms across the user's sockets; rejoining is fine; leaving frees a place", async () => {
  const { socket, session } = await t.connectUser("Carol");
  const tab = await t.connectChat(session.token);
  okData(await emitAck(socket, "room:join", { room: "r1" }));
  okData(await emitAck(socket, "room:join", { room: "r2" }));
  okData(await emitAck(tab, "room:join", { room: "r3" }));
  const refused = await emitAck(tab, "room:join", { room: "r4" });
  expect(refused).toEqual({
    ok: false,
    error: { code: "CONFLICT", message: expect.any(String), details: { reason: "too_many_rooms", limit: 3 } },
  });
  // Not half-joined: the refused room has no member.
  expect(okData(await emitAck(socket, "room:members", { room: "r4" })).members).toEqual([]);
  // A room the user is already in (from another tab) is no new room.
  okData(await emitAck(tab, "room:join", { room: "r1" }));
  okData(await emitAck(socket, "room:join", { room: "r1" }));
  okData(await emitAck(tab, "room:leave", { room: "r3" }));
  okData(await emitAck(tab, "room:join", { room: "r4" }));
  // Dave has his own count.
  const { socket: dave } = await t.connectUser("Dave");
  okData(await emitAck(dave, "room:join", { room: "r5" }));
});

test("open games per user: the next game:create is CONFLICT too_many_games; another user may create", async () => {
  const { socket } = await t.connectPlayer("Erin");
  okData(await emitAck(socket, "game:create", {}));
  okData(await emitAck(socket, "game:create", {}));
  expect(await emitAck(socket, "game:create", {})).toEqual({
    ok: false,
    error: { code: "CONFLICT", message: expect.any(String), details: { reason: "too_many_games", limit: 2 } },
  });
  const before = t.parlor.games.count;
  expect(await emitAck(socket, "game:create", { name: "again" })).toMatchObject({
    ok: false,
    error: { details: { reason: "too_many_games" } },
  });
  expect(t.parlor.games.count).toBe(before);
  const { socket: frank } = await t.connectPlayer("Frank");
  okData(await emitAck(frank, "game:create", {}));
});

test("a disposed game no longer counts against its creator", async () => {
  const { socket } = await t.connectPlayer("Gail");
  const a = okData(await emitAck(socket, "game:create", {}));
  okData(await emitAck(socket, "game:create", {}));
  t.parlor.games.get(a.game.id)!.dispose();
  okData(await emitAck(socket, "game:create", {}));
});

test("room:list and game:list hold at most `limit` (and the server's maximum), with hasMore", async () => {
  const { socket: lister, session } = await t.connectUser("Lister");
  const names = ["l1", "l2", "l3", "l4", "l5", "l6"];
  for (const room of names) {
    const { socket } = await t.connectUser(`U-${room}`);
    okData(await emitAck(socket, "room:join", { room }));
  }
  const all = okData(await emitAck(lister, "room:list", {}));
  expect(all.rooms).toHaveLength(limits.maxListItems);
  expect(all.hasMore).toBe(true);
  expect(okData(await emitAck(lister, "room:list", { limit: 2 }))).toEqual({
    rooms: [expect.any(Object), expect.any(Object)],
    hasMore: true,
  });
  expect(okData(await emitAck(lister, "room:list", { limit: 1000 })).rooms).toHaveLength(limits.maxListItems);
  expect(await emitAck(lister, "room:list", { limit: 0 })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "limit" } },
  });

  const player = await t.connectGame(session.token);
  const games = okData(await emitAck(player, "game:list", { limit: 2 }));
  expect(t.parlor.games.count).toBeGreaterThan(2);
  expect(games.games).toHaveLength(2);
  expect(games.hasMore).toBe(true);
  const every = okData(await emitAck(player, "game:list", {}));
  expect(every.games.length).toBe(Math.min(limits.maxListItems, t.parlor.games.count));
  expect(every.hasMore).toBe(t.parlor.games.count > limits.maxListItems);
});
