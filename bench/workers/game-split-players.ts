/**
 * Load worker for the split-game line of bench:cluster: the players of one
 * game, some connected to the node that runs it and some to another node.
 * Each steers at jittered intervals (so inputs land at every phase of the
 * tick) and times every input to the first `game:delta` whose `ackSeq` is
 * that input's `seq`: input → applied at a tick → delta back, per kind of
 * player ("local": on the owner node, "remote": on the other node).
 */
import { io, type Socket } from "socket.io-client";
import { Histogram, nowMs } from "../lib/stats";
import { serve } from "../lib/worker";

interface Player {
  socket: Socket;
  label: string;
  seq: number;
  /** seq -> send time, for inputs not yet acknowledged. */
  sent: Map<number, number>;
  timer?: NodeJS.Timeout;
}

const players: Player[] = [];
const latency = new Map<string, Histogram>();
let recording = false;

function open(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/game`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function ack<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const res = (await socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; data: T; error?: unknown };
  if (!res.ok) throw new Error(`${event}: ${JSON.stringify(res.error)}`);
  return res.data;
}

const DIRS = [-1, 0, 1] as const;
const pick = () => DIRS[Math.floor(Math.random() * 3)];

function steer(p: Player): void {
  p.timer = setTimeout(
    () => {
      const seq = ++p.seq;
      p.sent.set(seq, nowMs());
      p.socket.emit("game:input", { seq, dir: { x: pick(), y: pick() } });
      steer(p);
    },
    30 + Math.random() * 40,
  );
}

serve({
  /** Opens every player's socket, creates the game with the first one (its node runs it), seats them all. */
  async setup(req) {
    const list = req.players as { url: string; token: string; label: string }[];
    const sockets = await Promise.all(list.map((p) => open(p.url, p.token)));
    const { game } = await ack<{ game: { id: string } }>(sockets[0], "game:create", { name: "split", maxPlayers: 16 });
    for (const [i, socket] of sockets.entries()) {
      await ack(socket, "game:join", { gameId: game.id });
      const p: Player = { socket, label: list[i].label, seq: 0, sent: new Map() };
      socket.on("game:delta", (d: { ackSeq: number }) => {
        const at = p.sent.get(d.ackSeq);
        if (at === undefined) return;
        // Inputs overwritten within one tick were never applied: they have no delta of their own.
        for (const seq of p.sent.keys()) if (seq <= d.ackSeq) p.sent.delete(seq);
        if (!recording) return;
        let h = latency.get(p.label);
        if (!h) latency.set(p.label, (h = new Histogram()));
        h.add(nowMs() - at);
      });
      players.push(p);
    }
    return { gameId: game.id, players: players.length };
  },
  /** Steers every player for `durationMs`; returns the input → delta latencies recorded (when `record`). */
  async play(req) {
    const { durationMs, record } = req as { durationMs: number; record: boolean };
    latency.clear();
    recording = record;
    for (const p of players) steer(p);
    await new Promise((r) => setTimeout(r, durationMs));
    for (const p of players) clearTimeout(p.timer);
    await new Promise((r) => setTimeout(r, 200)); // the last deltas
    recording = false;
    return Object.fromEntries([...latency].map(([label, h]) => [label, h.toJSON()]));
  },
});
