/** Entry point: read config, create Parlor, listen, stop cleanly on SIGINT/SIGTERM. */
import { createParlor } from "./app";
import { loadConfig } from "./config";

async function main() {
  const config = loadConfig();
  const parlor = await createParlor(config);
  const port = await parlor.listen();
  parlor.log.info({ port, db: config.dbPath }, `Parlor listening on http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`);
  const stop = (signal: string) => {
    parlor.log.info({ signal }, "shutting down");
    parlor.close().then(
      () => process.exit(0),
      (err) => {
        parlor.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
