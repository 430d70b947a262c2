/** Recorded rounds in the PostgreSQL store against a real server: the same behaviour as SQLite (tests/storage/rounds-behaviour.ts). */
import { openPostgresStore } from "../../server/storage/postgres";
import { roundStoreBehaviour } from "../storage/rounds-behaviour";
import { startPostgres, type PostgresServer } from "./support/postgres";

let pg: PostgresServer;
let url: string;

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase("rounds_test");
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

roundStoreBehaviour(() => openPostgresStore(url));
