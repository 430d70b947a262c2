/**
 * Orbs bots: players that steer at random through the real protocol — a
 * session from POST /api/session, a `/game` socket with that token, the
 * first bot of each game creates it and everyone joins — and keep their copy
 * of the world with the shared game-sync module. Prints, per client, deltas/s
 * and bytes/s received, next to what a full snapshot every tick would cost.
 * By default every other bot of a game joins with `extrapolate: true`, so one
 * run measures both kinds of delta on the same world.
 *
 *   npm run bots -- --games 10 --players 8 --seconds 30 [--spectators N] [--extrapolate mixed|on|off] [--url http://127.0.0.1:3000]
 *
 * `--spectators N` adds N spectators to each game (`game:spectate`): they
 * receive what players receive without a seat and are reported apart.
 *
 * `runBots` is also what the benchmark (bench/game.ts) drives.
 */
import { parseArgs } from "node:util";
import { io, type Socket } from "socket.io-client";
import type {
  Ack,
  Direction,
  GameClientToServerEvents,
  GameDelta,
  GameJoinData,
  GameServerToClientEvents,
  GameSummary,
  Snapshot,
} from "../server/protocol";
import { applyDelta, fromSnapshot, toSnapshot, type SyncState } from "../static/game-sync";

type GameSocket = Socket<GameServerToClientEvents, GameClientToServerEvents>;

export interface BotOptions {
  url: string;
  games: number;
  players: number;
  /** Spectators per game (default 0): `game:spectate`, no seat, no input. */
  spectators?: number;
  seconds: number;
  /** Which bots join with `extrapolate: true`: every other one of each game (default), all, or none. */
  extrapolate?: ExtrapolateMode;
  /** Called once every bot is seated, right before the measured window starts. */
  onReady?(): void | Promise<void>;
  /** Called as the measured window ends, before the bots leave. */
  onWindowEnd?(): void | Promise<void>;
}

export type ExtrapolateMode = "mixed" | "on" | "off";
export const EXTRAPOLATE_MODES: readonly ExtrapolateMode[] = ["mixed", "on", "off"];

export interface BotStats {
  name: string;
  gameId: string;
  /** Joined with `extrapolate: true` (dead reckoning between deltas). */
  extrapolate: boolean;
  /** Watched with `game:spectate` instead of taking a seat. */
  spectator?: true;
  deltas: number;
  /** Bytes of `game:delta` packets, as framed on the wire. */
  deltaBytes: number;
  /** Every byte received in the window (deltas, snapshots, game:over, pings). */
  totalBytes: number;
  /** What a `game:state` every tick would have cost over the same ticks (sampled). */
  snapshotBytes: number;
  ticks: number;
}

export interface BotReport {
  seconds: number;
  clients: BotStats[];
}

/** Snapshot sizes move slowly; measuring every Nth delta keeps the bots' own CPU low. */
const SNAPSHOT_SAMPLE_EVERY = 10;
const DIRS: Direction[] = [-1, 0, 1].flatMap((x) => [-1, 0, 1].map((y) => ({ x, y }) as Direction));

