/**
 * Issue 15's concurrency must-hold on a real cluster: two in-process nodes
 * joined by a real redis-server, sharing one store — PostgreSQL, and also one
 * SQLite file (each node its own writer on it, as `npm run cluster` runs).
 *
 * - Two users, each with a tab on both nodes, edit and react to one message
 *   at once, interleaved over many rounds: every acked change has its own
 *   rev, the revs are exactly the next ones of the room (no gap, no repeat),
 *   every other socket on both nodes receives every change once, and all of
 *   them end on the stored message (text, reactions, rev) — live, and through
 *   `room:join { sinceSeq, sinceRev }` after being away.
 * - 200 users spread over both nodes react at once: exact counts, one rev per
 *   reaction, the first 20 users of each emoji in the order their reactions
 *   were stored, the same on both nodes.
 *
 * Binaries come from the support helpers: missing, the test fails (under
 * CI=true it says so), it never skips.
 */
import path from "node:path";
import { createTokenSigner } from "../../server/auth/tokens";
import type { Config } from "../../server/config";
import type { Ack, Message, RoomJoinData } from "../../server/protocol";
import { okData, openSocket, tempDir, type ChatSocket, type TestServer } from "../helpers";
import { range } from "./support/clients";
import { CLUSTER_SECRET, startNode } from "./support/nodes";
import { startPostgres, type PostgresServer } from "./support/postgres";
import { startRedis, type RedisServer } from "./support/redis";

jest.setTimeout(180_000);

type Reaction = NonNullable<Message["reactions"]>[number];
/** Every stored message has a rev (the type leaves it optional for v1 servers). */
const revOf = (m: Message): number => {
  if (m.rev === undefined) throw new Error(`message ${m.seq} has no rev`);
  return m.rev;
};

let redis: RedisServer;
let pg: PostgresServer;
beforeAll(async () => {
  [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), pg?.stop()]);
});

