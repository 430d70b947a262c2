/**
 * PROTOCOL "Moderation": who may act on whom, on a real server. The room
 * "hall" is owned by its first joiner, owner; mod is a room moderator;
 * gmod and admin hold global roles; ann and bob are plain members.
 */
import { emitAck, okData, receives, waitFor, type ChatSocket, type TestServer } from "../../helpers";
import { codeOf, connectAs, joined, setupModeration } from "./support";

let t: TestServer;
const s: Record<string, ChatSocket> = {};

beforeAll(async () => {
  t = await setupModeration();
  s.owner = await joined(t, "owner", "hall");
  for (const id of ["mod", "ann", "bob", "cat"]) s[id] = await joined(t, id, "hall");
  s.gmod = await joined(t, "gmod", "hall", ["moderator"]);
  s.admin = await joined(t, "admin", "hall", ["admin"]);
  okData(await emitAck(s.owner, "mod:promote", { room: "hall", user: "mod" }));
});
afterAll(() => t.cleanup());

const act = (who: string, event: string, user: string, extra: object = {}) =>
  codeOf(emitAck(s[who], event, { room: "hall", user, ...extra }));

test("the first joiner owns the room; room:info and the join ack show owner and moderators", async () => {
  const { info } = okData(await emitAck(s.ann, "room:info", { room: "hall" }));
  expect(info).toMatchObject({ room: "hall", owner: { id: "owner" }, moderators: [{ id: "mod" }], topic: "", slowModeMs: 0 });
  const again = okData(await emitAck(s.bob, "room:join", { room: "hall" }));
  expect(again.info.owner).toMatchObject({ id: "owner" });
});

test("plain members may not moderate; nobody acts on themselves, the owner or an admin", async () => {
  expect(await act("ann", "mod:mute", "bob")).toBe("FORBIDDEN");
  expect(await act("ann", "mod:kick", "bob")).toBe("FORBIDDEN");
  expect(await codeOf(emitAck(s.ann, "mod:log", { room: "hall" }))).toBe("FORBIDDEN");
  expect(await codeOf(emitAck(s.ann, "room:update", { room: "hall", topic: "mine" }))).toBe("FORBIDDEN");
  expect(await act("mod", "mod:mute", "mod")).toBe("FORBIDDEN");
  expect(await act("mod", "mod:mute", "owner")).toBe("FORBIDDEN");
  expect(await act("gmod", "mod:ban", "owner")).toBe("FORBIDDEN");
  expect(await act("owner", "mod:mute", "admin")).toBe("FORBIDDEN");
  expect(await act("gmod", "mod:kick", "admin")).toBe("FORBIDDEN");
});

test("a room moderator may not act on another room moderator; the owner, a global moderator and an admin may", async () => {
  okData(await emitAck(s.owner, "mod:promote", { room: "hall", user: "cat" }));
  expect(await act("mod", "mod:mute", "cat")).toBe("FORBIDDEN");
  expect(await act("owner", "mod:mute", "cat")).toBe("ok");
  expect(await act("gmod", "mod:unmute", "cat")).toBe("ok");
  expect(await act("admin", "mod:mute", "cat", { durationMs: 1000 })).toBe("ok");
  expect(await act("admin", "mod:unmute", "cat")).toBe("ok");
  okData(await emitAck(s.owner, "mod:demote", { room: "hall", user: "cat" }));
});

test("promote and demote: owner and global admins only", async () => {
  expect(await act("mod", "mod:promote", "ann")).toBe("FORBIDDEN");
  expect(await act("gmod", "mod:promote", "ann")).toBe("FORBIDDEN");
  expect(await act("admin", "mod:promote", "ann")).toBe("ok");
  expect(okData(await emitAck(s.bob, "room:info", { room: "hall" })).info.moderators.map((m: { id: string }) => m.id)).toEqual([
    "mod",
    "ann",
  ]);
  expect(await act("admin", "mod:demote", "ann")).toBe("ok");
});

test("NOT_FOUND for a user never seen and a room nobody joined", async () => {
  expect(await act("owner", "mod:mute", "nobody-ever")).toBe("NOT_FOUND");
  expect(await codeOf(emitAck(s.admin, "mod:ban", { room: "empty-room", user: "ann" }))).toBe("NOT_FOUND");
  expect(await codeOf(emitAck(s.admin, "room:info", { room: "empty-room" }))).toBe("NOT_FOUND");
});

