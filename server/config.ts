/**
 * Configuration: environment variables parsed once with zod into a typed Config.
 * Every variable is documented in the README's Configuration section.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const int = (def: number) => z.coerce.number().int().min(0).default(def);
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

const EnvSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default("127.0.0.1"),
  PARLOR_DB: z.string().default("./data/parlor.db"),
  PARLOR_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, "PARLOR_SECRET must be at least 16 characters").optional()),
  /** Token lifetime in seconds (default 12 h). */
  PARLOR_TOKEN_TTL: int(12 * 60 * 60),
  PARLOR_ALLOWED_ORIGINS: z.string().default(""),
  PARLOR_MAX_PAYLOAD: int(64 * 1024),
  PARLOR_RATE_PER_SEC: int(20),
  PARLOR_RATE_BURST: int(40),
  PARLOR_NODE_ID: z.string().default(`${os.hostname()}-${process.pid}`),
  PARLOR_REDIS_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How long a disconnected game player keeps the seat (ms). */
  PARLOR_GAME_RESERVATION_MS: int(30_000),
  /** Pause between `game:over` and the next round (ms). */
  PARLOR_GAME_RESTART_MS: int(3000),
});

export interface Config {
  port: number;
  host: string;
  /** SQLite file; its folder is the data folder (created on start). */
  dbPath: string;
  /** HMAC secret for session tokens; generated and kept in the data folder when unset. */
  secret?: string;
  tokenTtlMs: number;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  rateLimit: { perSecond: number; burst: number };
  nodeId: string;
  redisUrl?: string;
  databaseUrl?: string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  /** `/game`: how long a disconnected player keeps seat, position and score. */
  gameReservationMs: number;
  /** `/game`: pause between `game:over` and the next round. */
  gameRestartMs: number;
}

/** Parses `env` (default `process.env`); throws a readable error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: path.resolve(e.PARLOR_DB),
    secret: e.PARLOR_SECRET,
    tokenTtlMs: e.PARLOR_TOKEN_TTL * 1000,
    allowedOrigins: e.PARLOR_ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    maxPayloadBytes: e.PARLOR_MAX_PAYLOAD,
    rateLimit: { perSecond: e.PARLOR_RATE_PER_SEC, burst: e.PARLOR_RATE_BURST },
    nodeId: e.PARLOR_NODE_ID,
    redisUrl: e.PARLOR_REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    gameReservationMs: e.PARLOR_GAME_RESERVATION_MS,
    gameRestartMs: e.PARLOR_GAME_RESTART_MS,
  };
}

/** A config for tests and embedding: defaults plus overrides, no environment read. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
