/**
 * Parlor nodes for cluster tests: in-process (createParlor through the usual
 * `setup()`, fast, for most tests) or a child process running server/index.ts
 * (when the test needs to SIGKILL or SIGTERM a real process).
 */
import path from "node:path";
import { setup, testConfig, UNLIMITED_EVENTS, type TestServer } from "../../helpers";
import type { Config } from "../../../server/config";
import { freePort, spawnLogged, waitUntil, type Spawned } from "./processes";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** The secret every test node shares, so a token from one node is valid on the others. */
export const CLUSTER_SECRET = testConfig().secret!;

/**
 * An in-process node of a cluster: same secret as the others, its own node id,
 * no event rate limit unless `overrides` sets one.
 *
 * @example
 * const a = await startNode("a", { redisUrl: redis.url, dbPath });
 */
export function startNode(nodeId: string, overrides: Partial<Config>): Promise<TestServer> {
  return setup({ ...UNLIMITED_EVENTS, nodeId, ...overrides });
}

export interface NodeProcess extends Spawned {
  url: string;
  nodeId: string;
}

/**
 * server/index.ts in a child process (tsx), listening on a free port; resolves
 * once `/healthz` answers 200.
 *
 * @example
 * const node = await spawnNode("a", { PARLOR_REDIS_URL: redis.url, PARLOR_DB: dbFile });
 * await node.stop("SIGKILL");
 */
export async function spawnNode(nodeId: string, env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const proc = spawnLogged(process.execPath, ["--import", "tsx", path.join(ROOT, "server", "index.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PARLOR_SECRET: CLUSTER_SECRET,
      PARLOR_NODE_ID: nodeId,
      PARLOR_RATE_PER_SEC: "100000",
      PARLOR_RATE_BURST: "100000",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      `node ${nodeId}`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`node ${nodeId} exited: ${proc.output()}`);
        return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
      },
      30_000,
      proc.output,
    );
  } catch (err) {
    await proc.stop("SIGKILL");
    throw err;
  }
  return { ...proc, url, nodeId };
}
