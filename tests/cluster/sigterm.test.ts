/**
 * SIGTERM to a real node process in the middle of a burst of sends: every
 * message it acked is in the database afterwards, the clients were told
 * (`system:shutdown`) before being let go, and the process exits 0.
 */
import path from "node:path";
import type { Message } from "../../server/protocol";
import { openSqliteStore } from "../../server/storage/sqlite";
import { emitAck, okData, openSocket, tempDir, type ChatSocket, type SystemSocket } from "../helpers";
import { chatUser } from "./support/clients";
import { spawnNode, type NodeProcess } from "./support/nodes";

let node: NodeProcess;
const dbFile = path.join(tempDir("parlor-sigterm-"), "parlor.db");
const opened: (ChatSocket | SystemSocket)[] = [];

beforeAll(async () => {
  node = await spawnNode("node-term", { PARLOR_DB: dbFile });
}, 60_000);

afterAll(async () => {
  for (const s of opened) s.close();
  await node?.stop("SIGKILL");
});

test("SIGTERM: acked messages are stored, clients get system:shutdown, exit code 0", async () => {
  const { socket } = await chatUser(node.url, "last-words");
  const system = await openSocket<SystemSocket>(`${node.url}/system`, {});
  opened.push(socket, system);
  okData(await emitAck(socket, "room:join", { room: "final" }));
  const told = [new Promise((r) => socket.once("system:shutdown", r)), new Promise((r) => system.once("system:shutdown", r))];
  const disconnected = new Promise<string>((r) => socket.once("disconnect", r));

  // A burst of sends; the signal goes as soon as the first is acked, so the rest are in flight or queued.
  const sends = Array.from({ length: 300 }, (_, n) =>
    socket
      .timeout(10_000)
      .emitWithAck("message:send", { room: "final", text: `n${n}`, clientId: `k${n}` })
      .then(
        (ack) => ack,
        () => undefined, // never answered: the connection closed first
      ),
  );
  await sends[0];
  node.child.kill("SIGTERM");

  const [payload] = await Promise.all(told);
  expect(payload).toEqual({ reason: expect.any(String), reconnectAfterMs: expect.any(Number) });
  // A transport close: Socket.IO clients reconnect on their own (after a server "disconnect" they would not).
  expect(await disconnected).toBe("transport close");
  expect(await node.exited).toEqual({ code: 0, signal: null });

  const acked = (await Promise.all(sends)).flatMap((ack) => (ack?.ok ? [(ack.data as { message: Message }).message] : []));
  expect(acked.length).toBeGreaterThan(0);
  const store = openSqliteStore(dbFile);
  try {
    const stored = (await store.messagesSince("final", 0, 500)).items;
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const m of acked) expect(byId.get(m.id)).toEqual(m);
    // And nothing was stored twice or with a gap.
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  } finally {
    await store.close();
  }
});
