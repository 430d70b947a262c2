/**
 * static/room-sync.js on its own, the very file the chat page loads and the
 * SDK requires (plain JS, no transform). The server side is a scripted `join`
 * that answers pages, so overlaps that are rare on a real network (a message
 * that comes both live and in a rejoin page, messages overtaking each other,
 * a hole that lasts) happen on every run.
 */
import fs from "node:fs";
import vm from "node:vm";
import { MAX_PENDING, RoomSync, RoomTracker } from "../../static/room-sync";
import type { Message, RoomJoinData } from "../../server/protocol";

const user = { id: "u1", name: "Ada" };
const msg = (seq: number, room = "lobby"): Message => ({ id: `m${seq}`, room, seq, user, text: `text ${seq}`, ts: seq });
const page = (seqs: number[], hasMore = false): RoomJoinData => ({
  room: "lobby",
  members: [user],
  messages: seqs.map((s) => msg(s)),
  hasMore,
  rev: 0,
  readSeq: 0,
  info: { room: "lobby", owner: user, moderators: [], topic: "", slowModeMs: 0, lastSeq: 0 },
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function harness(answers: (RoomJoinData | Error)[], gapCheckMs = 10_000) {
  const calls: { sinceSeq: number | undefined }[] = [];
  const delivered: number[] = [];
  const errors: unknown[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const sync = new RoomSync({
    async join(_room, sinceSeq) {
      calls.push({ sinceSeq });
      if (gate.hold) await new Promise<void>((r) => (release = r));
      const next = answers.shift();
      if (!next) throw new Error("unexpected join");
      if (next instanceof Error) throw next;
      return next;
    },
    deliver: (m) => delivered.push(m.seq),
    onError: (err) => errors.push(err),
    isReady: () => true,
    gapCheckMs,
  });
  return { sync, calls, delivered, errors, gate, release: () => release?.() };
}

afterEach(() => jest.useRealTimers());

describe("the module itself", () => {
  test("is the plain JS file, and in a page (no `module`) it defines window.ParlorRoomSync", () => {
    const file = require.resolve("../../static/room-sync");
    expect(file).toMatch(/static\/room-sync\.js$/);
    const window: { ParlorRoomSync?: { RoomSync: unknown; RoomTracker: unknown } } = {};
    vm.runInNewContext(fs.readFileSync(file, "utf8"), Object.assign(window, { setTimeout, clearTimeout }));
    expect(typeof window.ParlorRoomSync?.RoomSync).toBe("function");
    expect(typeof window.ParlorRoomSync?.RoomTracker).toBe("function");
  });
});

describe("RoomTracker: where catch-up starts", () => {
  test("the newest seq of the first join's answer is the baseline; older history is not missed", () => {
    const t = new RoomTracker();
    expect(t.sinceSeq).toBeUndefined();
    t.start(page([41, 42, 43]).messages);
    expect(t.sinceSeq).toBe(43);
    expect(t.hasGap).toBe(false);
    expect(t.accept(msg(43))).toBe(false);
    expect(t.accept(msg(44))).toBe(true);
    expect(t.sinceSeq).toBe(44);
  });

  test("an empty room starts at 0, so every later message counts", () => {
    const t = new RoomTracker();
    t.start([]);
    expect(t.sinceSeq).toBe(0);
    expect(t.accept(msg(1))).toBe(true);
    expect(t.sinceSeq).toBe(1);
  });

  test("a hole keeps the watermark below it: a later seq (live or an own ack) never hides it", () => {
    const t = new RoomTracker();
    t.start(page([1, 2]).messages);
    expect(t.accept(msg(4))).toBe(true);
    expect(t.accept(msg(5))).toBe(true);
    expect(t.hasGap).toBe(true);
    expect(t.sinceSeq).toBe(2);
    expect(t.accept(msg(3))).toBe(true);
    expect(t.hasGap).toBe(false);
    expect(t.sinceSeq).toBe(5);
  });

  test("dedupe by seq: below the watermark and above it", () => {
    const t = new RoomTracker();
    t.start(page([1]).messages);
    expect([msg(3), msg(3), msg(1), msg(2), msg(2), msg(3)].map((m) => t.accept(m))).toEqual([true, false, false, true, false, false]);
  });

  test("skipGap gives up the lowest hole only", () => {
    const t = new RoomTracker();
    t.start([]);
    for (const seq of [2, 3, 6]) t.accept(msg(seq));
    t.skipGap();
    expect(t.sinceSeq).toBe(3);
    expect(t.hasGap).toBe(true);
    t.skipGap();
    expect(t.sinceSeq).toBe(6);
    expect(t.hasGap).toBe(false);
  });

  test("a seq that never comes is given up once too many are waiting above it", () => {
    const t = new RoomTracker();
    t.start([]);
    for (const seq of range(2, MAX_PENDING + 2)) t.accept(msg(seq));
    expect(t.hasGap).toBe(false);
    expect(t.sinceSeq).toBe(MAX_PENDING + 2);
  });
});

describe("RoomSync", () => {
  test("the first join's messages set the baseline and are not delivered as new", async () => {
    const h = harness([page([8, 9, 10])]);
    const data = await h.sync.join("lobby");
    expect(data.messages.map((m) => m.seq)).toEqual([8, 9, 10]);
    h.sync.received(msg(10));
    h.sync.received(msg(11));
    expect(h.delivered).toEqual([11]);
    expect(h.sync.sinceSeq("lobby")).toBe(11);
    h.sync.close();
  });

  test("live messages during the first join wait for it, then come once, in seq order", async () => {
    const h = harness([page([1, 2, 3])]);
    h.gate.hold = true;
    const joined = h.sync.join("lobby");
    h.sync.received(msg(5));
    h.sync.received(msg(3)); // also in the answer
    h.sync.received(msg(4));
    h.release();
    await joined;
    expect(h.delivered).toEqual([4, 5]);
    expect(h.sync.sinceSeq("lobby")).toBe(5);
    h.sync.close();
  });

  test("a message that arrives live during a rejoin and again in its page is delivered once, in order", async () => {
    const h = harness([page([1, 2]), page([3, 4, 5])]);
    await h.sync.join("lobby");
    h.gate.hold = true;
    const rejoin = h.sync.rejoinAll();
    // While the rejoin is in flight, 5 and 4 arrive live (the server subscribes before it reads).
    h.sync.received(msg(5));
    h.sync.received(msg(4));
    h.release();
    await rejoin;

    expect(h.calls).toEqual([{ sinceSeq: undefined }, { sinceSeq: 2 }]);
    expect(h.delivered).toEqual([3, 4, 5]);
    h.sync.close();
  });

  test("a rejoin starts at the watermark and pages with the last seq of each page while hasMore", async () => {
    const h = harness([page([]), page([1, 2], true), page([3, 4], true), page([5])]);
    await h.sync.join("lobby");
    const { rooms } = await h.sync.rejoinAll();
    expect(rooms).toEqual(["lobby"]);
    expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 0, 2, 4]);
    expect(h.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(h.sync.sinceSeq("lobby")).toBe(5);
    h.sync.close();
  });

  test("joining a joined room catches up (from the watermark) instead of starting over", async () => {
    const h = harness([page([1, 2]), page([3])]);
    await h.sync.join("lobby");
    const again = await h.sync.join("lobby");
    expect(again.messages.map((m) => m.seq)).toEqual([3]);
    expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 2]);
    expect(h.delivered).toEqual([3]);
    h.sync.close();
  });

  test("joins of one room while one is in flight share it (no second first join, no sinceSeq 0)", async () => {
    const h = harness([page([1, 2])]);
    h.gate.hold = true;
    const a = h.sync.join("lobby");
    const b = h.sync.join("lobby");
    h.release();
    expect(await b).toBe(await a);
    expect(h.calls).toEqual([{ sinceSeq: undefined }]);
    h.sync.close();
  });

  test("messages sent by this client are never delivered back", async () => {
    const h = harness([page([]), page([1, 2])]);
    await h.sync.join("lobby");
    expect(h.sync.markSeen(msg(1))).toBe(true);
    expect(h.sync.markSeen(msg(1))).toBe(false);
    await h.sync.rejoinAll();
    expect(h.delivered).toEqual([2]);
    h.sync.close();
  });

  test("out-of-order delivery that fills itself in before the gap check fetches nothing", async () => {
    jest.useFakeTimers();
    const h = harness([page([1])], 1000);
    await h.sync.join("lobby");
    for (const seq of [3, 4, 2, 6, 5]) h.sync.received(msg(seq));
    expect(h.delivered).toEqual([3, 4, 2, 6, 5]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(h.calls).toEqual([{ sinceSeq: undefined }]);
    expect(h.sync.sinceSeq("lobby")).toBe(6);
    h.sync.close();
  });

  test("a gap that lasts is filled by a catch-up from the watermark", async () => {
    jest.useFakeTimers();
    const h = harness([page([1]), page([2, 3])]);
    await h.sync.join("lobby");
    h.sync.received(msg(3));
    expect(h.delivered).toEqual([3]);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(h.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 1]);
    expect(h.delivered).toEqual([3, 2]);
    expect(h.sync.sinceSeq("lobby")).toBe(3);
    h.sync.close();
  });

  test("an own ack past a hole starts the gap check too", async () => {
    jest.useFakeTimers();
    const h = harness([page([1]), page([2, 3])], 250);
    await h.sync.join("lobby");
    h.sync.markSeen(msg(3));
    await jest.advanceTimersByTimeAsync(250);
    expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 1]);
    expect(h.delivered).toEqual([2]);
    h.sync.close();
  });

  test("a gap that catch-up cannot fill is given up, not fetched forever", async () => {
    jest.useFakeTimers();
    const h = harness([page([1]), page([3])], 100);
    await h.sync.join("lobby");
    h.sync.received(msg(3));
    await jest.advanceTimersByTimeAsync(1000);
    expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 1]);
    expect(h.sync.sinceSeq("lobby")).toBe(3);
    h.sync.received(msg(4));
    await jest.advanceTimersByTimeAsync(1000);
    expect(h.calls).toHaveLength(2);
    expect(h.delivered).toEqual([3, 4]);
    h.sync.close();
  });

  test("a failed gap repair is reported through onError", async () => {
    jest.useFakeTimers();
    const h = harness([page([1]), new Error("FORBIDDEN")], 100);
    await h.sync.join("lobby");
    h.sync.received(msg(3));
    await jest.advanceTimersByTimeAsync(100);
    expect(h.errors).toEqual([new Error("FORBIDDEN")]);
    h.sync.close();
  });

  test("a failed first join forgets the room and delivers nothing that arrived meanwhile", async () => {
    const h = harness([new Error("BAD_REQUEST")]);
    h.gate.hold = true;
    const joined = h.sync.join("lobby");
    h.sync.received(msg(1));
    h.release();
    await expect(joined).rejects.toThrow("BAD_REQUEST");
    expect(h.sync.has("lobby")).toBe(false);
    expect(h.delivered).toEqual([]);
  });

  test("a rejoin skips a room whose first join has not answered, and reports failures", async () => {
    const h = harness([page([1]), new Error("INTERNAL")]);
    await h.sync.join("lobby");
    h.gate.hold = true;
    const other = h.sync.join("other");
    h.gate.hold = false;
    expect(await h.sync.rejoinAll()).toEqual({ rooms: ["lobby"], errors: [new Error("INTERNAL")] });
    h.release();
    await expect(other).rejects.toThrow("unexpected join");
    h.sync.close();
  });

  test("rooms that were left are not rejoined and their messages are ignored", async () => {
    const h = harness([page([1])]);
    await h.sync.join("lobby");
    h.sync.forget("lobby");
    h.sync.received(msg(2));
    expect(await h.sync.rejoinAll()).toEqual({ rooms: [], errors: [] });
    expect(h.sync.names()).toEqual([]);
    expect(h.delivered).toEqual([]);
  });
});