test("a mute: FORBIDDEN { reason: muted, until: null } on send; the room and the target get room:moderation; unmute lifts it", async () => {
  const [ack, toRoom, toTarget] = await Promise.all([
    emitAck(s.mod, "mod:mute", { room: "hall", user: "bob", reason: "spam" }),
    waitFor(s.ann, "room:moderation"),
    waitFor(s.bob, "room:moderation"),
  ]);
  const { action } = okData(ack);
  expect(action).toMatchObject({ room: "hall", action: "mute", target: { id: "bob" }, by: { id: "mod" }, reason: "spam", until: null });
  expect(toRoom).toEqual(action);
  expect(toTarget).toEqual(action);
  const sent = await emitAck(s.bob, "message:send", { room: "hall", text: "hello?" });
  expect(sent).toMatchObject({ ok: false, error: { code: "FORBIDDEN", details: { reason: "muted", until: null } } });
  okData(await emitAck(s.mod, "mod:unmute", { room: "hall", user: "bob" }));
  okData(await emitAck(s.bob, "message:send", { room: "hall", text: "back" }));
});

test("a kick: the target's sockets leave and get room:removed, the room sees member-left, the membership ends; joining again works", async () => {
  const second = await connectAs(t, "bob");
  okData(await emitAck(second, "room:join", { room: "hall" }));
  const [ack, removed1, removed2, left] = await Promise.all([
    emitAck(s.owner, "mod:kick", { room: "hall", user: "bob" }),
    waitFor(s.bob, "room:removed"),
    waitFor(second, "room:removed"),
    waitFor(s.ann, "room:member-left"),
  ]);
  const { action } = okData(ack);
  expect(removed1).toEqual({ room: "hall", action });
  expect(removed2).toEqual({ room: "hall", action });
  expect(left).toMatchObject({ room: "hall", user: { id: "bob" } });
  expect(await codeOf(emitAck(s.bob, "message:send", { room: "hall", text: "still here?" }))).toBe("FORBIDDEN");
  const mine = okData(await emitAck(s.bob, "room:mine", {}));
  expect(mine.rooms.map((r: { room: string }) => r.room)).not.toContain("hall");
  okData(await emitAck(s.bob, "room:join", { room: "hall" }));
  second.close();
});

test("a ban keeps the target out with FORBIDDEN { reason: banned, until } until unban; the log lists it all, newest first, paged", async () => {
  const { action } = okData(await emitAck(s.gmod, "mod:ban", { room: "hall", user: "ann", durationMs: 60_000 }));
  expect(action.until).toBeGreaterThan(Date.now());
  expect(await receives(s.ann, "message:new", 100)).toBe(false);
  const refused = await emitAck(s.ann, "room:join", { room: "hall" });
  expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN", details: { reason: "banned", until: action.until } } });
  okData(await emitAck(s.gmod, "mod:unban", { room: "hall", user: "ann" }));
  okData(await emitAck(s.ann, "room:join", { room: "hall" }));

  const log = okData(await emitAck(s.mod, "mod:log", { room: "hall", limit: 2 }));
  expect(log.entries.map((e: { action: string }) => e.action)).toEqual(["unban", "ban"]);
  expect(log.hasMore).toBe(true);
  const older = okData(await emitAck(s.mod, "mod:log", { room: "hall", before: log.entries[1].id, limit: 100 }));
  expect(older.entries[0].action).toBe("kick");
  expect(older.entries.at(-1)).toMatchObject({ action: "promote", target: { id: "mod" }, by: { id: "owner" } });
});

test("room:update: topic and slow mode by a moderator; the room gets room:updated, the log an update", async () => {
  const [ack, updated] = await Promise.all([
    emitAck(s.mod, "room:update", { room: "hall", topic: "Be kind" }),
    waitFor(s.bob, "room:updated"),
  ]);
  expect(okData(ack).info).toMatchObject({ topic: "Be kind", slowModeMs: 0 });
  expect(updated).toEqual(okData(ack).info);
  expect(await codeOf(emitAck(s.mod, "room:update", { room: "hall", topic: "x".repeat(201) }))).toBe("BAD_REQUEST");
  expect(await codeOf(emitAck(s.mod, "room:update", { room: "hall", slowModeMs: 3_600_001 }))).toBe("BAD_REQUEST");
  const log = okData(await emitAck(s.owner, "mod:log", { room: "hall", limit: 1 }));
  expect(log.entries[0]).toMatchObject({ action: "update", target: null, by: { id: "mod" } });
});

test("a moderator's deletion of another's message is logged as delete with its seq and announced", async () => {
  const { message } = okData(await emitAck(s.bob, "message:send", { room: "hall", text: "rude" }));
  const [ack, announced] = await Promise.all([
    emitAck(s.mod, "message:delete", { room: "hall", seq: message.seq }),
    waitFor(s.bob, "room:moderation"),
  ]);
  okData(ack);
  expect(announced).toMatchObject({ action: "delete", target: { id: "bob" }, by: { id: "mod" }, seq: message.seq });
  const log = okData(await emitAck(s.owner, "mod:log", { room: "hall", limit: 1 }));
  expect(log.entries[0]).toEqual(announced);
});
