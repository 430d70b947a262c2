/**
 * What the SQLite store's main side and its worker threads say to each other
 * (sqlite-thread.ts <-> sqlite-worker.ts), and how an error crosses the
 * thread boundary: structured clone keeps only plain data, so an AppError is
 * sent as its code, message and details and rebuilt on the main side.
 */
import type { MessagePort } from "node:worker_threads";
import { AppError } from "../errors";
import type { ErrorCode } from "../protocol";
import type { CommitStats } from "./group-commit";
import type { SqliteSync } from "./sqlite-options";

/** What a thread is for: the writer owns the only write connection; readers never write. */
export type ThreadRole = "writer" | "reader";

export interface ThreadData {
  role: ThreadRole;
  file: string;
  synchronous: SqliteSync;
  groupCommit: boolean;
  maxBatch?: number;
  /** Int32 flag the main thread waits on while the writer opens and migrates (0 pending, 1 ready, 2 failed). */
  ready?: SharedArrayBuffer;
  /** Where the writer says whether it opened (read synchronously with receiveMessageOnPort). */
  openPort?: MessagePort;
  /** Lower this thread's CPU priority (searches must not starve the chat path on a small machine). */
  nice?: number;
  /** The compiled or TypeScript worker module, for the source-mode loader. */
  entry: string;
  /** From source: the worker's modules compiled to JavaScript, by path (sqlite-thread-source.ts). */
  sources?: Record<string, string>;
}

export interface Request {
  id: number;
  op: string;
  args: unknown[];
}

export interface SerializedError {
  message: string;
  /** better-sqlite3's SQLITE_* code, when there is one. */
  sqliteCode?: string;
  /** Set when the error is an AppError meant for the client. */
  appCode?: ErrorCode;
  details?: unknown;
}

export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** Worker -> main: answers (one message per commit from the writer), and faults the store must know about. */
export type WorkerMessage =
  | { type: "responses"; responses: Response[]; stats?: CommitStats }
  | { type: "fault"; reason: string }
  | { type: "opened"; error?: SerializedError };

/**
 * A write's answer "no" (a client error) returned rather than thrown, so the
 * group commit neither rolls back nor re-runs the batch (sqlite-writes.ts).
 * The writer thread sends it as a failed response.
 */
export interface Refusal {
  parlorRefusal: SerializedError;
}
export type Refusable<T> = T | Refusal;

/** @example return refuse(refusals.messageNotFound); */
export const refuse = (r: { code: ErrorCode; message: string; details?: unknown }): Refusal => ({
  parlorRefusal: { message: r.message, appCode: r.code, ...(r.details === undefined ? {} : { details: r.details }) },
});

export const isRefusal = (value: unknown): value is Refusal => typeof value === "object" && value !== null && "parlorRefusal" in value;

export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) return { message: err.message, appCode: err.code, details: err.details };
  const e = err as { message?: unknown; code?: unknown };
  return {
    message: typeof e?.message === "string" ? e.message : String(err),
    ...(typeof e?.code === "string" ? { sqliteCode: e.code } : {}),
  };
}

/** An Error again: AppError for client errors, otherwise an Error carrying the SQLite code as `code`. */
export function deserializeError(e: SerializedError): Error {
  if (e.appCode !== undefined) return new AppError(e.appCode, e.message, e.details);
  return Object.assign(new Error(e.message), e.sqliteCode === undefined ? {} : { code: e.sqliteCode });
}

/**
 * Errors that mean the database can no longer keep what it is given (the
 * disk, the file or its lock, not one bad row): the store turns unhealthy.
 * A busy lock held by another process is not one of them.
 */
export const isStorageFault = (code: string | undefined) =>
  code !== undefined && /^SQLITE_(IOERR|FULL|CORRUPT|NOTADB|READONLY|CANTOPEN|PROTOCOL)/.test(code);
