/**
 * The message lifecycle (PROTOCOL.md v2 "Message lifecycle") at the store,
 * the same rules against both stores: replies, edits, tombstones,
 * reactions, the room's rev and catch-up with updatesSince.
 */
import type { Message } from "../../server/protocol";
import { ann, ben, cat, freshRoom, refusal, STORE_KINDS, useStore } from "./support/stores";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(STORE_KINDS)("%s store", (kind) => {
  const store = useStore(kind);
  const send = async (room: string, user: typeof ann, text: string, extra: { replyTo?: number; clientId?: string } = {}) =>
    (await store().appendMessage({ room, user, text, ...extra })).message;
  const all = async (room: string) => (await store().recentMessages(room, 100)).items;
  const at = async (room: string, seq: number) => (await all(room)).find((m) => m.seq === seq)!;

  test("every new message, edit, deletion and reaction change bumps the room's rev; a message's rev is its last change", async () => {
    const room = freshRoom("rev");
    expect(await store().roomState(room)).toEqual({ lastSeq: 0, rev: 0 });
    const one = await send(room, ann, "one");
    const two = await send(room, ben, "two");
    expect([one.rev, two.rev]).toEqual([1, 2]);
    const edited = await store().editMessage({ room, seq: 1, userId: ann.id, text: "one!" });
    expect(edited.rev).toBe(3);
    const reacted = await store().reactMessage({ room, seq: 2, userId: ann.id, emoji: "👍", on: true });
    expect(reacted).toMatchObject({ rev: 4, changed: true });
    const deleted = await store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false });
    expect(deleted).toEqual({ room, seq: 1, rev: 5, author: ann });
    expect(await store().roomState(room)).toEqual({ lastSeq: 2, rev: 5 });
    expect((await all(room)).map((m) => [m.seq, m.rev])).toEqual([
      [1, 5],
      [2, 4],
    ]);
    const page = await store().recentMessages(room, 10);
    expect(page.rev).toBe(5);
    expect((await store().messagesSince(room, 0, 10)).rev).toBe(5);
    expect((await send(room, cat, "three")).rev).toBe(6);
  });

  test("replyTo: a live message of the room, shown with the original's current text (140 characters), '' and deleted once deleted", async () => {
    const room = freshRoom("reply");
    const long = "é".repeat(100) + "x".repeat(100);
    await send(room, ann, long);
    const reply = await send(room, ben, "answer", { replyTo: 1 });
    expect(reply).toMatchObject({ seq: 2, replyTo: { seq: 1, user: ann, text: long.slice(0, 140) } });
    expect(reply.replyTo).not.toHaveProperty("deleted");
    expect((await at(room, 2)).replyTo).toEqual({ seq: 1, user: ann, text: long.slice(0, 140) });

    await store().editMessage({ room, seq: 1, userId: ann.id, text: "shorter now" });
    expect((await at(room, 2)).replyTo).toEqual({ seq: 1, user: ann, text: "shorter now" });
    await store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false });
    expect((await at(room, 2)).replyTo).toEqual({ seq: 1, user: ann, text: "", deleted: true });

    for (const replyTo of [1, 99, 0]) {
      expect(await refusal(send(room, ben, "to nothing", { replyTo }))).toMatchObject({
        name: "AppError",
        code: "NOT_FOUND",
        details: { field: "replyTo" },
      });
    }
    const other = freshRoom("reply-other");
    await send(other, ann, "elsewhere");
    expect(await refusal(send(room, ben, "across rooms", { replyTo: 3 }))).toMatchObject({ code: "NOT_FOUND" });
    // A refused reply stores nothing and leaves no seq gap.
    expect((await send(room, ben, "next")).seq).toBe(3);
  });

  test("a clientId retry of a reply returns the stored message even after its original is deleted", async () => {
    const room = freshRoom("reply-retry");
    await send(room, ann, "original");
    const first = await store().appendMessage({ room, user: ben, text: "re", replyTo: 1, clientId: "c1" });
    await store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false });
    const again = await store().appendMessage({ room, user: ben, text: "re", replyTo: 1, clientId: "c1" });
    expect(again.created).toBe(false);
    expect(again.message).toMatchObject({ id: first.message.id, seq: 2, replyTo: { seq: 1, text: "", deleted: true } });
  });

  test("edit: author only (FORBIDDEN), missing or deleted NOT_FOUND, sets editedAt; search finds the new text and not the old", async () => {
    const room = freshRoom("edit");
    await send(room, ann, "the quick zebra");
    expect(await refusal(store().editMessage({ room, seq: 1, userId: ben.id, text: "hijack" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(store().editMessage({ room, seq: 2, userId: ann.id, text: "nothing" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(store().editMessage({ room: freshRoom("none"), seq: 1, userId: ann.id, text: "x" }))).toMatchObject({
      code: "NOT_FOUND",
    });

    const before = Date.now();
    const edited = await store().editMessage({ room, seq: 1, userId: ann.id, text: "the slow giraffe" });
    expect(edited).toMatchObject({ seq: 1, text: "the slow giraffe", user: ann });
    expect(edited.editedAt).toBeGreaterThanOrEqual(before);
    expect(await at(room, 1)).toEqual(edited);
    expect((await store().search("giraffe", [room], 10)).map((r) => r.message.text)).toEqual(["the slow giraffe"]);
    expect(await store().search("zebra", [room], 10)).toEqual([]);

    await store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false });
    expect(await refusal(store().editMessage({ room, seq: 1, userId: ann.id, text: "back" }))).toMatchObject({ code: "NOT_FOUND" });
  });

  test("delete: author or moderator; a tombstone everywhere it is read, never found by search, seq stays gap-free", async () => {
    const room = freshRoom("delete");
    await send(room, ann, "secret plans", { clientId: "k" });
    await send(room, ann, "second");
    await store().reactMessage({ room, seq: 1, userId: ben.id, emoji: "🔥", on: true });
    await store().editMessage({ room, seq: 1, userId: ann.id, text: "secret plans v2" });
    expect(await refusal(store().deleteMessage({ room, seq: 1, userId: ben.id, asModerator: false }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(store().deleteMessage({ room, seq: 3, userId: ann.id, asModerator: false }))).toMatchObject({ code: "NOT_FOUND" });

    const deleted = await store().deleteMessage({ room, seq: 1, userId: ben.id, asModerator: true });
    expect(deleted).toMatchObject({ room, seq: 1, author: ann });
    const tombstone: Message = {
      id: expect.any(String),
      room,
      seq: 1,
      user: ann,
      text: "",
      ts: expect.any(Number),
      rev: deleted.rev,
      deleted: true,
    };
    expect((await store().recentMessages(room, 10)).items[0]).toStrictEqual(tombstone);
    expect((await store().messagesSince(room, 0, 10)).items[0]).toStrictEqual(tombstone);
    expect((await store().messagesBefore(room, 2, 10)).items[0]).toStrictEqual(tombstone);
    expect((await store().updatesSince(room, 2, 0)).updates.find((m) => m.seq === 1)).toStrictEqual(tombstone);
    // The clientId retry returns the tombstone, and stores nothing new.
    expect(await store().appendMessage({ room, user: ann, text: "secret plans", clientId: "k" })).toEqual({
      message: tombstone,
      created: false,
    });
    expect(await store().search("secret", [room], 10)).toEqual([]);
    expect(await store().search("plans", [room], 10)).toEqual([]);

    expect(await refusal(store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(store().reactMessage({ room, seq: 1, userId: ben.id, emoji: "🔥", on: true }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await send(room, ben, "third")).seq).toBe(3);
    expect((await all(room)).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  test("reactions: counts, first users, order of first use; idempotent per (user, emoji) without a rev bump; taken back", async () => {
    const room = freshRoom("react");
    await send(room, ann, "react to me");
    const react = (userId: string, emoji: string, on = true) => store().reactMessage({ room, seq: 1, userId, emoji, on });
    await react(ann.id, "👍");
    await react(ben.id, "🎉");
    const third = await react(ben.id, "👍");
    expect(third).toEqual({
      room,
      seq: 1,
      rev: 4,
      changed: true,
      reactions: [
        { emoji: "👍", count: 2, users: [ann.id, ben.id] },
        { emoji: "🎉", count: 1, users: [ben.id] },
      ],
    });
    expect(await react(ben.id, "👍")).toEqual({ ...third, changed: false });
    expect(await react(cat.id, "👍", false)).toEqual({ ...third, changed: false });
    expect((await store().roomState(room)).rev).toBe(4);

    const off = await react(ann.id, "👍", false);
    expect(off).toMatchObject({
      rev: 5,
      changed: true,
      reactions: [
        { emoji: "👍", count: 1, users: [ben.id] },
        { emoji: "🎉", count: 1, users: [ben.id] },
      ],
    });
    await react(ben.id, "👍", false);
    expect((await at(room, 1)).reactions).toEqual([{ emoji: "🎉", count: 1, users: [ben.id] }]);
    await react(ben.id, "🎉", false);
    // No reactions left: the field is absent, not an empty list.
    expect(await at(room, 1)).not.toHaveProperty("reactions");
  });

  test("at most 20 distinct emoji (the 21st is BAD_REQUEST, one already there is fine); 20 users listed, the count exact", async () => {
    const room = freshRoom("limits");
    await send(room, ann, "popular");
    for (const i of range(20)) await store().reactMessage({ room, seq: 1, userId: ann.id, emoji: `e${i}`, on: true });
    expect(await refusal(store().reactMessage({ room, seq: 1, userId: ann.id, emoji: "e21", on: true }))).toMatchObject({
      code: "BAD_REQUEST",
      details: { field: "emoji" },
    });
    expect((await store().reactMessage({ room, seq: 1, userId: ben.id, emoji: "e20", on: true })).reactions[19]).toEqual({
      emoji: "e20",
      count: 2,
      users: [ann.id, ben.id],
    });

    const users = range(25).map((i) => `u${String(i).padStart(2, "0")}`);
    for (const userId of users) await store().reactMessage({ room, seq: 1, userId, emoji: "e1", on: true });
    const e1 = (await at(room, 1)).reactions![0];
    expect(e1).toEqual({ emoji: "e1", count: 26, users: [ann.id, ...users.slice(0, 19)] });
    // A listed user leaves: the next one in order of reacting is listed.
    const after = await store().reactMessage({ room, seq: 1, userId: "u03", emoji: "e1", on: false });
    expect(after.reactions[0]).toEqual({ emoji: "e1", count: 25, users: [ann.id, ...users.slice(0, 20).filter((u) => u !== "u03")] });
  });

  test("200 concurrent reactions end in exact counts and one rev per change", async () => {
    const room = freshRoom("burst");
    await send(room, ann, "go");
    const results = await Promise.all(
      range(200).map((i) => store().reactMessage({ room, seq: 1, userId: `burst-${i}`, emoji: i % 2 ? "👍" : "❤️", on: true })),
    );
    expect(new Set(results.map((r) => r.rev)).size).toBe(200);
    const message = await at(room, 1);
    expect(message.reactions!.map((r) => [r.emoji, r.count, r.users.length]).sort()).toEqual([
      ["❤️", 100, 20],
      ["👍", 100, 20],
    ]);
    expect(message.rev).toBe(201);
    expect((await store().roomState(room)).rev).toBe(201);
  });

  test("concurrent edits and reactions to one message end in one consistent state", async () => {
    const room = freshRoom("mixed");
    await send(room, ann, "v0");
    const ops = range(30).map((i) =>
      i % 3 === 0
        ? store().editMessage({ room, seq: 1, userId: ann.id, text: `v${i}` })
        : store().reactMessage({ room, seq: 1, userId: `m-${i}`, emoji: "👀", on: true }),
    );
    const revs = (await Promise.all(ops)).map((r) => r.rev!);
    expect(new Set(revs).size).toBe(30);
    const final = await at(room, 1);
    expect(final.rev).toBe(Math.max(...revs));
    expect(final.reactions).toEqual([{ emoji: "👀", count: 20, users: expect.any(Array) }]);
    expect(final.text).toMatch(/^v\d+$/);
  });

  test("updatesSince: messages up to sinceSeq changed after sinceRev, current form, oldest change first, paged", async () => {
    const room = freshRoom("updates");
    for (const i of range(5)) await send(room, ann, `m${i}`);
    const { rev: seen } = await store().roomState(room);
    await store().editMessage({ room, seq: 2, userId: ann.id, text: "m2 edited" });
    await store().reactMessage({ room, seq: 4, userId: ben.id, emoji: "✅", on: true });
    await store().deleteMessage({ room, seq: 3, userId: ann.id, asModerator: false });
    await store().editMessage({ room, seq: 2, userId: ann.id, text: "m2 edited twice" });
    await send(room, ben, "m6");
    await store().editMessage({ room, seq: 5, userId: ann.id, text: "m5 edited" });

    const all = await store().updatesSince(room, 4, seen);
    expect(all.hasMoreUpdates).toBe(false);
    expect(all.rev).toBe((await store().roomState(room)).rev);
    // seq 5 is beyond sinceSeq (the client gets it as a message); seq 6 is new, not an update.
    expect(all.updates.map((m) => [m.seq, m.text, m.deleted ?? false])).toEqual([
      [4, "m4", false],
      [3, "", true],
      [2, "m2 edited twice", false],
    ]);
    expect(all.updates[0].reactions).toEqual([{ emoji: "✅", count: 1, users: [ben.id] }]);

    const first = await store().updatesSince(room, 4, seen, 2);
    expect(first.updates.map((m) => m.seq)).toEqual([4, 3]);
    expect(first.hasMoreUpdates).toBe(true);
    const rest = await store().updatesSince(room, 4, first.updates[1].rev!, 2);
    expect(rest.updates.map((m) => m.seq)).toEqual([2]);
    expect(rest.hasMoreUpdates).toBe(false);
    expect((await store().updatesSince(room, 6, all.rev)).updates).toEqual([]);
  });
});
