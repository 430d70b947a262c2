/** Entry point: read config, create Parlor, listen, stop cleanly on SIGINT/SIGTERM. */
import { createParlor } from "./app";
import { loadConfig } from "./config";

async function main() {
  const config = loadConfig();
  const parlor = await createParlor(config);
  const port = await parlor.listen();
  parlor.log.info(
    { port, db: config.databaseUrl ? "postgres" : config.dbPath, redis: Boolean(config.redisUrl) },
    `Parlor listening on http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now": give up on the graceful path.
      parlor.log.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    parlor.log.info({ signal }, "shutting down");
    // close() bounds each of its waits; this bounds the whole, whatever hangs (a stuck database, say).
    const deadline = setTimeout(
      () => {
        parlor.log.error({ afterMs: config.shutdownTimeoutMs * 2 }, "shutdown did not finish in time: exiting");
        process.exit(1);
      },
      config.shutdownTimeoutMs * 2 + 1000,
    );
    deadline.unref();
    parlor.close().then(
      () => process.exit(0),
      (err) => {
        parlor.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
