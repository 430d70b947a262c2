/** Guests: POST /api/session users carry `guest: true`; PARLOR_GUESTS=0 turns them off. */
import { emitAck, okData, openSocket, setup, waitFor, type TestServer } from "../helpers";
import { HS_SECRET, mint } from "./support";

describe("guests on (the default)", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup({ identity: { guests: true, jwt: { secret: HS_SECRET } } })));
  afterAll(() => t.cleanup());

  test("a guest user carries guest: true in the session and in what others see; a JWT user does not", async () => {
    const { socket: guest, session } = await t.connectUser("Ada");
    expect(session.user).toEqual({ id: expect.stringMatching(/^u_/), name: "Ada", guest: true });
    const member = await t.connectChat(await mint({ sub: "acct-1", name: "Ada" }));
    okData(await emitAck(member, "room:join", { room: "lobby" }));
    const [joined, seen] = await Promise.all([emitAck(guest, "room:join", { room: "lobby" }), waitFor(member, "room:member-joined")]);
    expect(okData(joined).members).toEqual(expect.arrayContaining([{ id: "acct-1", name: "Ada" }, session.user]));
    expect(seen).toEqual({ room: "lobby", user: session.user });
  });

  test("stored messages name their author as { id, name }: guest is a property of the live identity", async () => {
    const { socket, session } = await t.connectUser("Bea");
    okData(await emitAck(socket, "room:join", { room: "lobby" }));
    const sent = okData(await emitAck(socket, "message:send", { room: "lobby", text: "hi" }));
    expect(sent.message.user).toEqual({ id: session.user.id, name: "Bea" });
  });
});

describe("PARLOR_GUESTS=0", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup({ identity: { guests: false, jwt: { secret: HS_SECRET } } })));
  afterAll(() => t.cleanup());

  test("POST /api/session answers 403 FORBIDDEN", async () => {
    const res = await fetch(`${t.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Ada" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "FORBIDDEN", message: expect.any(String) } });
  });

  test("a guest token issued before (same secret) no longer connects; a JWT does", async () => {
    const before = await setup({ secret: t.config.secret, dbPath: t.config.dbPath.replace(/parlor\.db$/, "before.db") });
    try {
      const { session } = await before.connectUser("Ada");
      await expect(openSocket(`${t.url}/chat`, { auth: { token: session.token } })).rejects.toMatchObject({
        data: { code: "UNAUTHORIZED" },
      });
    } finally {
      await before.cleanup();
    }
    const socket = await t.connectChat(await mint({ sub: "acct-9", name: "Ada" }));
    expect(socket.connected).toBe(true);
  });
});
