/**
 * PROTOCOL "Moderation" and "Rooms v2" on PostgreSQL (migration 5,
 * server/storage/postgres-moderation.ts): a real server with a real
 * `databaseUrl` (DATABASE_URL) — owner on first join, topic and slow mode,
 * mute, ban, the audit log, and all of it across a restart on the same database.
 */
import { createParlor, type Parlor } from "../../server/app";
import { mint } from "../auth/support";
import { emitAck, okData, openSocket, type ChatSocket, type TestServer } from "../helpers";
import { codeOf, joined, setupModeration } from "../features/moderation/support";
import { Client, Pool } from "pg";
import { MIGRATIONS, migrate } from "../../server/storage/postgres-schema";
import { startPostgres, type PostgresServer } from "./support/postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let pg: PostgresServer;
let databaseUrl: string;
let t: TestServer;

beforeAll(async () => {
  pg = await startPostgres();
  databaseUrl = await pg.createDatabase("moderation_test");
  t = await setupModeration({ databaseUrl });
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
  await pg?.stop();
});

/** Rows of a moderation table in the test database: the state is in PostgreSQL, not in memory. */
async function count(table: "room_settings" | "room_moderators" | "room_restrictions" | "mod_actions"): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

test("the first joiner owns the room; promote; room:info", async () => {
  const owner = await joined(t, "owner", "pg-hall");
  await joined(t, "mod", "pg-hall");
  const ann = await joined(t, "ann", "pg-hall");
  okData(await emitAck(owner, "mod:promote", { room: "pg-hall", user: "mod" }));
  const { info } = okData(await emitAck(ann, "room:info", { room: "pg-hall" }));
  expect(info).toMatchObject({ room: "pg-hall", owner: { id: "owner" }, moderators: [{ id: "mod" }], topic: "", slowModeMs: 0 });
  expect(await codeOf(emitAck(ann, "room:info", { room: "pg-never-joined" }))).toBe("NOT_FOUND");
  expect(t.config.databaseUrl).toBe(databaseUrl);
  expect(await count("room_settings")).toBeGreaterThanOrEqual(1);
  expect(await count("room_moderators")).toBe(1);
  expect(await count("mod_actions")).toBe(1);
});

test("topic and slow mode: stored, announced, enforced for members, moderators spared", async () => {
  const owner = await joined(t, "owner", "pg-slow");
  const ann = await joined(t, "ann", "pg-slow");
  const { info } = okData(await emitAck(owner, "room:update", { room: "pg-slow", topic: "Be kind", slowModeMs: 5000 }));
  expect(info).toMatchObject({ topic: "Be kind", slowModeMs: 5000 });
  okData(await emitAck(ann, "message:send", { room: "pg-slow", text: "one", clientId: "s1" }));
  const refused = await emitAck(ann, "message:send", { room: "pg-slow", text: "two" });
  expect(refused).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } } });
  okData(await emitAck(owner, "message:send", { room: "pg-slow", text: "spared" }));
  okData(await emitAck(owner, "message:send", { room: "pg-slow", text: "spared again" }));
  expect(okData(await emitAck(ann, "room:info", { room: "pg-slow" })).info).toMatchObject({ topic: "Be kind", slowModeMs: 5000 });
});

test("mute: message:send FORBIDDEN { reason: muted }; unmute lifts it; a timed mute carries until", async () => {
  const owner = await joined(t, "owner", "pg-mute");
  const bob = await joined(t, "bob", "pg-mute");
  const { action } = okData(await emitAck(owner, "mod:mute", { room: "pg-mute", user: "bob", reason: "spam" }));
  expect(action).toMatchObject({ action: "mute", target: { id: "bob" }, by: { id: "owner" }, reason: "spam", until: null });
  expect(await emitAck(bob, "message:send", { room: "pg-mute", text: "x" })).toMatchObject({
    ok: false,
    error: { code: "FORBIDDEN", details: { reason: "muted", until: null } },
  });
  okData(await emitAck(owner, "mod:unmute", { room: "pg-mute", user: "bob" }));
  okData(await emitAck(bob, "message:send", { room: "pg-mute", text: "back" }));
  const timed = okData(await emitAck(owner, "mod:mute", { room: "pg-mute", user: "bob", durationMs: 60_000 })).action;
  expect(await emitAck(bob, "message:send", { room: "pg-mute", text: "x" })).toMatchObject({
    error: { code: "FORBIDDEN", details: { reason: "muted", until: timed.until } },
  });
});