describe("changes: the rev watermark and sinceRev", () => {
  const changed = (seq: number, rev: number): Message => ({ ...msg(seq), rev, editedAt: rev });
  const revPage = (seqs: number[], rev: number, extra: Partial<RoomJoinData> = {}): RoomJoinData => ({ ...page(seqs), rev, ...extra });

  function revHarness(answers: RoomJoinData[]) {
    const calls: { sinceSeq: number | undefined; sinceRev: number | undefined }[] = [];
    const updates: { seq: number; rev: number | undefined }[] = [];
    const sync = new RoomSync({
      async join(_room, sinceSeq, _waitReady, sinceRev) {
        calls.push({ sinceSeq, sinceRev });
        const next = answers.shift();
        if (!next) throw new Error("unexpected join");
        return next;
      },
      update: (m) => updates.push({ seq: m.seq, rev: m.rev }),
      deliver: () => undefined,
      onError: () => undefined,
      isReady: () => true,
      gapCheckMs: 10_000,
    });
    return { sync, calls, updates };
  }

  test("RoomTracker: a join answer sets the rev watermark; live changes move it over contiguous revs only", () => {
    const t = new RoomTracker();
    t.noteRev(3);
    expect(t.sinceRev).toBeUndefined();
    t.setRev(5);
    t.noteRev(6);
    t.noteRev(8);
    expect(t.sinceRev).toBe(6);
    t.noteRev(7);
    expect(t.sinceRev).toBe(8);
    t.noteRev(4);
    t.setRev(2);
    expect(t.sinceRev).toBe(8);
  });

  test("a rejoin sends sinceRev (the rev watermark) and hands the updates to deps.update", async () => {
    const h = revHarness([revPage([1, 2], 5), revPage([3], 9, { updates: [changed(1, 7), changed(2, 8)] })]);
    await h.sync.join("lobby");
    expect(h.sync.sinceRev("lobby")).toBe(5);
    h.sync.noteRev("lobby", 6); // seen live
    h.sync.noteRev("lobby", 8); // past a change that was missed (rev 7)
    expect(h.sync.sinceRev("lobby")).toBe(6);
    await h.sync.rejoinAll();
    expect(h.calls).toEqual([
      { sinceSeq: undefined, sinceRev: undefined },
      { sinceSeq: 2, sinceRev: 6 },
    ]);
    expect(h.updates).toEqual([
      { seq: 1, rev: 7 },
      { seq: 2, rev: 8 },
    ]);
    expect(h.sync.sinceRev("lobby")).toBe(9);
    h.sync.close();
  });

  test("while hasMoreUpdates, it joins again from the last update's rev (same sinceSeq), then takes the answer's rev", async () => {
    const h = revHarness([
      revPage([1, 2, 3], 3),
      revPage([], 20, { updates: [changed(1, 4), changed(2, 5)], hasMoreUpdates: true }),
      revPage([], 20, { updates: [changed(3, 6)], hasMoreUpdates: true }),
      revPage([], 20, { updates: [changed(1, 20)] }),
    ]);
    await h.sync.join("lobby");
    await h.sync.join("lobby"); // a join of a joined room catches up the same way
    expect(h.calls).toEqual([
      { sinceSeq: undefined, sinceRev: undefined },
      { sinceSeq: 3, sinceRev: 3 },
      { sinceSeq: 3, sinceRev: 5 },
      { sinceSeq: 3, sinceRev: 6 },
    ]);
    expect(h.updates.map((u) => u.rev)).toEqual([4, 5, 6, 20]);
    expect(h.sync.sinceRev("lobby")).toBe(20);
    h.sync.close();
  });

  test("messages and updates page together: hasMore and hasMoreUpdates in one answer", async () => {
    const h = revHarness([
      revPage([], 2),
      revPage([1, 2], 10, { hasMore: true, updates: [changed(1, 3)], hasMoreUpdates: true }),
      revPage([3], 10, { updates: [changed(2, 4)] }),
    ]);
    await h.sync.join("lobby");
    await h.sync.rejoinAll();
    expect(h.calls.slice(1)).toEqual([
      { sinceSeq: 0, sinceRev: 2 },
      { sinceSeq: 2, sinceRev: 3 },
    ]);
    expect(h.sync.sinceSeq("lobby")).toBe(3);
    expect(h.sync.sinceRev("lobby")).toBe(10);
    h.sync.close();
  });
});
