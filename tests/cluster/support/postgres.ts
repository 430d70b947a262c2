/**
 * A throwaway PostgreSQL server (initdb + postgres from PATH, or Debian's
 * /usr/lib/postgresql/<version>/bin) in a temp dir on a free port, fsync off.
 * PostgreSQL refuses to run as root; as root (CI, containers) it runs as the
 * `postgres` user (or `nobody`), which then owns the temp dir.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { findBinary, freePort, spawnLogged, waitUntil } from "./processes";

const DEBIAN_DIRS = ["/usr/lib/postgresql/*/bin"];

export interface PostgresServer {
  /** The `postgres` database; use createDatabase() for one per test file. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** uid/gid to run as: ourselves, or an unprivileged account when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
      const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
    } catch {
      // no such user
    }
  }
  throw new Error("running as root and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * @example
 * const pg = await startPostgres();
 * const url = await pg.createDatabase("seq_test");
 * await pg.stop();
 */
export async function startPostgres(): Promise<PostgresServer> {
  const initdb = findBinary("initdb", DEBIAN_DIRS);
  const postgres = findBinary("postgres", DEBIAN_DIRS);
  const user = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-pg-"));
  const data = path.join(dir, "data");
  if (user) chownTree(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const port = await freePort();
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });

  const init = spawnLogged(initdb, ["-D", data, "-U", "parlor", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], as);
  const { code } = await init.exited;
  if (code !== 0) {
    cleanup();
    throw new Error(`initdb failed (${code}):\n${init.output()}`);
  }
  const server = spawnLogged(
    postgres,
    [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    as,
  );
  const url = `postgres://parlor@127.0.0.1:${port}/postgres`;
  // Fast shutdown (SIGINT): sessions end, no checkpoint wait worth having in a test.
  const stop = async () => {
    await server.stop("SIGINT", 5000);
    cleanup();
  };
  try {
    await waitUntil("postgres", () => canConnect(url), 20_000, server.output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    async createDatabase(name) {
      const admin = new Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, "_")}"`);
      } finally {
        await admin.end();
      }
      return `postgres://parlor@127.0.0.1:${port}/${name.replace(/[^a-z0-9_]/g, "_")}`;
    },
    stop,
  };
}
