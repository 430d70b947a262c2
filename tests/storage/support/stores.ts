/**
 * Both message stores for behaviour tests written once: a real SQLite file
 * (worker threads and all) and a real PostgreSQL server. PostgreSQL is never
 * skipped: without its binaries startPostgres() throws, and the test fails
 * (under CI=true the error says so), as in tests/cluster/postgres-store.test.ts.
 *
 * This file stays free of tests/helpers (and so of the app): a storage test
 * needs nothing but the store.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPostgresStore } from "../../../server/storage/postgres";
import { openSqliteStore } from "../../../server/storage/sqlite";
import type { MessageStore } from "../../../server/storage/types";
import { startPostgres, type PostgresServer } from "../../cluster/support/postgres";

export type StoreKind = "sqlite" | "postgres";
/** For `describe.each(STORE_KINDS)`. */
export const STORE_KINDS: StoreKind[] = ["sqlite", "postgres"];

export const tempFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parlor-storage-")), name);

/**
 * A fresh store of `kind` for the enclosing describe block (opened before
 * its tests, closed after); returns a getter for it.
 *
 * @example
 * describe.each(STORE_KINDS)("%s", (kind) => {
 *   const store = useStore(kind);
 *   test("...", async () => { await store().appendMessage(...) });
 * });
 */
export function useStore(kind: StoreKind): () => MessageStore {
  let store: MessageStore | undefined;
  let pg: PostgresServer | undefined;
  beforeAll(async () => {
    if (kind === "sqlite") {
      store = openSqliteStore(tempFile("parlor.db"), { synchronous: "NORMAL" });
    } else {
      pg = await startPostgres();
      store = await openPostgresStore(await pg.createDatabase("storage_test"));
    }
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await pg?.stop();
  });
  return () => {
    if (!store) throw new Error(`the ${kind} store did not open`);
    return store;
  };
}

/** What a store call rejected with, as `{ code, message }` (AppError) for toMatchObject. */
export async function refusal(p: Promise<unknown>): Promise<{ name?: string; code?: string; message?: string; details?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error("expected the call to be refused");
}

export const ann = { id: "u_ann", name: "Ann" };
export const ben = { id: "u_ben", name: "Ben" };
export const cat = { id: "u_cat", name: "Cat" };

/** A room name no other test uses. */
let rooms = 0;
export const freshRoom = (label: string) => `${label}-${++rooms}`;
