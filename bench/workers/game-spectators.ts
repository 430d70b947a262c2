/**
 * Load worker for bench:game: spectators as real socket.io-client `/game`
 * sockets (one user each, tokens minted with the benchmark server's secret),
 * `game:spectate` on games found with `game:list`, keeping their copy of the
 * world with the shared game-sync module as the page does. Every received
 * delta is counted under its game's tick, so the benchmark counts exactly the
 * deltas of the server's measured ticks, however late this process reads
 * them (`collect` waits for every spectator to reach the last one).
 */
import os from "node:os";
import { io, type Socket } from "socket.io-client";
import type { Ack, GameClientToServerEvents, GameDelta, GameServerToClientEvents, GameSummary, Snapshot } from "../../server/protocol";
import { applyDelta, fromSnapshot, type SyncState } from "../../static/game-sync";
import { mintTokens } from "../lib/tokens";
import { serve } from "../lib/worker";

type GameSocket = Socket<GameServerToClientEvents, GameClientToServerEvents>;

interface Spectator {
  socket: GameSocket;
  gameId: string;
  extrapolate: boolean;
  state?: SyncState;
  /** Wire size of the last packet, read by the delta handler that packet becomes. */
  lastPacketBytes: number;
}

/** Per game: tick -> [deltas received for that tick by this worker's spectators, their bytes]. */
const byTick = new Map<string, Map<number, [number, number]>>();
const spectators: Spectator[] = [];
/** Set by `collect`: each game's last measured tick, and when a delta of the window last arrived. */
let windowEnd: Record<string, number> | undefined;
let lastWindowArrival = 0;
/** A drain ends this long after the last delta of the window arrived (an idle game sends nothing more). */
const QUIET_MS = 1000;
let cpuMark = process.cpuUsage();
let cpuAt = performance.now();

function connect(url: string, token: string): Promise<GameSocket> {
  // forceNew: one engine per spectator, as separate browsers would have.
  const socket: GameSocket = io(`${url}/game`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => (socket.close(), reject(err)));
  });
}

function onDelta(s: Spectator, delta: GameDelta): void {
  if (!s.state || !applyDelta(s.state, delta)) return;
  if (windowEnd && delta.tick <= (windowEnd[s.gameId] ?? 0)) lastWindowArrival = performance.now();
  let ticks = byTick.get(s.gameId);
  if (!ticks) byTick.set(s.gameId, (ticks = new Map()));
  const entry = ticks.get(delta.tick);
  if (entry) {
    entry[0]++;
    entry[1] += s.lastPacketBytes;
  } else ticks.set(delta.tick, [1, s.lastPacketBytes]);
}

async function watch(url: string, token: string, gameId: string, extrapolate: boolean): Promise<void> {
  const socket = await connect(url, token);
  const s: Spectator = { socket, gameId, extrapolate, lastPacketBytes: 0 };
  spectators.push(s);
  socket.io.engine.on("packet", (packet) => {
    s.lastPacketBytes = typeof packet.data === "string" ? Buffer.byteLength(packet.data) + 1 : 0;
  });
  socket.on("game:state", (snapshot: Snapshot) => (s.state = fromSnapshot(snapshot)));
  socket.on("game:delta", (delta) => onDelta(s, delta));
  const res = (await socket.timeout(20_000).emitWithAck("game:spectate", { gameId, extrapolate })) as Ack<{ state: Snapshot }>;
  if (!res.ok) throw new Error(`game:spectate ${res.error.code} ${res.error.message}`);
  s.state = fromSnapshot(res.data.state);
}

serve({
  /**
   * `perGame` spectators on each of the games `game:list` shows whose index is `part` modulo `parts`
   * (every other one `extrapolate: true`), `concurrency` at a time. This process then runs at `nice`.
   */
  async spectate({ url, secret, perGame, part = 0, parts = 1, concurrency = 50, nice = 0 }) {
    const [lister] = mintTokens(secret, 1, `spectator-lister-${part}-`);
    const listing = await connect(url, lister);
    const listed = (await listing.timeout(20_000).emitWithAck("game:list", { limit: 1000 })) as Ack<{
      games: GameSummary[];
      hasMore: boolean;
    }>;
    listing.close();
    if (!listed.ok) throw new Error(`game:list ${listed.error.code} ${listed.error.message}`);
    if (listed.data.hasMore) throw new Error("more games than one game:list shows (PARLOR_MAX_LIST): raise it for the benchmark server");
    const games = listed.data.games.filter((_, i) => i % parts === part);
    const jobs = games.flatMap((g) => Array.from({ length: perGame }, (_, i) => ({ gameId: g.id, extrapolate: i % 2 === 1 })));
    const tokens = mintTokens(secret, jobs.length, `spectator-${part}-`);
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        const i = next++;
        await watch(url, tokens[i], jobs[i].gameId, jobs[i].extrapolate);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
    // The load runs below the server's priority: on a shared machine the spectators' reading should not be what the server waits for.
    if (nice) os.setPriority(0, nice);
    return { spectators: spectators.length, games: games.length };
  },

  /** Starts this process's CPU measurement. */
  start() {
    cpuMark = process.cpuUsage();
    cpuAt = performance.now();
  },

  /**
   * Deltas of ticks after `startTicks[game]` up to `stopTicks[game]`, once every spectator has read
   * up to its game's stop tick, or none of the window arrived for a second (or `drainMs` passed):
   * counts, bytes, this process's CPU. Behind: short of the furthest tick a spectator of the same game and
   * delta kind reached (extrapolated deltas skip the ticks a client predicts).
   */
  async collect({ startTicks, stopTicks, drainMs = 20_000 }) {
    const from: Record<string, number> = startTicks;
    const until: Record<string, number> = stopTicks;
    const used = process.cpuUsage(cpuMark);
    const cpuPercent = ((used.user + used.system) / 1000 / (performance.now() - cpuAt)) * 100;
    windowEnd = until;
    const drainStarted = (lastWindowArrival = performance.now());
    const unread = () => spectators.some((s) => s.socket.connected && (s.state?.tick ?? 0) < (until[s.gameId] ?? 0));
    while (unread() && performance.now() - lastWindowArrival < QUIET_MS && performance.now() - drainStarted < drainMs) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const furthest = new Map<string, number>();
    for (const s of spectators)
      furthest.set(s.gameId, Math.max(furthest.get(s.gameId) ?? 0, Math.min(s.state?.tick ?? 0, until[s.gameId] ?? 0)));
    const behind = () => spectators.filter((s) => Math.min(s.state?.tick ?? 0, until[s.gameId] ?? 0) < (furthest.get(s.gameId) ?? 0));
    let deliveries = 0;
    let bytes = 0;
    for (const [gameId, ticks] of byTick) {
      const first = from[gameId];
      const last = until[gameId];
      if (first === undefined || last === undefined) continue;
      for (const [tick, [count, size]] of ticks) {
        if (tick <= first || tick > last) continue;
        deliveries += count;
        bytes += size;
      }
    }
    return {
      spectators: spectators.length,
      disconnected: spectators.filter((s) => !s.socket.connected).length,
      stillBehind: behind().length,
      drainMs: Math.max(0, lastWindowArrival - drainStarted),
      deliveries,
      bytes,
      cpuPercent,
    };
  },

  close() {
    for (const s of spectators) s.socket.close();
    spectators.length = 0;
  },
});