test("timed actions end by themselves; slow mode lets the next message through after its wait", async () => {
  const owner = await joined(t, "owner", "pg-timed");
  const dan = await joined(t, "dan", "pg-timed");
  const mute = okData(await emitAck(owner, "mod:mute", { room: "pg-timed", user: "dan", durationMs: 300 })).action;
  expect(await codeOf(emitAck(dan, "message:send", { room: "pg-timed", text: "x" }))).toBe("FORBIDDEN");
  await sleep(mute.until - Date.now() + 30);
  okData(await emitAck(dan, "message:send", { room: "pg-timed", text: "free" }));
  const ban = okData(await emitAck(owner, "mod:ban", { room: "pg-timed", user: "dan", durationMs: 300 })).action;
  expect(await codeOf(emitAck(dan, "room:join", { room: "pg-timed" }))).toBe("FORBIDDEN");
  await sleep(ban.until - Date.now() + 30);
  okData(await emitAck(dan, "room:join", { room: "pg-timed" }));
  okData(await emitAck(owner, "room:update", { room: "pg-timed", slowModeMs: 300 }));
  okData(await emitAck(dan, "message:send", { room: "pg-timed", text: "one" }));
  const refused = await emitAck(dan, "message:send", { room: "pg-timed", text: "two" });
  expect(refused).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
  await sleep((refused as { error: { details: { retryAfterMs: number } } }).error.details.retryAfterMs + 30);
  okData(await emitAck(dan, "message:send", { room: "pg-timed", text: "two" }));
});

test("ban: the target is removed and room:join answers FORBIDDEN { reason: banned }; unban lets them in; the audit log, newest first, paged", async () => {
  const owner = await joined(t, "owner", "pg-ban");
  const ann = await joined(t, "ann", "pg-ban");
  const { action } = okData(await emitAck(owner, "mod:ban", { room: "pg-ban", user: "ann", durationMs: 60_000, reason: "rude" }));
  expect(action.until).toBeGreaterThan(Date.now());
  expect(await emitAck(ann, "room:join", { room: "pg-ban" })).toMatchObject({
    ok: false,
    error: { code: "FORBIDDEN", details: { reason: "banned", until: action.until } },
  });
  const mine = okData(await emitAck(ann, "room:mine", {}));
  expect(mine.rooms.map((r: { room: string }) => r.room)).not.toContain("pg-ban");
  okData(await emitAck(owner, "mod:unban", { room: "pg-ban", user: "ann" }));
  okData(await emitAck(ann, "room:join", { room: "pg-ban" }));
  okData(await emitAck(owner, "mod:kick", { room: "pg-ban", user: "ann" }));

  const first = okData(await emitAck(owner, "mod:log", { room: "pg-ban", limit: 2 }));
  expect(first.entries.map((e: { action: string }) => e.action)).toEqual(["kick", "unban"]);
  expect(first.hasMore).toBe(true);
  const rest = okData(await emitAck(owner, "mod:log", { room: "pg-ban", before: first.entries[1].id }));
  expect(rest.entries).toEqual([
    expect.objectContaining({
      action: "ban",
      target: expect.objectContaining({ id: "ann" }),
      by: expect.objectContaining({ id: "owner" }),
      reason: "rude",
      until: action.until,
    }),
  ]);
  expect(rest.hasMore).toBe(false);
  expect(await codeOf(emitAck(ann, "mod:log", { room: "pg-ban" }))).toBe("FORBIDDEN");
});

test("a moderator's delete of another's message is logged with its seq", async () => {
  const owner = await joined(t, "owner", "pg-del");
  const cat = await joined(t, "cat", "pg-del");
  const { message } = okData(await emitAck(cat, "message:send", { room: "pg-del", text: "rude" }));
  okData(await emitAck(owner, "message:delete", { room: "pg-del", seq: message.seq }));
  const log = okData(await emitAck(owner, "mod:log", { room: "pg-del", limit: 1 }));
  expect(log.entries[0]).toMatchObject({ action: "delete", target: { id: "cat" }, by: { id: "owner" }, seq: message.seq });
});

