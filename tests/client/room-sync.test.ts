/**
 * RoomSync on its own: the server side is a scripted `join` that answers
 * pages, so overlaps that are rare on a real network (a message that comes
 * both live and in a rejoin page, messages overtaking each other) happen on
 * every run.
 */
import { RoomSync } from "../../client/sdk/room-sync";
import type { Message, RoomJoinData } from "../../server/protocol";

const user = { id: "u1", name: "Ada" };
const msg = (seq: number, room = "lobby"): Message => ({ id: `m${seq}`, room, seq, user, text: `text ${seq}`, ts: seq });
const page = (seqs: number[], hasMore = false): RoomJoinData => ({ room: "lobby", members: [user], messages: seqs.map((s) => msg(s)), hasMore });

function harness(answers: RoomJoinData[]) {
  const calls: { sinceSeq: number | undefined }[] = [];
  const delivered: number[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const sync = new RoomSync({
    async join(_room, sinceSeq) {
      calls.push({ sinceSeq });
      if (gate.hold) await new Promise<void>((r) => (release = r));
      const next = answers.shift();
      if (!next) throw new Error("unexpected join");
      return next;
    },
    deliver: (m) => delivered.push(m.seq),
    onError: (err) => {
      throw err;
    },
    isReady: () => true,
    gapCheckMs: 10_000,
  });
  return { sync, calls, delivered, gate, release: () => release?.() };
}

afterEach(() => jest.useRealTimers());

test("the first join's messages set the baseline and are not delivered as new", async () => {
  const h = harness([page([8, 9, 10])]);
  const data = await h.sync.join("lobby");
  expect(data.messages.map((m) => m.seq)).toEqual([8, 9, 10]);
  h.sync.received(msg(10));
  h.sync.received(msg(11));
  expect(h.delivered).toEqual([11]);
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

test("a rejoin pages with the last seq of each page while hasMore", async () => {
  const h = harness([page([]), page([1, 2], true), page([3, 4], true), page([5])]);
  await h.sync.join("lobby");
  const { rooms } = await h.sync.rejoinAll();
  expect(rooms).toEqual(["lobby"]);
  expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 0, 2, 4]);
  expect(h.delivered).toEqual([1, 2, 3, 4, 5]);
  h.sync.close();
});

test("messages sent by this client are never delivered back", async () => {
  const h = harness([page([]), page([1, 2])]);
  await h.sync.join("lobby");
  h.sync.markSeen(msg(1));
  await h.sync.rejoinAll();
  expect(h.delivered).toEqual([2]);
  h.sync.close();
});

test("a gap that lasts is filled by a catch-up from the watermark", async () => {
  jest.useFakeTimers();
  const h = harness([page([1]), page([2, 3])]);
  await h.sync.join("lobby");
  h.sync.received(msg(3));
  expect(h.delivered).toEqual([3]);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(h.calls.map((c) => c.sinceSeq)).toEqual([undefined, 1]);
  expect(h.delivered).toEqual([3, 2]);
  h.sync.close();
});

test("rooms that were left are not rejoined", async () => {
  const h = harness([page([1])]);
  await h.sync.join("lobby");
  h.sync.forget("lobby");
  expect(await h.sync.rejoinAll()).toEqual({ rooms: [], errors: [] });
  expect(h.sync.names()).toEqual([]);
});
