/**
 * Crash safety, for real: a Parlor child process is SIGKILLed while four
 * clients are sending 2,000 messages; restarted on the same database file.
 * Every acked message must be there, seq must be 1..N with no gap, and
 * retrying the unacked ones with their clientId completes the set exactly once.
 */
import path from "node:path";
import type { Message } from "../../server/protocol";
import { createSession, emitAck, okData, openSocket, tempDir, type ChatSocket, type Session } from "../helpers";
import { killAllChildServers, startChildServer, type ChildServer } from "./child-server";
import { range } from "./support";

const CLIENTS = 4;
const PER_CLIENT = 500;
/** Sends in flight per client, so the kill lands with acks outstanding. */
const WINDOW = 16;
const ROOM = "crash";

const sockets: ChatSocket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));
afterAll(() => killAllChildServers());

async function connect(server: ChildServer, session: Session): Promise<ChatSocket> {
  const socket = await openSocket<ChatSocket>(`${server.url}/chat`, { auth: { token: session.token } });
  sockets.push(socket);
  okData(await emitAck(socket, "room:join", { room: ROOM }));
  return socket;
}

/** Every message of the room, read back with room:join sinceSeq pages of 500. */
async function readAll(socket: ChatSocket): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const page = okData(await emitAck(socket, "room:join", { room: ROOM, sinceSeq: all.length ? all[all.length - 1].seq : 0 }));
    all.push(...page.messages);
    if (!page.hasMore) return all;
  }
}

const key = (userId: string, clientId: string) => `${userId}/${clientId}`;

/** Sends `clientIds` with a window of WINDOW; records acks; stops quietly when the connection dies. */
async function sendAll(socket: ChatSocket, clientIds: string[], acked: Map<string, Message>, userId: string): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < clientIds.length && socket.connected) {
      const clientId = clientIds[next++];
      try {
        const ack = await socket.timeout(10_000).emitWithAck("message:send", { room: ROOM, text: `text of ${clientId}`, clientId });
        if (ack.ok) acked.set(key(userId, clientId), ack.data.message);
      } catch {
        return; // disconnected (the crash) or timed out: not acked, will be retried
      }
    }
  };
  await Promise.all(range(1, WINDOW).map(lane));
}

test.each(["FULL", "NORMAL"])(
  "kill -9 mid-load with synchronous=%s: every acked message survives, seq has no gap, retries complete the set once",
  async (sync) => {
    const env = {
      PARLOR_DB: path.join(tempDir("parlor-crash-"), "parlor.db"),
      PARLOR_SECRET: "crash-test-secret-crash-test-secret",
      PARLOR_SQLITE_SYNC: sync,
      PARLOR_RATE_PER_SEC: "1000000",
      PARLOR_RATE_BURST: "1000000",
      PARLOR_SESSION_RATE: "1000",
    };
    const first = await startChildServer(env);
    const sessions = await Promise.all(range(1, CLIENTS).map((i) => createSession(first.url, `sender${i}`)));
    const clientIdsOf = (i: number) => range(1, PER_CLIENT).map((n) => `c${i}-${n}`);
    const acked = new Map<string, Message>();

    const clients = await Promise.all(sessions.map((s) => connect(first, s)));
    const sending = Promise.all(clients.map((socket, i) => sendAll(socket, clientIdsOf(i), acked, sessions[i].user.id)));
    // Crash in the middle of the run, with sends in flight.
    while (acked.size < (CLIENTS * PER_CLIENT) / 3) await new Promise((r) => setTimeout(r, 2));
    await first.kill9();
    await sending;
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(CLIENTS * PER_CLIENT);

    const second = await startChildServer(env);
    try {
      const again = await Promise.all(sessions.map((s) => connect(second, s)));
      const survived = await readAll(again[0]);
      // Gap-free from 1, and at least everything acked (some unacked may have committed too).
      expect(survived.map((m) => m.seq)).toEqual(range(1, survived.length));
      const stored = new Map(survived.map((m) => [key(m.user.id, m.clientId!), m]));
      expect(stored.size).toBe(survived.length);
      for (const [k, m] of acked) expect(stored.get(k)).toEqual(m);

      // Retry everything not acked (in flight at the crash, or never sent), with the same clientIds.
      await Promise.all(
        again.map(async (socket, i) => {
          const userId = sessions[i].user.id;
          const missing = clientIdsOf(i).filter((c) => !acked.has(key(userId, c)));
          await sendAll(socket, missing, acked, userId);
        }),
      );
      expect(acked.size).toBe(CLIENTS * PER_CLIENT);
      // A retry of a message that had committed without its ack gets that message back.
      for (const [k, m] of stored) expect(acked.get(k)).toEqual(m);

      const final = await readAll(again[1]);
      expect(final.map((m) => m.seq)).toEqual(range(1, CLIENTS * PER_CLIENT));
      expect(new Set(final.map((m) => key(m.user.id, m.clientId!))).size).toBe(CLIENTS * PER_CLIENT);
      expect(final).toEqual([...acked.values()].sort((a, b) => a.seq - b.seq));
    } finally {
      await second.kill9();
    }
  },
);