const signer = createTokenSigner(CLUSTER_SECRET, 3600_000);
const user = (name: string) => ({ id: `u_${name}`, name });
/** Slow machines: a burst queues on the room's lock, so acks get more than the helpers' 5 s. */
const ask = <T>(socket: ChatSocket, event: string, payload: unknown) =>
  (socket.timeout(60_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload);

/**
 * One client's copy of the message, kept from what it receives as a client
 * would: text from the latest edit, reactions from the latest change to them
 * (an edit's message carries the reactions as they were at its rev), and the
 * set of revs seen. Events from two nodes may arrive out of rev order.
 */
class View {
  text = "";
  textRev = 0;
  reactions: Reaction[] = [];
  reactionsRev = 0;
  /** Every rev received (events and the socket's own acks), in arrival order. */
  readonly received: number[] = [];
  readonly revs = new Set<number>();
  constructor(
    readonly socket: ChatSocket,
    readonly seq: number,
  ) {
    socket.on("message:updated", (m) => m.seq === seq && this.message(m));
    socket.on("message:reactions", (p) => p.seq === seq && this.reacted(p.rev, p.reactions));
  }
  message(m: Message): void {
    const rev = revOf(m);
    this.see(rev);
    if (rev > this.textRev) [this.text, this.textRev] = [m.text, rev];
    if (rev > this.reactionsRev) [this.reactions, this.reactionsRev] = [m.reactions ?? [], rev];
  }
  reacted(rev: number, reactions: Reaction[]): void {
    this.see(rev);
    if (rev > this.reactionsRev) [this.reactions, this.reactionsRev] = [reactions, rev];
  }
  private see(rev: number): void {
    this.received.push(rev);
    this.revs.add(rev);
  }
  get rev(): number {
    return Math.max(this.textRev, this.reactionsRev);
  }
  /** The highest rev up to which every rev after `from` has been seen (what a client may catch up from). */
  contiguousFrom(from: number): number {
    let rev = from;
    while (this.revs.has(rev + 1)) rev++;
    return rev;
  }
}

/** What a client compares: the message's text, reactions and rev. */
const stateOf = (m: { text: string; reactions?: Reaction[]; rev?: number }) => ({ text: m.text, reactions: m.reactions ?? [], rev: m.rev });

async function until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Backend {
  name: string;
  config(): Promise<Partial<Config>>;
}
const backends: Backend[] = [
  { name: "PostgreSQL", config: async () => ({ databaseUrl: await pg.createDatabase(`race_${Date.now()}`) }) },
  { name: "one SQLite file", config: async () => ({ dbPath: path.join(tempDir("parlor-race-"), "parlor.db") }) },
];

describe.each(backends)("two nodes, redis, $name", (backend) => {
  let a: TestServer;
  let b: TestServer;
  const opened: ChatSocket[] = [];
  beforeAll(async () => {
    const store = await backend.config();
    // One after the other: the first node creates the schema.
    a = await startNode("race-a", { redisUrl: redis.url, ...store });
    b = await startNode("race-b", { redisUrl: redis.url, ...store });
  }, 60_000);
  afterAll(async () => {
    for (const s of opened) s.close();
    await a?.cleanup();
    await b?.cleanup();
  });

  const tab = async (node: TestServer, name: string) => {
    const socket = await openSocket<ChatSocket>(`${node.url}/chat`, { auth: { token: signer.issue(user(name)).token } });
    opened.push(socket);
    return socket;
  };
  const join = async (socket: ChatSocket, payload: { room: string; sinceSeq?: number; sinceRev?: number }) =>
    okData(await ask<RoomJoinData>(socket, "room:join", payload));
  const stored = async (node: TestServer, room: string, seq: number) => {
    const reader = await tab(node, "reader");
    await join(reader, { room });
    const { messages } = okData(await ask<{ messages: Message[] }>(reader, "message:history", { room }));
    reader.close();
    return messages.find((m) => m.seq === seq)!;
  };

  test("two users edit and react to one message from both nodes at once: one rev per change, everyone ends on the stored message", async () => {
    const room = "race";
    const [adaA, adaB, bobA, bobB, carolA, daveB, erinA, frankB] = await Promise.all([
      tab(a, "ada"),
      tab(b, "ada"),
      tab(a, "bob"),
      tab(b, "bob"),
      tab(a, "carol"),
      tab(b, "dave"),
      tab(a, "erin"),
      tab(b, "frank"),
    ]);
    const all = [adaA, adaB, bobA, bobB, carolA, daveB, erinA, frankB];
    for (const s of all) await join(s, { room });
    const { message } = okData(await ask<{ message: Message }>(adaA, "message:send", { room, text: "v0" }));
    const { seq } = message;
    const r0 = revOf(message);
    const views = new Map(all.map((s) => [s, new View(s, seq)]));

    // Each socket runs its own sequence (so every reaction toggles: a real change, never a no-op);
    // the six sequences run at once, interleaving on both nodes.
    const ROUNDS = 15;
    type Change = { by: string; rev: number; text?: string };
    const changes: Change[] = [];
    const edits = (socket: ChatSocket, label: string) => async () => {
      for (const r of range(ROUNDS)) {
        const m = okData(await ask<{ message: Message }>(socket, "message:edit", { room, seq, text: `${label}${r}` })).message;
        views.get(socket)!.message(m);
        changes.push({ by: label, rev: revOf(m), text: m.text });
      }
    };
    const toggles = (socket: ChatSocket, label: string, emoji: string) => async () => {
      for (const r of range(ROUNDS)) {
        const ack = okData(
          await ask<{ rev: number; reactions: Reaction[] }>(socket, "message:react", { room, seq, emoji, on: r % 2 === 1 }),
        );
        views.get(socket)!.reacted(ack.rev, ack.reactions);
        changes.push({ by: label, rev: ack.rev });
      }
    };
    // Erin and Frank go away halfway and come back with room:join { sinceSeq, sinceRev }.
    let away: { erin: number; frank: number } | undefined;
    const leaveHalfway = async () => {
      await until("half the changes are stored", () => changes.length >= ROUNDS * 3);
      away = { erin: views.get(erinA)!.contiguousFrom(r0), frank: views.get(frankB)!.contiguousFrom(r0) };
      erinA.close();
      frankB.close();
    };
    await Promise.all(
      [
        edits(adaA, "A"),
        edits(adaB, "B"),
        toggles(bobA, "bobA", "👍"),
        toggles(bobB, "bobB", "❤️"),
        toggles(adaA, "adaA", "🎉"),
        toggles(adaB, "adaB", "🔥"),
        leaveHalfway,
      ].map((run) => run()),
    );

    // One rev per change, and they are exactly the room's next revs.
    const revs = changes.map((c) => c.rev).sort((x, y) => x - y);
    expect(revs).toEqual(range(changes.length, r0 + 1));
    const finalRev = r0 + changes.length;
    const lastEdit = changes.filter((c) => c.text !== undefined).sort((x, y) => y.rev - x.rev)[0];

    // The store agrees on both nodes; the last edit's text won; each toggled reaction ended on (an odd number of toggles).
    const [onA, onB] = [await stored(a, room, seq), await stored(b, room, seq)];
    expect(onB).toEqual(onA);
    expect(stateOf(onA)).toEqual({ text: lastEdit.text, reactions: expect.any(Array), rev: finalRev });
    expect(onA.reactions!.map((r) => [r.emoji, r.count, r.users]).sort()).toEqual(
      [
        ["👍", 1, ["u_bob"]],
        ["❤️", 1, ["u_bob"]],
        ["🎉", 1, ["u_ada"]],
        ["🔥", 1, ["u_ada"]],
      ].sort(),
    );

    // Live: every socket still there converges on it, and every rev reached it once (the acting socket has its ack instead).
    const present = [adaA, adaB, bobA, bobB, carolA, daveB];
    await until("every socket has seen the last change", () => present.every((s) => views.get(s)!.rev === finalRev));
    for (const s of present) {
      expect(stateOf({ text: views.get(s)!.text, reactions: views.get(s)!.reactions, rev: views.get(s)!.rev })).toEqual(stateOf(onA));
      expect([...views.get(s)!.received].sort((x, y) => x - y)).toEqual(range(changes.length, r0 + 1));
    }

    // Catch-up: back on the other node, from the last rev each had seen without a gap.
    expect(away).toBeDefined();
    expect(away!.erin).toBeLessThan(finalRev);
    for (const [node, name, since] of [
      [b, "erin", away!.erin],
      [a, "frank", away!.frank],
    ] as const) {
      const back = await tab(node, name);
      const data = await join(back, { room, sinceSeq: seq, sinceRev: since });
      expect(data.rev).toBe(finalRev);
      expect(data.messages).toEqual([]);
      expect(data.updates).toEqual([onA]);
      expect(data.hasMoreUpdates).toBe(false);
      // Up to date now: nothing more to catch up.
      expect((await join(back, { room, sinceSeq: seq, sinceRev: data.rev })).updates).toEqual([]);
    }
  });

  test("200 users on both nodes react at once: exact counts, one rev each, the first 20 by order stored, the same on both nodes", async () => {
    const room = "burst";
    const author = await tab(a, "ada");
    const [watchA, watchB] = await Promise.all([tab(a, "carol"), tab(b, "dave")]);
    for (const s of [author, watchA, watchB]) await join(s, { room });
    const sent = okData(await ask<{ message: Message }>(author, "message:send", { room, text: "react to me" })).message;
    const { seq } = sent;
    const r0 = revOf(sent);
    const watchers = [new View(watchA, seq), new View(watchB, seq)];

    const names = range(200, 0).map((i) => `r${String(i).padStart(3, "0")}`);
    const sockets = await Promise.all(names.map((name, i) => tab(i % 2 === 0 ? a : b, name)));
    // Joined in groups: each join is announced to everyone already there.
    for (let i = 0; i < sockets.length; i += 20) await Promise.all(sockets.slice(i, i + 20).map((s) => join(s, { room })));

    const emojiOf = (i: number) => (i % 4 < 2 ? "👍" : "❤️");
    const acks = await Promise.all(
      sockets.map((s, i) => ask<{ rev: number; reactions: Reaction[] }>(s, "message:react", { room, seq, emoji: emojiOf(i), on: true })),
    );
    const revs = acks.map((ack) => okData(ack).rev);
    expect([...revs].sort((x, y) => x - y)).toEqual(range(200, r0 + 1));

    const final = await stored(a, room, seq);
    expect(await stored(b, room, seq)).toEqual(final);
    expect(final.rev).toBe(r0 + 200);
    // "users": the first 20 to react with that emoji, in the order their reactions were stored (by rev).
    const firstUsers = (emoji: string) =>
      names
        .map((name, i) => ({ id: user(name).id, rev: revs[i], emoji: emojiOf(i) }))
        .filter((r) => r.emoji === emoji)
        .sort((x, y) => x.rev - y.rev)
        .slice(0, 20)
        .map((r) => r.id);
    expect(final.reactions!.map((r) => [r.emoji, r.count, r.users]).sort()).toEqual(
      [
        ["👍", 100, firstUsers("👍")],
        ["❤️", 100, firstUsers("❤️")],
      ].sort(),
    );
    // The emoji stored first is listed first.
    const firstRev = Math.min(...revs);
    expect(final.reactions![0].emoji).toBe(emojiOf(revs.indexOf(firstRev)));

    // A watcher on each node got all 200 changes and ends on the stored reactions.
    await until("both watchers have seen the last reaction", () => watchers.every((w) => w.rev === final.rev));
    for (const w of watchers) {
      expect([...w.received].sort((x, y) => x - y)).toEqual(range(200, r0 + 1));
      expect(w.reactions).toEqual(final.reactions);
    }
  });
});
