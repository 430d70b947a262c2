/**
 * The SQLite store runs its SQL on worker threads, on a real file: a heavy
 * search leaves the main event loop free, a search over its budget is a
 * clear error (not INTERNAL), thousands of rooms are one bound value, and a
 * dead thread or a deleted file makes the store unhealthy and its calls fail
 * at once instead of hanging.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openSqliteStore, type SqliteStore } from "../../server/storage/sqlite";
import { tempDir } from "../helpers";
import { eventually } from "../durability/support";

const ada = { id: "u_ada", name: "Ada" };
const ROOMS = Array.from({ length: 10 }, (_, i) => `r${i}`);
/** Matches most words of every message: a search that costs tens of ms over this data set. */
const HEAVY = "a* OR e* OR i* OR o* OR u*";

let file: string;
let store: SqliteStore;

/** Deterministic filler text: 40 random words per message. */
function texts(count: number): string[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const word = () => Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(rnd() * 26)]).join("");
  return Array.from({ length: count }, () => Array.from({ length: 40 }, word).join(" "));
}

beforeAll(async () => {
  file = path.join(tempDir("parlor-threads-"), "parlor.db");
  store = openSqliteStore(file, { synchronous: "NORMAL", searchBudgetMs: 10_000 });
  await Promise.all(texts(1500).map((text, i) => store.appendMessage({ room: ROOMS[i % ROOMS.length], user: ada, text })));
});
afterAll(() => store.close());

test("a heavy search runs on its thread: the main event loop keeps its timers on time meanwhile", async () => {
  const searchThread = store.threads().search.worker;
  const elu0 = searchThread.performance.eventLoopUtilization();
  let worstLateMs = 0;
  let ticks = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstLateMs = Math.max(worstLateMs, now - last - 5);
    last = now;
    ticks++;
  }, 5);
  const t0 = performance.now();
  const results = await store.search(HEAVY, ROOMS, 20);
  const tookMs = performance.now() - t0;
  clearInterval(timer);
  const busyMs = searchThread.performance.eventLoopUtilization(elu0).active;

  expect(results).toHaveLength(20);
  expect(results[0].snippet).toMatch(/\[\w+\]/);
  // The work happened on the search thread, and the main loop ticked throughout.
  expect(busyMs).toBeGreaterThan(tookMs * 0.5);
  expect(ticks).toBeGreaterThanOrEqual(Math.floor(tookMs / 5 / 3));
  expect(worstLateMs).toBeLessThan(Math.max(25, tookMs / 2));
});

test("a search over its budget answers RATE_LIMITED 'search took too long', and the next search works", async () => {
  const hurried = openSqliteStore(file, { searchBudgetMs: 2 });
  try {
    await expect(hurried.search(HEAVY, ROOMS, 20)).rejects.toMatchObject({
      name: "AppError",
      code: "RATE_LIMITED",
      message: "search took too long; narrow the query",
      details: { reason: "timeout" },
    });
    expect(await hurried.search("zzzzzzzz", ROOMS, 20)).toEqual([]);
    expect(hurried.health()).toEqual({ ok: true });
  } finally {
    await hurried.close();
  }
});

test("33,000 rooms are one JSON value, not 33,000 SQL variables", async () => {
  const many = [...Array.from({ length: 33_000 }, (_, i) => `room-${i}`), "r3"];
  const results = await store.search("a*", many, 5);
  expect(results).toHaveLength(5);
  expect(new Set(results.map((r) => r.message.room))).toEqual(new Set(["r3"]));
});

test("the database file deleted under the store: health() turns false with a reason", async () => {
  const dir = tempDir("parlor-deleted-");
  const doomed = openSqliteStore(path.join(dir, "parlor.db"), { fileCheckMs: 20 });
  try {
    await doomed.appendMessage({ room: "lobby", user: ada, text: "before" });
    expect(doomed.health()).toEqual({ ok: true });
    fs.rmSync(path.join(dir, "parlor.db"));
    await eventually(() => !doomed.health().ok, "the store reports the deleted file");
    expect(doomed.health()).toEqual({ ok: false, reason: "database file was deleted" });
  } finally {
    await doomed.close();
  }
});

test("the database file replaced by another: health() turns false", async () => {
  const dir = tempDir("parlor-replaced-");
  const target = path.join(dir, "parlor.db");
  const replaced = openSqliteStore(target, { fileCheckMs: 20 });
  try {
    fs.writeFileSync(path.join(dir, "other.db"), "");
    fs.renameSync(path.join(dir, "other.db"), target);
    await eventually(() => !replaced.health().ok, "the store reports the replaced file");
    expect(replaced.health().reason).toBe("database file was replaced");
  } finally {
    await replaced.close();
  }
});

test("the writer thread dies: pending and later writes are rejected (no hang), health() is false, reads still answer", async () => {
  const dir = tempDir("parlor-crashed-");
  const crashed = openSqliteStore(path.join(dir, "parlor.db"));
  try {
    await crashed.appendMessage({ room: "lobby", user: ada, text: "stored" });
    const pending = crashed.appendMessage({ room: "lobby", user: ada, text: "in flight" });
    await crashed.threads().writer.worker.terminate();
    await expect(pending).rejects.toThrow(/message store thread exited/);
    await expect(crashed.appendMessage({ room: "lobby", user: ada, text: "after" })).rejects.toThrow(/message store thread exited/);
    expect(crashed.health()).toMatchObject({ ok: false, reason: expect.stringMatching(/thread exited/) });
    expect((await crashed.recentMessages("lobby", 10)).items.map((m) => m.text)).toEqual(["stored"]);
  } finally {
    await crashed.close();
  }
});
