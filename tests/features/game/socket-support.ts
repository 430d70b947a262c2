/** Helpers for the game tests over real sockets. */
import type { GameDelta, Orb, Snapshot } from "../../../server/protocol";
import { applyDelta, fromSnapshot, type SyncState } from "../../../static/game-sync";
import type { GameSocket } from "../../helpers";

export interface Recorder {
  /** Every game event in arrival order. */
  events: { event: string; payload: unknown }[];
  deltas: GameDelta[];
  /** The client's copy of the world: the last snapshot with every later delta applied. */
  state: SyncState | undefined;
  /** When the state's tick arrived (to move players on between deltas). */
  tickAt: number;
}

/** Records what a socket receives and keeps its world copy up to date with game-sync. */
export function record(socket: GameSocket): Recorder {
  const rec: Recorder = { events: [], deltas: [], state: undefined, tickAt: 0 };
  socket.on("game:state", (snapshot: Snapshot) => {
    rec.events.push({ event: "game:state", payload: snapshot });
    rec.state = fromSnapshot(snapshot);
    rec.tickAt = Date.now();
  });
  socket.on("game:delta", (delta: GameDelta) => {
    rec.events.push({ event: "game:delta", payload: delta });
    rec.deltas.push(delta);
    if (rec.state && applyDelta(rec.state, delta)) rec.tickAt = Date.now();
  });
  socket.on("game:over", (payload) => rec.events.push({ event: "game:over", payload }));
  return rec;
}

/** Resolves with the first delta matching `predicate` (rejects after `timeoutMs`). */
export function deltaWhere(socket: GameSocket, predicate: (d: GameDelta) => boolean, timeoutMs = 3000): Promise<GameDelta> {
  return new Promise((resolve, reject) => {
    const onDelta = (d: GameDelta) => {
      if (!predicate(d)) return;
      cleanup();
      resolve(d);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error("timed out waiting for a matching game:delta"));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("game:delta", onDelta);
    };
    socket.on("game:delta", onDelta);
  });
}

/** Where a player is now by the recorder's state: quiet ticks send no delta while it goes straight on. */
export function whereNow(rec: Recorder, playerId: string): { x: number; y: number } | undefined {
  const p = rec.state?.players.get(playerId);
  if (!p) return undefined;
  const ticks = Math.floor((Date.now() - rec.tickAt) / 50);
  return { x: p.x + (p.vx * ticks) / 20, y: p.y + (p.vy * ticks) / 20 };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The direction (each axis -1, 0, 1) from a point toward the nearest orb. */
export function towardNearestOrb(x: number, y: number, orbs: Iterable<Orb>): { x: -1 | 0 | 1; y: -1 | 0 | 1 } {
  let best: Orb | undefined;
  let bestD = Infinity;
  for (const o of orbs) {
    const d = (o.x - x) ** 2 + (o.y - y) ** 2;
    if (d < bestD) [best, bestD] = [o, d];
  }
  const axis = (d: number) => (Math.abs(d) < 5 ? 0 : d > 0 ? 1 : -1);
  return best ? { x: axis(best.x - x), y: axis(best.y - y) } : { x: 0, y: 0 };
}

/**
 * Steers `playerId` toward orbs until its score reaches `score`: a client
 * playing, with nothing but the protocol.
 */
export async function playUntilScore(socket: GameSocket, rec: Recorder, playerId: string, score: number, timeoutMs = 5000): Promise<void> {
  let seq = 1_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const me = rec.state?.players.get(playerId);
    if (me && me.score >= score) break;
    if (Date.now() > deadline) throw new Error(`score ${me?.score} did not reach ${score}`);
    const now = whereNow(rec, playerId);
    if (now) socket.emit("game:input", { seq: ++seq, dir: towardNearestOrb(now.x, now.y, rec.state!.orbs.values()) });
    await sleep(50);
  }
  socket.emit("game:input", { seq: seq + 1, dir: { x: 0, y: 0 } });
}
