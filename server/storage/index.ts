/**
 * Store selection: PostgreSQL when `DATABASE_URL` is set (one database for a
 * whole cluster), otherwise the SQLite file at `PARLOR_DB` (the default).
 */
import type { Config } from "../config";
import type { Logger } from "../logger";
import { openPostgresStore } from "./postgres";
import { openSqliteStore } from "./sqlite";
import type { MessageStore } from "./types";

export type StoreKind = "postgres" | "sqlite";

/**
 * @example
 * const { store, kind } = await openStore(config, log);
 */
export async function openStore(
  config: Pick<Config, "databaseUrl" | "dbPath" | "nodeId" | "sqliteSync" | "groupCommit" | "searchBudgetMs">,
  log?: Logger,
): Promise<{ store: MessageStore; kind: StoreKind }> {
  if (config.databaseUrl) {
    const applicationName = `parlor-${config.nodeId}`.slice(0, 63);
    return { store: await openPostgresStore(config.databaseUrl, { log, applicationName }), kind: "postgres" };
  }
  return {
    store: openSqliteStore(config.dbPath, {
      synchronous: config.sqliteSync,
      groupCommit: config.groupCommit,
      searchBudgetMs: config.searchBudgetMs,
      log,
    }),
    kind: "sqlite",
  };
}