test("owner, moderators, topic, slow mode, an open-ended ban and mute and the log survive a restart on the same database", async () => {
  const owner = await joined(t, "owner", "pg-keep");
  for (const id of ["mod", "ann", "bob"]) await joined(t, id, "pg-keep");
  okData(await emitAck(owner, "mod:promote", { room: "pg-keep", user: "mod" }));
  okData(await emitAck(owner, "room:update", { room: "pg-keep", topic: "kept", slowModeMs: 5000 }));
  okData(await emitAck(owner, "mod:ban", { room: "pg-keep", user: "ann" }));
  okData(await emitAck(owner, "mod:mute", { room: "pg-keep", user: "bob" }));
  const config = t.config;
  await t.cleanup();

  let again: Parlor | undefined;
  const sockets: ChatSocket[] = [];
  try {
    again = await createParlor(config);
    const port = await again.listen(0, "127.0.0.1");
    const connect = async (id: string) => {
      const socket = await openSocket<ChatSocket>(`http://127.0.0.1:${port}/chat`, { auth: { token: await mint({ sub: id, name: id }) } });
      sockets.push(socket);
      return socket;
    };
    const ann = await connect("ann");
    const bob = await connect("bob");
    const late = await connect("late");
    expect(await emitAck(ann, "room:join", { room: "pg-keep" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", details: { reason: "banned", until: null } },
    });
    const { info } = okData(await emitAck(bob, "room:join", { room: "pg-keep" }));
    expect(info).toMatchObject({ owner: { id: "owner" }, moderators: [{ id: "mod" }], topic: "kept", slowModeMs: 5000 });
    expect(okData(await emitAck(late, "room:join", { room: "pg-keep" })).info.owner).toMatchObject({ id: "owner" });
    expect(await emitAck(bob, "message:send", { room: "pg-keep", text: "x" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", details: { reason: "muted", until: null } },
    });
    const mod = await connect("mod");
    const log = okData(await emitAck(mod, "mod:log", { room: "pg-keep" }));
    expect(log.entries.map((e: { action: string }) => e.action)).toEqual(["mute", "ban", "update", "promote"]);
    // The other rooms' state is there too.
    expect(okData(await emitAck(late, "room:join", { room: "pg-hall" })).info).toMatchObject({
      owner: { id: "owner" },
      moderators: [{ id: "mod" }],
    });
  } finally {
    sockets.forEach((s) => s.close());
    await again?.close();
  }
}, 30_000);

test("migration 5 keeps a database's existing rooms and messages: the old room's history and seq carry on", async () => {
  const url = await pg.createDatabase("moderation_upgrade");
  const pool = new Pool({ connectionString: url });
  try {
    expect(
      await migrate(
        pool,
        MIGRATIONS.filter((m) => m.version < 5),
      ),
    ).toEqual([1, 2, 3, 4]);
    await pool.query("INSERT INTO users (id, name, seen_at) VALUES ('old', 'Old', 1)");
    await pool.query("INSERT INTO rooms (name, last_seq) VALUES ('legacy', 1)");
    await pool.query(
      "INSERT INTO messages (id, room, seq, user_id, user_name, text, ts) VALUES ('m_old', 'legacy', 1, 'old', 'Old', 'before v5', 1)",
    );
  } finally {
    await pool.end();
  }
  const node = await setupModeration({ databaseUrl: url });
  try {
    const first = await joined(node, "first", "legacy");
    const { info } = okData(await emitAck(first, "room:info", { room: "legacy" }));
    expect(info).toMatchObject({ room: "legacy", topic: "", slowModeMs: 0 });
    const history = okData(await emitAck(first, "message:history", { room: "legacy" }));
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual(["before v5"]);
    const next = okData(await emitAck(first, "message:send", { room: "legacy", text: "after v5" })).message;
    expect(next.seq).toBe(2);
  } finally {
    await node.cleanup();
  }
});
