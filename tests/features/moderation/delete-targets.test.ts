/**
 * `message:delete` of someone else's message follows PROTOCOL "Moderation"
 * with the author as the target: nobody deletes the owner's or a global
 * admin's message, a room moderator not another room moderator's; a refusal
 * changes and logs nothing. "hall" is owned by owner; mod and mod2 are room
 * moderators; gmod and admin hold global roles; ann and bob are members.
 */
import { emitAck, okData, type ChatSocket, type TestServer } from "../../helpers";
import { codeOf, joined, setupModeration } from "./support";

let t: TestServer;
const s: Record<string, ChatSocket> = {};

beforeAll(async () => {
  t = await setupModeration();
  s.owner = await joined(t, "owner", "hall");
  for (const id of ["mod", "mod2", "ann", "bob"]) s[id] = await joined(t, id, "hall");
  s.gmod = await joined(t, "gmod", "hall", ["moderator"]);
  s.admin = await joined(t, "admin", "hall", ["admin"]);
  for (const id of ["mod", "mod2"]) okData(await emitAck(s.owner, "mod:promote", { room: "hall", user: id }));
});
afterAll(() => t.cleanup());

/** A new message by `author`; its seq. */
const post = async (author: string) =>
  okData(await emitAck(s[author], "message:send", { room: "hall", text: `by ${author}` })).message.seq as number;
const del = (who: string, seq: number) => codeOf(emitAck(s[who], "message:delete", { room: "hall", seq }));
const lastLog = async () => okData(await emitAck(s.owner, "mod:log", { room: "hall", limit: 1 })).entries[0];
/** The message as history has it (a tombstone once deleted). */
const stored = async (seq: number) => (await t.parlor.store.messagesSince("hall", seq - 1, 1)).items[0];

test.each([
  ["mod", "owner", "a room moderator, the owner's"],
  ["gmod", "owner", "a global moderator, the owner's"],
  ["admin", "owner", "an admin, the owner's"],
  ["owner", "admin", "the owner, an admin's"],
  ["gmod", "admin", "a global moderator, an admin's"],
  ["mod", "mod2", "a room moderator, another room moderator's"],
  ["ann", "bob", "a plain member, another member's"],
])("FORBIDDEN: %s deleting %s message (%s); nothing changes or is logged", async (who, author) => {
  const seq = await post(author);
  const before = await lastLog();
  expect(await del(who, seq)).toBe("FORBIDDEN");
  expect(await stored(seq)).toMatchObject({ seq, text: `by ${author}` });
  expect((await stored(seq)).deleted).toBeUndefined();
  expect(await lastLog()).toEqual(before);
});

test.each([
  ["mod", "ann", "a room moderator, a member's"],
  ["owner", "mod", "the owner, a room moderator's"],
  ["gmod", "mod", "a global moderator, a room moderator's"],
  ["admin", "gmod", "an admin, a global moderator's"],
  ["gmod", "ann", "a global moderator, a member's"],
])("allowed: %s deleting %s message (%s), logged as delete with the author as target", async (who, author) => {
  const seq = await post(author);
  expect(await del(who, seq)).toBe("ok");
  expect(await stored(seq)).toMatchObject({ seq, deleted: true, text: "" });
  expect(await lastLog()).toMatchObject({ action: "delete", target: { id: author }, by: { id: who }, seq });
});

test("anyone deletes their own message, the owner and moderators too, and that is not a moderation action", async () => {
  const before = await lastLog();
  for (const who of ["ann", "owner", "mod", "admin"]) {
    const seq = await post(who);
    expect(await del(who, seq)).toBe("ok");
    expect((await stored(seq)).deleted).toBe(true);
  }
  expect(await lastLog()).toEqual(before);
});

test("an unknown seq is NOT_FOUND, for a moderator and a member alike; an already deleted one too", async () => {
  expect(await del("mod", 99_999)).toBe("NOT_FOUND");
  expect(await del("ann", 99_999)).toBe("NOT_FOUND");
  const seq = await post("bob");
  expect(await del("bob", seq)).toBe("ok");
  expect(await del("mod", seq)).toBe("NOT_FOUND");
});
