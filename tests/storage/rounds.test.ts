/** Recorded rounds in the SQLite store: a real file, closed and opened again (the reads and writes run in its threads). */
import path from "node:path";
import { openSqliteStore } from "../../server/storage/sqlite";
import { tempDir } from "../helpers";
import { roundStoreBehaviour } from "./rounds-behaviour";

const file = path.join(tempDir("parlor-rounds-"), "parlor.db");
roundStoreBehaviour(async () => openSqliteStore(file));
