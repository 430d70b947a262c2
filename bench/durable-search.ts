/**
 * The search line of bench/durable.ts: chat ack latency at a fixed rate on a
 * server holding 100,000 stored messages, in one-second slices that
 * alternate between "a user searches at the allowed rate (20/s)" and "nobody
 * searches", on the same server, so the ratio is the searcher's cost to
 * everyone else.
 *
 * The 100,000 messages are written straight into a SQLite file once (cached in
 * bench/results/, gitignored) and copied for each run: seeding through the
 * server would be most of the benchmark's time.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { migrateSqlite } from "../server/storage/sqlite-schema";
import { connectClients, fixedRate, type BenchSocket, type LoadResult } from "./durable-load";
import { measureLoopDelay, loopDelayProbe, type LoopDelay } from "./lib/loop-delay";
import { RESULTS_DIR } from "./lib/results";
import { startServer } from "./lib/server";
import { Histogram, nowMs } from "./lib/stats";
import { mintTokens } from "./lib/tokens";

export const SEARCH_ROOMS = Array.from({ length: 10 }, (_, i) => `search-${i}`);
/** A mix of what people type: rare words, common prefixes, the pathological one-letter prefix. */
const QUERIES = ["ka*", "lomi", "z*", "te* OR ra*", '"sa ko"', "mo*", "a*", "verin"];
const SYLLABLES = ["ka", "lo", "mi", "te", "ra", "sa", "ko", "ve", "ri", "n", "zu", "pa", "do", "el", "an", "mo"];

function seededDb(count: number): string {
  const file = path.join(RESULTS_DIR, `durable-search-seed-${count}.db`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const tmp = `${file}.tmp`;
  fs.rmSync(tmp, { force: true });
  const db = new Database(tmp);
  db.pragma("journal_mode = WAL");
  migrateSqlite(db);
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const word = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => SYLLABLES[Math.floor(rnd() * SYLLABLES.length)]).join("");
  const insert = db.prepare(
    "INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id) VALUES (?, ?, ?, 'u_seed', 'seed', ?, ?, NULL)",
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const room = SEARCH_ROOMS[i % SEARCH_ROOMS.length];
      insert.run(`m_seed${i}`, room, Math.floor(i / SEARCH_ROOMS.length) + 1, Array.from({ length: 30 }, word).join(" "), Date.now());
    }
    const perRoom = db.prepare("INSERT INTO rooms (name, last_seq) VALUES (?, ?)");
    for (const room of SEARCH_ROOMS) perRoom.run(room, Math.ceil(count / SEARCH_ROOMS.length));
    // Rows inserted here bypass the store's writer, which keeps the full-text index itself: index them all.
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  fs.renameSync(tmp, file);
  return file;
}

export interface SearchLine {
  withSearcher: LoadResult;
  without: LoadResult;
  searches: { answered: number; refused: number; errors: number; codes: Record<string, number>; p50: number; p99: number };
  loopDelay: { withSearcher: LoopDelay[]; without: LoopDelay[] };
  seedSeconds: number;
}

/** Sends a search every 1000/rate ms until `stop()`; collects answers. */
function searcher(socket: BenchSocket, rate: number) {
  const latency = new Histogram();
  const codes: Record<string, number> = {};
  let answered = 0;
  let n = 0;
  const pending: Promise<void>[] = [];
  const timer = setInterval(() => {
    const t0 = nowMs();
    const q = QUERIES[n++ % QUERIES.length];
    pending.push(
      socket
        .timeout(10_000)
        .emitWithAck("message:search", { q })
        .then((ack) => {
          if (ack.ok) {
            answered++;
            latency.add(nowMs() - t0);
          } else codes[ack.error.code] = (codes[ack.error.code] ?? 0) + 1;
        })
        .catch(() => void (codes.timeout = (codes.timeout ?? 0) + 1)),
    );
  }, 1000 / rate);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return { answered, codes, latency };
    },
  };
}

/** Runs the search line against a fresh group-commit synchronous=FULL server. */
export async function searchLine(opts: {
  rate: number;
  slices: number;
  messages: number;
  searchRate: number;
  clients: number;
}): Promise<SearchLine> {
  const t0 = nowMs();
  const seed = seededDb(opts.messages);
  const seedSeconds = (nowMs() - t0) / 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-search-"));
  const dbFile = path.join(dir, "parlor.db");
  fs.copyFileSync(seed, dbFile);
  const delayFile = path.join(dir, "loop-delay.json");
  const probe = loopDelayProbe(delayFile);
  const server = await startServer("parlor", {
    nodeArgs: probe.nodeArgs,
    env: {
      ...probe.env,
      PARLOR_DB: dbFile,
      PARLOR_SQLITE_SYNC: "FULL",
      PARLOR_GROUP_COMMIT: "1",
      PARLOR_RATE_PER_SEC: "1000000000",
      PARLOR_RATE_BURST: "1000000000",
      DATABASE_URL: "",
      PARLOR_REDIS_URL: "",
    },
  });
  try {
    const clients = await connectClients(server.url, mintTokens(server.secret, opts.clients, "ds"));
    const [token] = mintTokens(server.secret, 1, "searcher");
    const socket: BenchSocket = io(`${server.url}/chat`, {
      auth: { token },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
    for (const room of SEARCH_ROOMS) await socket.timeout(10_000).emitWithAck("room:join", { room });
    // Warm-up: the first searches read the index from disk.
    for (const q of QUERIES) await socket.timeout(10_000).emitWithAck("message:search", { q });
    await fixedRate(clients, opts.rate, 0.5);

    const withSearcher = new Histogram();
    const without = new Histogram();
    const totals = { with: { acked: 0, errors: 0, seconds: 0 }, without: { acked: 0, errors: 0, seconds: 0 } };
    const delays: SearchLine["loopDelay"] = { withSearcher: [], without: [] };
    const searchLatency = new Histogram();
    const codes: Record<string, number> = {};
    let answered = 0;
    for (let s = 0; s < opts.slices * 2; s++) {
      const searching = s % 2 === 0;
      const active = searching ? searcher(socket, opts.searchRate) : undefined;
      const { result, delay } = await measureLoopDelay(server, delayFile, () => fixedRate(clients, opts.rate, 1));
      const out = await active?.stop();
      if (out) {
        answered += out.answered;
        searchLatency.merge(out.latency.toJSON());
        for (const [k, v] of Object.entries(out.codes)) codes[k] = (codes[k] ?? 0) + v;
      }
      (searching ? withSearcher : without).merge(result.latency.toJSON());
      const t = searching ? totals.with : totals.without;
      t.acked += result.acked;
      t.errors += result.errors;
      t.seconds += result.seconds;
      (searching ? delays.withSearcher : delays.without).push(delay);
    }
    socket.close();
    for (const c of clients) c.socket.close();
    const refused = codes.RATE_LIMITED ?? 0;
    const errors = Object.values(codes).reduce((a, b) => a + b, 0) - refused;
    const load = (h: Histogram, t: typeof totals.with): LoadResult => ({ ...t, latency: h, generatorCpuPct: NaN });
    return {
      withSearcher: load(withSearcher, totals.with),
      without: load(without, totals.without),
      searches: { answered, refused, errors, codes, p50: searchLatency.percentile(50), p99: searchLatency.percentile(99) },
      loopDelay: delays,
      seedSeconds,
    };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
