/**
 * A real nginx (Debian's, from PATH or /usr/sbin) in front of test nodes, in
 * a temp dir on a free port, configured by client/nginx.ts exactly as
 * `npm run cluster` runs it. A missing binary fails the test (findBinary).
 */
import fs from "node:fs";
import { prepareNginx } from "../../../client/nginx";
import { findBinary, freePort, spawnLogged, waitUntil } from "./processes";

/** One line of the access log (the `parlor` JSON format in client/nginx.ts). */
export interface AccessEntry {
  method: string;
  uri: string;
  status: number;
  /** The node that answered, `host:port` (several, comma-separated, when nginx retried). */
  node: string;
  /** The stickiness key: the affinity cookie, or the client address. */
  affinity: string;
}

export interface NginxServer {
  url: string;
  /** Every request logged so far (WebSocket connections are logged when they close). */
  accessLog(): AccessEntry[];
  stop(): Promise<void>;
}

/**
 * @example
 * const lb = await startNginx([new URL(a.url).host, new URL(b.url).host]);
 * await fetch(`${lb.url}/healthz`);
 * await lb.stop();
 */
export async function startNginx(backends: string[]): Promise<NginxServer> {
  const bin = findBinary("nginx", ["/usr/sbin"]);
  const port = await freePort();
  const prepared = prepareNginx({ host: "127.0.0.1", port }, backends);
  const proc = spawnLogged(bin, prepared.args);
  const output = () => {
    const log = fs.existsSync(prepared.errorLog) ? fs.readFileSync(prepared.errorLog, "utf8").slice(-4000) : "";
    return `${proc.output()}\n${log}`;
  };
  const url = `http://127.0.0.1:${port}`;
  // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits.
  const stop = async () => {
    await proc.stop("SIGTERM", 3000);
    prepared.cleanup();
  };
  try {
    await waitUntil(
      "nginx",
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`nginx exited: ${output()}`);
        return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
      },
      10_000,
      output,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    accessLog: () =>
      fs
        .readFileSync(prepared.accessLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessEntry),
    stop,
  };
}
