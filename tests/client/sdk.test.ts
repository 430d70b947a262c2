/** The SDK against a real Parlor: sessions, typed calls, ParlorError, events. */
import { connectParlor, ParlorError, type Message } from "../../client/sdk";
import { setup, type TestServer } from "../helpers";
import { clientPool, collect, nextEvent } from "./sdk-helpers";

let t: TestServer;
const pool = clientPool();
beforeEach(async () => (t = await setup()));
afterEach(async () => {
  pool.closeAll();
  await t.cleanup();
});

const connect = (name: string) => pool.connect({ url: t.url, name, transports: ["websocket"] });

test("connectParlor creates a session and a connected /chat client", async () => {
  const ada = await connect("  Ada ");
  expect(ada.user).toEqual({ id: expect.any(String), name: "Ada", guest: true });
  expect(ada.session.expiresAt).toBeGreaterThan(Date.now());
  expect(ada.connected).toBe(true);
});

test("join, send and on('message'): the others get it once, the sender gets it from send", async () => {
  const ada = await connect("Ada");
  const bob = await connect("Bob");
  await ada.join("lobby");
  const joined = await bob.join("lobby");
  expect(joined.members.map((u) => u.name).sort()).toEqual(["Ada", "Bob"]);

  const adaSees = collect(ada, "message");
  const [sent, received] = await Promise.all([ada.send("lobby", "hello"), nextEvent(bob, "message")]);
  expect(sent).toMatchObject({
    room: "lobby",
    seq: 1,
    text: "hello",
    user: { id: ada.user.id, name: ada.user.name },
    clientId: expect.any(String),
  });
  expect(received).toEqual(sent);

  // Bob's reply proves Ada's stream works and did not carry her own message.
  await Promise.all([bob.send("lobby", "hi Ada"), nextEvent(ada, "message")]);
  expect(adaSees.map((m) => m.text)).toEqual(["hi Ada"]);
});

test("a second join of the same room returns only what is new", async () => {
  const ada = await connect("Ada");
  await ada.join("lobby");
  await ada.send("lobby", "one");
  const again = await ada.join("lobby");
  expect(again.messages).toEqual([]);
  expect(ada.joinedRooms).toEqual(["lobby"]);
});

test("history, search, members and listRooms answer typed data", async () => {
  const ada = await connect("Ada");
  await ada.join("lobby");
  for (const text of ["deploy started", "lunch?", "deploy finished"]) await ada.send("lobby", text);

  const { messages, hasMore } = await ada.history("lobby", { limit: 2 });
  expect(messages.map((m) => m.text)).toEqual(["lunch?", "deploy finished"]);
  expect(hasMore).toBe(true);

  const results = await ada.search("deploy", { room: "lobby" });
  expect(results.map((r) => r.message.text).sort()).toEqual(["deploy finished", "deploy started"]);

  expect(await ada.members("lobby")).toEqual([ada.user]);
  expect(await ada.listRooms()).toEqual([{ room: "lobby", members: 1 }]);
});

test("dm reaches the recipient as a 'dm' event and dmHistory has it", async () => {
  const ada = await connect("Ada");
  const bob = await connect("Bob");
  const [sent, received] = await Promise.all([ada.dm(bob.user.id, "psst"), nextEvent(bob, "dm")]);
  expect(received).toEqual(sent);
  expect(sent).toMatchObject({
    from: { id: ada.user.id, name: ada.user.name },
    to: { id: bob.user.id, name: bob.user.name },
    text: "psst",
  });
  expect((await bob.dmHistory(ada.user.id)).messages).toEqual([sent]);
});

test("typing and membership events arrive typed", async () => {
  const ada = await connect("Ada");
  const bob = await connect("Bob");
  await ada.join("lobby");
  const [joined] = await Promise.all([nextEvent(ada, "member-joined"), bob.join("lobby")]);
  expect(joined).toEqual({ room: "lobby", user: bob.user });

  const typing = nextEvent(ada, "typing");
  bob.typing("lobby", true);
  expect(await typing).toEqual({ room: "lobby", user: bob.user, typing: true });

  const [left] = await Promise.all([nextEvent(ada, "member-left"), bob.leave("lobby")]);
  expect(left).toEqual({ room: "lobby", user: bob.user });
  expect(bob.joinedRooms).toEqual([]);
});

describe("errors surface as ParlorError with the ack's code, message and details", () => {
  test("FORBIDDEN: sending to a room not joined", async () => {
    const ada = await connect("Ada");
    const err = await ada.send("lobby", "hi").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParlorError);
    expect(err).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("lobby") });
  });

  test("BAD_REQUEST names the field in details", async () => {
    const ada = await connect("Ada");
    await ada.join("lobby");
    await expect(ada.send("lobby", "   ")).rejects.toMatchObject({ code: "BAD_REQUEST", details: { field: "text" } });
  });

  test("NOT_FOUND: a DM to a user the server never saw", async () => {
    const ada = await connect("Ada");
    await expect(ada.dm("u_nobody", "hello?")).rejects.toMatchObject({ name: "ParlorError", code: "NOT_FOUND" });
  });

  test("a bad name is BAD_REQUEST from POST /api/session", async () => {
    await expect(connectParlor({ url: t.url, name: "\u0007" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  test("a forged token is UNAUTHORIZED at connect", async () => {
    const forged = { token: "eyJ1aWQiOiJ4In0.AAAA", user: { id: "x", name: "X" }, expiresAt: Date.now() + 60_000 };
    await expect(connectParlor({ url: t.url, session: forged })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("an unreachable server is CONNECT_FAILED", async () => {
    await expect(connectParlor({ url: "http://127.0.0.1:1", name: "Ada" })).rejects.toMatchObject({ code: "CONNECT_FAILED" });
  });

  test("calls on a closed client reject with CLOSED", async () => {
    const ada = await connect("Ada");
    ada.close();
    await expect(ada.join("lobby")).rejects.toMatchObject({ code: "CLOSED" });
  });
});

test("a saved session reconnects as the same user", async () => {
  const first = await connect("Ada");
  first.close();
  const again = await pool.connect({ url: t.url, session: first.session });
  expect(again.user).toEqual(first.user);
});

test("request() covers any ack event of the contract", async () => {
  const ada = await connect("Ada");
  const data = await ada.request("room:join", { room: "ops" });
  expect(data).toMatchObject({ room: "ops", messages: [] as Message[], hasMore: false });
});

/** Type-level checks, compiled by `tsc --noEmit` (npm test); never called. */
export function contractChecks(parlor: Awaited<ReturnType<typeof connectParlor>>) {
  // @ts-expect-error room:join needs a room
  void parlor.request("room:join", {});
  // @ts-expect-error typing has no ack, so it is not a request
  void parlor.request("typing", { room: "lobby", typing: true });
  // @ts-expect-error send takes text as a string
  void parlor.send("lobby", 42);
  parlor.on("message", (m) => {
    const seq: number = m.seq;
    void seq;
  });
  // @ts-expect-error a 'dm' event carries a DirectMessage, which has no seq
  parlor.on("dm", (m) => void m.seq);
}
