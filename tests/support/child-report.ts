/**
 * Attackers and load that need CPU run in their own process: `node -e SOURCE`
 * with the repository as cwd (so `require("socket.io-client")` resolves),
 * printing `START\n` when the load begins and one JSON report when done.
 */
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Runs `source` with `args`; resolves with its JSON report (rejects on a
 * non-zero exit, a `fatal` field or after `timeoutMs`). `onStart` runs at `START`.
 *
 * @example
 * const report = await runChildReport<FloodReport>(SOURCE, [url, token], 30_000, () => started.resolve());
 */
export function runChildReport<R extends object>(
  source: string,
  args: string[],
  timeoutMs: number,
  onStart: () => void = () => undefined,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", source, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let started = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!started && out.startsWith("START\n")) {
        started = true;
        out = out.slice("START\n".length);
        onStart();
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(out) as R & { fatal?: string };
        if (code !== 0 || parsed.fatal) throw new Error(parsed.fatal ?? `exit ${code}`);
        resolve(parsed);
      } catch (e) {
        reject(new Error(`child process failed (${(e as Error).message}): ${err.slice(0, 500)} ${out.slice(0, 300)}`));
      }
    });
  });
}
