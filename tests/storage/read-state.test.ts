/**
 * Read state (PROTOCOL.md v2 "Read state") at the store, the same rules
 * against both stores: lasting memberships, read cursors, unread counts,
 * receipts and DM conversations.
 */
import { ann, ben, cat, freshRoom, refusal, STORE_KINDS, useStore } from "./support/stores";

describe.each(STORE_KINDS)("%s store", (kind) => {
  const store = useStore(kind);
  const send = (room: string, user: typeof ann, text = "hi") => store().appendMessage({ room, user, text });
  const mine = async (userId: string, room: string) => (await store().myRooms(userId)).find((r) => r.room === room);

  test("a membership starts with the cursor at the room's last seq, is kept when started again, and starts afresh after it ended", async () => {
    const room = freshRoom("busy");
    for (let i = 0; i < 5; i++) await send(room, ann);
    expect(await store().startMembership(ben, room)).toEqual({ readSeq: 5, started: true });
    expect(await mine(ben.id, room)).toEqual({ room, lastSeq: 5, readSeq: 5, unread: 0 });
    await send(room, ann);
    expect(await store().startMembership(ben, room)).toEqual({ readSeq: 5, started: false });
    expect(await store().endMembership(ben.id, room)).toBe(true);
    expect(await store().endMembership(ben.id, room)).toBe(false);
    expect(await mine(ben.id, room)).toBeUndefined();
    expect(await store().startMembership(ben, room)).toEqual({ readSeq: 6, started: true });
    // A room nobody has written in yet.
    const quiet = freshRoom("quiet");
    expect(await store().startMembership(ben, quiet)).toEqual({ readSeq: 0, started: true });
    expect(await mine(ben.id, quiet)).toEqual({ room: quiet, lastSeq: 0, readSeq: 0, unread: 0 });
  });

  test("markRead moves forward only and stops at the last seq; without a membership FORBIDDEN", async () => {
    const room = freshRoom("read");
    await store().startMembership(ben, room);
    for (let i = 0; i < 6; i++) await send(room, ann);
    expect(await store().markRead(ben.id, room, 4)).toBe(4);
    expect(await store().markRead(ben.id, room, 2)).toBe(4);
    expect(await store().markRead(ben.id, room, 99)).toBe(6);
    expect(await refusal(store().markRead(cat.id, room, 1))).toMatchObject({ name: "AppError", code: "FORBIDDEN" });
  });

  test("unread: messages after the cursor that are not the user's own and not deleted; sending moves the sender's cursor", async () => {
    const room = freshRoom("unread");
    await store().startMembership(ann, room);
    await store().startMembership(ben, room);
    for (let i = 0; i < 4; i++) await send(room, ann, `a${i}`);
    expect(await mine(ben.id, room)).toEqual({ room, lastSeq: 4, readSeq: 0, unread: 4 });
    expect(await mine(ann.id, room)).toEqual({ room, lastSeq: 4, readSeq: 4, unread: 0 });
    await store().deleteMessage({ room, seq: 2, userId: ann.id, asModerator: false });
    expect((await mine(ben.id, room))!.unread).toBe(3);
    // Ben answers: his cursor moves to his message, so everything before it is read too.
    await send(room, ben, "b");
    expect(await mine(ben.id, room)).toEqual({ room, lastSeq: 5, readSeq: 5, unread: 0 });
    expect(await mine(ann.id, room)).toEqual({ room, lastSeq: 5, readSeq: 4, unread: 1 });
    await send(room, ann, "a again");
    await store().deleteMessage({ room, seq: 1, userId: ann.id, asModerator: false });
    // A deletion before the cursor changes nothing; after it, one less.
    expect((await mine(ben.id, room))!.unread).toBe(1);
    await store().markRead(ben.id, room, 6);
    expect((await mine(ben.id, room))!.unread).toBe(0);
  });

  test("myRooms lists every room of the user by name; another user's rooms are theirs", async () => {
    const names = ["zeta", "alpha", "mid-1", "mid_1"].map((n) => `${n}-${freshRoom("r")}`);
    for (const room of names) await store().startMembership(cat, room);
    const rooms = (await store().myRooms(cat.id)).map((r) => r.room).filter((r) => names.includes(r));
    expect(rooms).toEqual([...names].sort());
    expect(await store().myRooms("u_nobody")).toEqual([]);
  });

  test("receipts: the cursors of the given members, in the order given; non-members left out; current names", async () => {
    const room = freshRoom("receipts");
    await store().saveUser(ann);
    await store().startMembership(ann, room);
    await store().startMembership(ben, room);
    for (let i = 0; i < 3; i++) await send(room, cat);
    await store().markRead(ben.id, room, 2);
    await store().saveUser({ ...ann, name: "Annie" });
    expect(await store().receipts(room, [ben.id, cat.id, ann.id])).toEqual([
      { user: ben, readSeq: 2 },
      { user: { id: ann.id, name: "Annie" }, readSeq: 0 },
    ]);
    expect(await store().receipts(room, [])).toEqual([]);
  });

  test("dmConversations: one per other user, with the last message, most recent first", async () => {
    const me = { id: `u_dm_${kind}`, name: "Dee" };
    await store().appendDirectMessage({ from: me, to: ann, text: "to ann 1" });
    await store().appendDirectMessage({ from: ben, to: me, text: "from ben" });
    const last = await store().appendDirectMessage({ from: ann, to: me, text: "ann answers" });
    await store().appendDirectMessage({ from: me, to: me, text: "note to self" });
    await store().appendDirectMessage({ from: ann, to: me, text: "ann answers", clientId: "x" });
    await store().appendDirectMessage({ from: ann, to: me, text: "ann answers (retry)", clientId: "x" });

    const conversations = await store().dmConversations(me.id);
    expect(conversations.map((c) => [c.with.id, c.last.text])).toEqual([
      [ann.id, "ann answers"],
      [me.id, "note to self"],
      [ben.id, "from ben"],
    ]);
    expect(conversations[0].last).toMatchObject({ from: ann, to: me });
    expect(conversations[0].last.id).not.toBe(last.message.id);
    expect((await store().dmConversations(ann.id)).find((c) => c.with.id === me.id)!.last.text).toBe("ann answers");
    expect(await store().dmConversations(me.id, 1)).toHaveLength(1);
    expect(await store().dmConversations("u_nobody")).toEqual([]);
  });
});