class Bot {
  readonly stats: BotStats;
  socket!: GameSocket;
  private state: SyncState | undefined;
  private measuring = false;
  private lastTick = 0;
  private snapshotSize = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly token: string,
    extrapolate: boolean,
  ) {
    this.stats = { name, gameId: "", extrapolate, deltas: 0, deltaBytes: 0, totalBytes: 0, snapshotBytes: 0, ticks: 0 };
  }

  async connect(url: string): Promise<void> {
    // forceNew: one engine per bot, so the bytes counted are this client's own.
    const socket: GameSocket = io(`${url}/game`, {
      auth: { token: this.token },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    socket.io.on("open", () => socket.io.engine.on("packet", (packet) => this.count(packet.data)));
    socket.on("game:state", (snapshot) => this.reset(snapshot));
    socket.on("game:delta", (delta) => this.onDelta(delta));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
  }

  async join(gameId: string): Promise<void> {
    const res = (await this.socket
      .timeout(10_000)
      .emitWithAck("game:join", { gameId, extrapolate: this.stats.extrapolate })) as Ack<GameJoinData>;
    if (!res.ok) throw new Error(`${this.name}: game:join ${res.error.code} ${res.error.message}`);
    this.stats.gameId = gameId;
    this.reset(res.data.state);
  }

  /** Watches `gameId` without a seat. */
  async spectate(gameId: string): Promise<void> {
    const res = (await this.socket.timeout(10_000).emitWithAck("game:spectate", { gameId, extrapolate: this.stats.extrapolate })) as Ack<{
      state: Snapshot;
    }>;
    if (!res.ok) throw new Error(`${this.name}: game:spectate ${res.error.code} ${res.error.message}`);
    this.stats.gameId = gameId;
    this.stats.spectator = true;
    this.reset(res.data.state);
  }

  start(): void {
    this.measuring = true;
    this.lastTick = this.state?.tick ?? 0;
    if (!this.stats.spectator) this.steer();
  }

  stop(): void {
    this.measuring = false;
    clearTimeout(this.timer);
  }

  close(): void {
    this.stop();
    this.socket?.close();
  }

  /** A random direction now and then: people change their mind every 100–600 ms. */
  private steer(): void {
    if (!this.measuring) return;
    this.socket.emit("game:input", { seq: ++this.seq, dir: DIRS[Math.floor(Math.random() * DIRS.length)] });
    this.timer = setTimeout(() => this.steer(), 100 + Math.random() * 500);
  }

  private reset(snapshot: Snapshot): void {
    this.state = fromSnapshot(snapshot);
    this.measureSnapshot();
  }

  private onDelta(delta: GameDelta): void {
    if (!this.state || !applyDelta(this.state, delta) || !this.measuring) return;
    this.stats.deltas++;
    if (this.stats.deltas % SNAPSHOT_SAMPLE_EVERY === 0) this.measureSnapshot();
    // Idle ticks send no delta, but a snapshot-per-tick server would have sent one.
    const ticks = delta.tick - this.lastTick;
    this.stats.ticks += ticks;
    this.stats.snapshotBytes += ticks * this.snapshotSize;
    this.lastTick = delta.tick;
  }

  private measureSnapshot(): void {
    if (!this.state) return;
    // The same framing a game:state packet gets on the wire: "4" + `2/game,` + JSON.
    this.snapshotSize = 1 + Buffer.byteLength(`2/game,${JSON.stringify(["game:state", toSnapshot(this.state)])}`);
  }

  private count(data: unknown): void {
    if (!this.measuring) return;
    const bytes = typeof data === "string" ? Buffer.byteLength(data) + 1 : data instanceof ArrayBuffer ? data.byteLength : 1;
    this.stats.totalBytes += bytes;
    if (typeof data === "string" && data.startsWith('2/game,["game:delta"')) this.stats.deltaBytes += bytes;
  }
}

async function createSession(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status === 429) {
    // Every bot signs in from this one address: the server's per-address session limit applies.
    throw new Error(`POST /api/session: 429 (session limit per address): start the server with PARLOR_SESSION_RATE=10000 for bots`);
  }
  if (res.status !== 201) throw new Error(`POST /api/session: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * Seats `games × players` bots, lets them play for `seconds`, then leaves and
 * disconnects every one of them. Resolves with what each client received.
 *
 * @example
 * const report = await runBots({ url: "http://127.0.0.1:3000", games: 2, players: 4, seconds: 5 });
 */
export async function runBots(opts: BotOptions): Promise<BotReport> {
  const bots: Bot[] = [];
  const mode = opts.extrapolate ?? "mixed";
  try {
    for (let g = 0; g < opts.games; g++) {
      const seats = await Promise.all(
        Array.from({ length: opts.players }, async (_, p) => {
          const extrapolate = mode === "on" || (mode === "mixed" && p % 2 === 1);
          const bot = new Bot(`bot-${g}-${p}`, await createSession(opts.url, `bot-${g}-${p}`), extrapolate);
          bots.push(bot);
          await bot.connect(opts.url);
          return bot;
        }),
      );
      const created = (await seats[0].socket
        .timeout(10_000)
        .emitWithAck("game:create", { name: `bots ${g}`, maxPlayers: Math.max(2, opts.players) })) as Ack<{ game: GameSummary }>;
      if (!created.ok) throw new Error(`game:create ${created.error.code} ${created.error.message}`);
      await Promise.all(seats.map((bot) => bot.join(created.data.game.id)));
      await Promise.all(
        Array.from({ length: opts.spectators ?? 0 }, async (_, i) => {
          const extrapolate = mode === "on" || (mode === "mixed" && i % 2 === 1);
          const watcher = new Bot(`spectator-${g}-${i}`, await createSession(opts.url, `spectator-${g}-${i}`), extrapolate);
          bots.push(watcher);
          await watcher.connect(opts.url);
          await watcher.spectate(created.data.game.id);
        }),
      );
    }
    await opts.onReady?.();
    const started = performance.now();
    for (const bot of bots) bot.start();
    await new Promise((resolve) => setTimeout(resolve, opts.seconds * 1000));
    for (const bot of bots) bot.stop();
    const seconds = (performance.now() - started) / 1000;
    await opts.onWindowEnd?.();
    await Promise.all(
      bots.map((bot) =>
        bot.socket
          .timeout(5000)
          .emitWithAck("game:leave", {})
          .catch(() => undefined),
      ),
    );
    return { seconds, clients: bots.map((b) => b.stats) };
  } finally {
    for (const bot of bots) bot.close();
  }
}

const stat = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return { mean, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
};

/** Per-client rates of some clients of a report: deltas/s, bytes/s, and the snapshot baseline. */
function rates(clients: BotStats[], seconds: number) {
  const per = (f: (s: BotStats) => number) => stat(clients.map((c) => f(c) / seconds));
  const deltaBytes = clients.reduce((s, c) => s + c.deltaBytes, 0);
  const snapshotBytes = clients.reduce((s, c) => s + c.snapshotBytes, 0);
  return {
    clients: clients.length,
    seconds,
    deltasPerSec: per((c) => c.deltas),
    deltaBytesPerSec: per((c) => c.deltaBytes),
    totalBytesPerSec: per((c) => c.totalBytes),
    snapshotBytesPerSec: per((c) => c.snapshotBytes),
    deltaToSnapshotRatio: snapshotBytes ? deltaBytes / snapshotBytes : 0,
  };
}

export type ClientRates = ReturnType<typeof rates>;

/** A report's rates for all clients, and apart for those taking exact and extrapolated deltas (undefined when there were none). */
export function summarize(report: BotReport): ClientRates & { exact?: ClientRates; extrapolated?: ClientRates } {
  const of = (extrapolate: boolean) => {
    const clients = report.clients.filter((c) => c.extrapolate === extrapolate);
    return clients.length ? rates(clients, report.seconds) : undefined;
  };
  return { ...rates(report.clients, report.seconds), exact: of(false), extrapolated: of(true) };
}

/** The report as text: one row per client when there are few, the spread otherwise. */
export function formatReport(report: BotReport): string {
  const s = summarize(report);
  const row = (label: string, d: number, db: number, tb: number, sb: number) =>
    `${label.padEnd(22)}${d.toFixed(1).padStart(10)}${Math.round(db).toString().padStart(14)}${Math.round(tb).toString().padStart(14)}${Math.round(sb).toString().padStart(16)}`;
  const lines = [
    `${"client".padEnd(22)}${"deltas/s".padStart(10)}${"delta B/s".padStart(14)}${"all B/s".padStart(14)}${"snapshot B/s".padStart(16)}`,
  ];
  if (report.clients.length <= 16) {
    for (const c of report.clients) {
      const label = `${c.name}${c.extrapolate ? " (extr.)" : ""}${c.spectator ? " (spect.)" : ""}`;
      lines.push(row(label, c.deltas / s.seconds, c.deltaBytes / s.seconds, c.totalBytes / s.seconds, c.snapshotBytes / s.seconds));
    }
  }
  for (const [kind, r] of [
    ["exact", s.exact],
    ["extrapolated", s.extrapolated],
  ] as const) {
    if (!r) continue;
    lines.push(row(`${kind} (mean)`, r.deltasPerSec.mean, r.deltaBytesPerSec.mean, r.totalBytesPerSec.mean, r.snapshotBytesPerSec.mean));
  }
  const watchers = report.clients.filter((c) => c.spectator);
  if (watchers.length) {
    const w = rates(watchers, report.seconds);
    lines.push(row("spectators (mean)", w.deltasPerSec.mean, w.deltaBytesPerSec.mean, w.totalBytesPerSec.mean, w.snapshotBytesPerSec.mean));
  }
  lines.push(`${s.clients} clients (${watchers.length} spectators), ${s.seconds.toFixed(1)} s`);
  for (const [kind, r] of [
    ["exact", s.exact],
    ["extrapolated", s.extrapolated],
  ] as const) {
    if (r)
      lines.push(`${kind} deltas (${r.clients} clients) are ${(r.deltaToSnapshotRatio * 100).toFixed(1)}% of full snapshots every tick`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env.PARLOR_URL ?? "http://127.0.0.1:3000" },
      games: { type: "string", default: "10" },
      players: { type: "string", default: "8" },
      spectators: { type: "string", default: "0" },
      seconds: { type: "string", default: "30" },
      extrapolate: { type: "string", default: "mixed" },
    },
  });
  const extrapolate = values.extrapolate as ExtrapolateMode;
  if (!EXTRAPOLATE_MODES.includes(extrapolate)) throw new Error(`--extrapolate takes ${EXTRAPOLATE_MODES.join(", ")}`);
  const opts = {
    url: values.url,
    games: Number(values.games),
    players: Number(values.players),
    spectators: Number(values.spectators),
    seconds: Number(values.seconds),
    extrapolate,
  };
  if (![opts.games, opts.players, opts.seconds].every((n) => Number.isFinite(n) && n > 0))
    throw new Error("--games, --players and --seconds take positive numbers");
  if (!Number.isInteger(opts.spectators) || opts.spectators < 0) throw new Error("--spectators takes a whole number");
  // A stuck connection must not keep the script alive: it stops by itself whatever happens.
  setTimeout(
    () => {
      console.error("bots: giving up (the run took far longer than --seconds)");
      process.exit(1);
    },
    (opts.seconds + 60) * 1000,
  ).unref();
  console.log(
    `bots: ${opts.games} games × ${opts.players} players + ${opts.spectators} spectators for ${opts.seconds} s against ${opts.url}`,
  );
  const report = await runBots({ ...opts, onReady: () => console.log("bots: everyone is seated, playing…") });
  console.log(formatReport(report));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
