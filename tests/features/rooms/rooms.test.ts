import { emitAck, okData, receives, setup, UNLIMITED_EVENTS, waitFor, type TestServer } from "../../helpers";

let t: TestServer;
// These tests send faster than the per-user limit allows (they test ordering and paging, not limits).
beforeEach(async () => (t = await setup(UNLIMITED_EVENTS)));
afterEach(() => t.cleanup());

describe("room:join", () => {
  test("answers the room, its members and the last 50 messages", async () => {
    const { socket: ada, session } = await t.connectUser("Ada");
    okData(await emitAck(ada, "room:join", { room: "lobby" }));
    for (let i = 1; i <= 55; i++) okData(await emitAck(ada, "message:send", { room: "lobby", text: `m${i}` }));

    const { socket: bob } = await t.connectUser("Bob");
    const data = okData(await emitAck(bob, "room:join", { room: "lobby" }));
    expect(data.room).toBe("lobby");
    expect(data.members.map((m: { name: string }) => m.name).sort()).toEqual(["Ada", "Bob"]);
    expect(data.messages).toHaveLength(50);
    expect(data.messages[0]).toMatchObject({ seq: 6, text: "m6", user: { id: session.user.id, name: session.user.name }, room: "lobby" });
    expect(data.messages[49].seq).toBe(55);
    expect(data.hasMore).toBe(true);
  });

  test("rejects a bad room name with the field in details", async () => {
    const { socket } = await t.connectUser("Ada");
    const ack = await emitAck(socket, "room:join", { room: "Not A Room!" });
    expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "room" } } });
  });

  test("tells the others room:member-joined once per user, not per tab", async () => {
    const { socket: ada } = await t.connectUser("Ada");
    okData(await emitAck(ada, "room:join", { room: "lobby" }));
    const { socket: bob, session } = await t.connectUser("Bob");
    const [joined] = await Promise.all([waitFor(ada, "room:member-joined"), emitAck(bob, "room:join", { room: "lobby" })]);
    expect(joined).toEqual({ room: "lobby", user: session.user });

    const bobTab2 = await t.connectChat(session.token);
    const [again, ack] = await Promise.all([receives(ada, "room:member-joined"), emitAck(bobTab2, "room:join", { room: "lobby" })]);
    expect(again).toBe(false);
    expect(okData(ack).members).toHaveLength(2);
  });
});

describe("room:leave and disconnects", () => {
  test("room:member-left only when the user's last socket leaves", async () => {
    const { socket: ada } = await t.connectUser("Ada");
    const { socket: bob1, session } = await t.connectUser("Bob");
    const bob2 = await t.connectChat(session.token);
    for (const s of [ada, bob1, bob2]) okData(await emitAck(s, "room:join", { room: "lobby" }));

    const [early, left1] = await Promise.all([receives(ada, "room:member-left"), emitAck(bob1, "room:leave", { room: "lobby" })]);
    expect(left1).toEqual({ ok: true, data: { room: "lobby" } });
    expect(early).toBe(false);

    const leftEvent = waitFor(ada, "room:member-left");
    bob2.disconnect();
    expect(await leftEvent).toEqual({ room: "lobby", user: session.user });
    expect(okData(await emitAck(ada, "room:members", { room: "lobby" })).members.map((m: { name: string }) => m.name)).toEqual(["Ada"]);
  });

  test("room:leave rejects a missing room", async () => {
    const { socket } = await t.connectUser("Ada");
    expect(await emitAck(socket, "room:leave", {})).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", details: { field: "room" } },
    });
  });

  test("after leaving, the socket no longer gets the room's messages", async () => {
    const { socket: ada } = await t.connectUser("Ada");
    const { socket: bob } = await t.connectUser("Bob");
    okData(await emitAck(ada, "room:join", { room: "lobby" }));
    okData(await emitAck(bob, "room:join", { room: "lobby" }));
    okData(await emitAck(bob, "room:leave", { room: "lobby" }));
    const [got] = await Promise.all([receives(bob, "message:new"), emitAck(ada, "message:send", { room: "lobby", text: "hi" })]);
    expect(got).toBe(false);
  });
});

describe("room:list and room:members", () => {
  test("room:list counts users per room, only rooms with members", async () => {
    const { socket: ada, session } = await t.connectUser("Ada");
    const adaTab2 = await t.connectChat(session.token);
    const { socket: bob } = await t.connectUser("Bob");
    okData(await emitAck(ada, "room:join", { room: "lobby" }));
    okData(await emitAck(adaTab2, "room:join", { room: "lobby" }));
    okData(await emitAck(bob, "room:join", { room: "lobby" }));
    okData(await emitAck(bob, "room:join", { room: "dev" }));
    okData(await emitAck(bob, "room:leave", { room: "dev" }));
    expect(okData(await emitAck(ada, "room:list", {}))).toEqual({ rooms: [{ room: "lobby", members: 2 }], hasMore: false });
  });

  test("room:list rejects unexpected fields", async () => {
    const { socket } = await t.connectUser("Ada");
    expect(await emitAck(socket, "room:list", { all: true })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  });

  test("room:members lists users once each", async () => {
    const { socket: ada, session } = await t.connectUser("Ada");
    const tab2 = await t.connectChat(session.token);
    okData(await emitAck(ada, "room:join", { room: "lobby" }));
    okData(await emitAck(tab2, "room:join", { room: "lobby" }));
    expect(okData(await emitAck(ada, "room:members", { room: "lobby" }))).toEqual({ room: "lobby", members: [session.user] });
  });

  test("room:members rejects a bad room", async () => {
    const { socket } = await t.connectUser("Ada");
    expect(await emitAck(socket, "room:members", { room: 7 })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", details: { field: "room" } },
    });
  });
});
