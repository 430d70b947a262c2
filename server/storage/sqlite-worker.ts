/**
 * A SQLite store thread (worker_threads): the writer owns the only write
 * connection and runs the group-commit queue; a reader answers history and
 * search on a connection of its own. Started by sqlite-thread.ts.
 *
 * The writer answers once per commit, in one message: every write of a batch
 * is acknowledged together, after the transaction that stored it, so the
 * main thread acks only stored messages and pays one message per batch.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { createWriteQueue } from "./group-commit";
import { prepareFtsIndex } from "./sqlite-fts-index";
import { prepareLifecycleWrites } from "./sqlite-lifecycle-writes";
import { prepareModerationReads } from "./sqlite-moderation-reads";
import { prepareModerationWrites } from "./sqlite-moderation-writes";
import { prepareReadState } from "./sqlite-read-state";
import { prepareReads } from "./sqlite-reads";
import { prepareRoomGuards } from "./sqlite-room-guards";
import { prepareRoundReads, prepareRoundWrites } from "./sqlite-rounds";
import {
  isRefusal,
  isStorageFault,
  serializeError,
  type Request,
  type Response,
  type ThreadData,
  type WorkerMessage,
} from "./sqlite-thread-protocol";
import { migrateSqlite } from "./sqlite-schema";
import { prepareWrites } from "./sqlite-writes";

const data = workerData as ThreadData;
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

/** Linux: a thread is a task with its own nice value; /proc/thread-self names it. Best effort elsewhere. */
function lowerPriority(nice: number): void {
  try {
    const tid = Number(path.basename(fs.readlinkSync("/proc/thread-self")));
    if (Number.isInteger(tid)) os.setPriority(tid, nice);
  } catch {
    // not Linux, or not allowed: run at normal priority
  }
}

function openWriter(): Database.Database {
  fs.mkdirSync(path.dirname(data.file), { recursive: true });
  const db = new Database(data.file);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${data.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  db.pragma("busy_timeout = 5000");
  migrateSqlite(db);
  return db;
}

function openReader(): Database.Database {
  const db = new Database(data.file, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  // A reader never writes, even by mistake.
  db.pragma("query_only = ON");
  return db;
}

function signalReady(message: WorkerMessage, ok: boolean): void {
  data.openPort?.postMessage(message);
  data.openPort?.close();
  if (!data.ready) return;
  const flag = new Int32Array(data.ready);
  Atomics.store(flag, 0, ok ? 1 : 2);
  Atomics.notify(flag, 0);
}

function runWriter(db: Database.Database): (req: Request) => void {
  const fts = prepareFtsIndex(db);
  const guards = prepareRoomGuards(db);
  const queue = createWriteQueue(db, {
    group: data.groupCommit,
    maxBatch: data.maxBatch,
    hooks: {
      begin() {
        fts.begin();
        guards.begin();
      },
      end: () => fts.end(),
      rolledBack: () => guards.rolledBack(),
    },
  });
  const ops = {
    ...prepareWrites(db, fts),
    ...prepareLifecycleWrites(db, fts),
    ...prepareRoundWrites(db),
    ...prepareModerationWrites(db, fts, guards),
  } as unknown as Record<string, (...args: unknown[]) => unknown>;
  // Answers collected during one turn are posted together (one message per batch).
  let outbox: Response[] = [];
  const send = () => {
    if (outbox.length === 0) return;
    const responses = outbox;
    outbox = [];
    post({ type: "responses", responses, stats: queue.stats() });
  };
  let fault = false;
  return (req) => {
    if (req.op === "close") {
      // Writes already queued were promised a commit: make it, then answer
      // them and the close together (their callbacks run before this immediate).
      queue.flush();
      db.close();
      setImmediate(() => {
        outbox.push({ id: req.id, ok: true, value: null });
        send();
        port.close();
      });
      return;
    }
    const op = ops[req.op];
    const done = (r: Response) => {
      if (outbox.length === 0) setImmediate(send);
      outbox.push(r);
    };
    queue
      .submit(() => op(...req.args))
      .then(
        (value) => done(isRefusal(value) ? { id: req.id, ok: false, error: value.parlorRefusal } : { id: req.id, ok: true, value }),
        (err) => {
          const error = serializeError(err);
          if (!fault && isStorageFault(error.sqliteCode)) {
            fault = true;
            post({ type: "fault", reason: `commit failed: ${error.sqliteCode}: ${error.message}` });
          }
          done({ id: req.id, ok: false, error });
        },
      );
  };
}

function runReader(db: Database.Database): (req: Request) => void {
  const reads = {
    ...prepareReads(db),
    ...prepareReadState(db),
    ...prepareRoundReads(db),
    ...prepareModerationReads(db),
  } as unknown as Record<string, (...args: unknown[]) => unknown>;
  return (req) => {
    let response: Response;
    try {
      if (req.op === "close") {
        db.close();
        response = { id: req.id, ok: true, value: null };
      } else response = { id: req.id, ok: true, value: reads[req.op](...req.args) };
    } catch (err) {
      response = { id: req.id, ok: false, error: serializeError(err) };
    }
    post({ type: "responses", responses: [response] });
    if (req.op === "close") port.close();
  };
}

let handle: (req: Request) => void;
try {
  const db = data.role === "writer" ? openWriter() : openReader();
  handle = data.role === "writer" ? runWriter(db) : runReader(db);
} catch (err) {
  signalReady({ type: "opened", error: serializeError(err) }, false);
  // The message survives the thread boundary; an Error's own fields may not.
  throw new Error(`cannot open ${data.file}: ${serializeError(err).message}`, { cause: err });
}
if (data.nice) lowerPriority(data.nice);
port.on("message", (batch: Request[]) => batch.forEach(handle));
signalReady({ type: "opened" }, true);
