/**
 * Configuration: environment variables parsed once with zod into a typed Config.
 * Every variable is documented in the README's Configuration section.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./security/client-address";
import type { JwtConfig } from "./auth/jwt";

const int = (def: number) => z.coerce.number().int().min(0).default(def);
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

const EnvSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default("127.0.0.1"),
  PARLOR_DB: z.string().default("./data/parlor.db"),
  PARLOR_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, "PARLOR_SECRET must be at least 16 characters").optional()),
  /** Token lifetime in seconds (default 12 h). */
  PARLOR_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(1, "PARLOR_TOKEN_TTL must be at least 1 second")
    .default(12 * 60 * 60),
  PARLOR_ALLOWED_ORIGINS: z.string().default(""),
  PARLOR_MAX_PAYLOAD: int(64 * 1024),
  PARLOR_RATE_PER_SEC: int(20),
  PARLOR_RATE_BURST: int(40),
  /** New sessions (POST /api/session) per client IP per minute. */
  PARLOR_SESSION_RATE: int(30),
  PARLOR_NODE_ID: z.string().default(`${os.hostname()}-${process.pid}`),
  PARLOR_REDIS_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How long a disconnected game player keeps the seat (ms). */
  PARLOR_GAME_RESERVATION_MS: int(30_000),
  /** Pause between `game:over` and the next round (ms). */
  PARLOR_GAME_RESTART_MS: int(3000),
  /** The score that wins an Orbs round. */
  PARLOR_GAME_WIN_SCORE: z.coerce.number().int().min(1).default(10),
  /** Recorded rounds kept per game (the newest; older ones are deleted as new ones are stored). */
  PARLOR_GAME_REPLAYS_PER_GAME: z.coerce.number().int().min(1).default(20),
  /** SQLite `synchronous`: FULL (default) survives power loss, NORMAL only a process crash. */
  PARLOR_SQLITE_SYNC: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toUpperCase() : undefined),
    z.enum(["FULL", "NORMAL"]).default("FULL"),
  ),
  /** 1 (default): writes of one event-loop turn share a transaction; 0: one transaction per write. */
  PARLOR_GROUP_COMMIT: z.enum(["0", "1"]).default("1"),
  /**
   * Socket.IO connection state recovery window (ms); 0 (default) turns it off.
   * Off by default: `sinceSeq` is the guarantee, and recovery appends an offset
   * argument to every server event that non-JS clients trip over.
   */
  PARLOR_RECOVERY_MS: int(0),
  /** Cluster presence: a node silent for this long (ms) is presumed dead and its members removed. */
  PARLOR_PRESENCE_TTL_MS: z.coerce.number().int().min(100).default(15_000),
  /** Graceful shutdown: most time (ms) to let events in flight finish before closing anyway. */
  PARLOR_SHUTDOWN_TIMEOUT_MS: int(10_000),
  /** SQLite: a search that runs longer is stopped and answered RATE_LIMITED (reason "timeout"). */
  PARLOR_SEARCH_BUDGET_MS: z.coerce.number().int().min(10).default(1000),
  // --- transport & HTTP hardening (server/security/{host,connections,slow-consumers}.ts, /metrics) ---
  /** A socket with more unsent bytes than this (engine queue + socket buffers) is disconnected. */
  PARLOR_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Extra Host names accepted while bound to loopback (DNS rebinding check), comma-separated. */
  PARLOR_ALLOWED_HOSTS: z.string().default(""),
  /** Express `trust proxy`: "" off, "true", a hop count, or addresses/subnets/presets ("loopback"). */
  PARLOR_TRUST_PROXY: z.string().default(""),
  /** Open Engine.IO connections per client address. */
  PARLOR_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  /** Open Engine.IO connections on this process (below the file descriptor limit). */
  PARLOR_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(15_000),
  /** Bearer token required by GET /metrics when set. */
  PARLOR_METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, "PARLOR_METRICS_TOKEN must be at least 16 characters").optional(),
  ),
  // --- end transport & HTTP hardening ---
  // --- event budgets and per-user caps (server/security/event-budget.ts, features) ---
  /** `/system` events per second per connection, and its burst. */
  PARLOR_SYSTEM_RATE_PER_SEC: int(10),
  PARLOR_SYSTEM_RATE_BURST: int(20),
  /** `/system` events per second per client address (all its connections), and its burst. */
  PARLOR_SYSTEM_ADDRESS_RATE_PER_SEC: int(50),
  PARLOR_SYSTEM_ADDRESS_BURST: int(100),
  /** `game:input` per second per connection, and its burst; the excess is dropped before validation. */
  PARLOR_INPUT_RATE_PER_SEC: int(60),
  PARLOR_INPUT_BURST: int(120),
  /** Sockets per user per namespace on this node; the next handshake is refused. */
  PARLOR_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(20),
  /** Chat rooms a user may be in at once. */
  PARLOR_MAX_ROOMS_PER_USER: z.coerce.number().int().min(1).default(100),
  /** Open games a user may have created (until each is disposed). */
  PARLOR_MAX_GAMES_PER_USER: z.coerce.number().int().min(1).default(3),
  /** Most entries in a `room:list` / `game:list` reply. */
  PARLOR_MAX_LIST: z.coerce.number().int().min(1).default(100),
  /** A repeated `typing: true` within this many ms of the last one relayed is not relayed again. */
  PARLOR_TYPING_COALESCE_MS: int(3000),
  // --- end event budgets and caps ---
  // --- Socket.IO Admin UI (server/admin/) ---
  /*
   * PARLOR_ADMIN_PASSWORD      unset (off)   turns the Admin UI on: the `/admin` namespace and the UI at /admin/,
   *                                          both behind this password (≥ 12 chars). Unset: neither exists.
   * PARLOR_ADMIN_USER          "admin"       the username that goes with it
   * PARLOR_ADMIN_MODE          development   "development": the UI lists sockets, rooms and events (every event is
   *                                          relayed to /admin, payloads included); "production": counters only
   * PARLOR_ADMIN_READONLY      1             1: look only; 0: the UI may also disconnect sockets and join/leave rooms
   * PARLOR_ADMIN_MAX_FAILED_LOGINS  10       failed admin logins per client address per 15 minutes, HTTP and socket
   *                                          together; past it both answer "retry later" (429 over HTTP)
   */
  PARLOR_ADMIN_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(12, "PARLOR_ADMIN_PASSWORD must be at least 12 characters").optional(),
  ),
  PARLOR_ADMIN_USER: z.preprocess(emptyAsUndefined, z.string().min(1).default("admin")),
  PARLOR_ADMIN_MODE: z.preprocess(emptyAsUndefined, z.enum(["development", "production"]).default("development")),
  PARLOR_ADMIN_READONLY: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("1")),
  PARLOR_ADMIN_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).default(10),
  // --- end Socket.IO Admin UI ---
  // --- identity: JWTs from the application's backend, guests (server/auth/) ---
  /*
   * PARLOR_JWT_SECRET       unset   HS256 secret shared with your backend (≥ 32 bytes); JWTs signed with it are accepted
   * PARLOR_JWT_PUBLIC_KEY   unset   RS256 (RSA) or ES256 (P-256) public key: SPKI PEM text ("\n" escapes allowed) or a
   *                                 path to a PEM file; the key's type picks the algorithm
   * PARLOR_JWT_ISSUER       unset   when set, a JWT's `iss` must equal it
   * PARLOR_JWT_AUDIENCE     unset   when set, a JWT's `aud` must contain it
   * PARLOR_GUESTS           1       0: POST /api/session answers 403 FORBIDDEN (JWT users only); guest tokens already
   *                                 issued stop working too
   */
  PARLOR_JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((s) => Buffer.byteLength(s, "utf8") >= 32, "PARLOR_JWT_SECRET must be at least 32 bytes")
      .optional(),
  ),
  PARLOR_JWT_PUBLIC_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  PARLOR_JWT_ISSUER: z.preprocess(emptyAsUndefined, z.string().optional()),
  PARLOR_JWT_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().optional()),
  PARLOR_GUESTS: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("1")),
  // --- end identity ---
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
  /** `POST /api/session` per client IP. */
  sessionRateLimit: { perMinute: number };
  nodeId: string;
  redisUrl?: string;
  databaseUrl?: string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  /** `/game`: how long a disconnected player keeps seat, position and score. */
  gameReservationMs: number;
  /** `/game`: pause between `game:over` and the next round. */
  gameRestartMs: number;
  /** `/game`: the score that wins a round. */
  gameWinScore: number;
  /** `/game`: recorded rounds kept per game. */
  gameReplaysPerGame: number;
  /** SQLite durability per commit: FULL survives power loss, NORMAL survives a process crash. */
  sqliteSync: "FULL" | "NORMAL";
  /** Batch the writes of one event-loop turn into one transaction (acks still wait for the commit). */
  groupCommit: boolean;
  /** How long Socket.IO keeps a dropped connection's rooms and missed events (0 = off). */
  recoveryMs: number;
  /** Cluster presence (Redis): how long a silent node's members stay listed. */
  presenceTtlMs: number;
  /** Graceful shutdown: how long events in flight get to finish. */
  shutdownTimeoutMs: number;
  /** SQLite: the time budget of one search (ms). */
  searchBudgetMs: number;
  // --- transport & HTTP hardening ---
  /** Unsent bytes (engine queue + transport buffers) past which a socket is disconnected as a slow consumer. */
  maxBufferedBytes: number;
  /** Host names accepted besides the loopback names while bound to a loopback address. */
  allowedHosts: string[];
  /** Express `trust proxy` semantics, for `req.ip` and handshake addresses alike. */
  trustProxy: TrustProxy;
  /** Engine.IO connections per client address (with or without a token). */
  maxConnectionsPerAddress: number;
  /** Engine.IO connections on this process. */
  maxConnections: number;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  // --- end transport & HTTP hardening ---
  // --- event budgets and per-user caps ---
  limits: Limits;
  // --- end event budgets and caps ---
  // --- Socket.IO Admin UI ---
  /** Set when PARLOR_ADMIN_PASSWORD is: the Admin UI and its `/admin` namespace are on. */
  admin?: AdminConfig;
  // --- end Socket.IO Admin UI ---
  // --- identity ---
  identity: IdentityConfig;
  // --- end identity ---
}

// --- identity ---
/** Who may connect: JWTs from the application's backend (server/auth/jwt.ts) and guests (POST /api/session). */
export interface IdentityConfig {
  /** Absent when no JWT key is configured: then only guest tokens exist. */
  jwt?: JwtConfig;
  /** Whether POST /api/session issues guest tokens and guest tokens are accepted. */
  guests: boolean;
}
// --- end identity ---

// --- Socket.IO Admin UI ---
/** The Admin UI (server/admin/admin-ui.ts). */
export interface AdminConfig {
  username: string;
  password: string;
  /** "development" lists sockets, rooms and events; "production" sends counters only. */
  mode: "development" | "production";
  /** When true the UI cannot disconnect sockets or change their rooms. */
  readonly: boolean;
  /** Failed logins per client address per 15 minutes (HTTP and socket together). */
  maxFailedLogins: number;
  /** This node's name in the UI's Servers view. */
  serverId: string;
}
// --- end Socket.IO Admin UI ---

/** A token-bucket budget: `perSecond` sustained, `burst` at once. */
export interface Budget {
  perSecond: number;
  burst: number;
}

/** Event budgets and per-user caps (README "Limits"). */
export interface Limits {
  /** `/system` events, per connection and per client address. */
  system: { perConnection: Budget; perAddress: Budget };
  /** `game:input` per connection, checked before validation. */
  gameInput: Budget;
  maxSocketsPerUser: number;
  maxRoomsPerUser: number;
  maxGamesPerUser: number;
  /** Most entries in a `room:list` / `game:list` reply. */
  maxListItems: number;
  typingCoalesceMs: number;
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
    allowedOrigins: e.PARLOR_ALLOWED_ORIGINS.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    maxPayloadBytes: e.PARLOR_MAX_PAYLOAD,
    rateLimit: { perSecond: e.PARLOR_RATE_PER_SEC, burst: e.PARLOR_RATE_BURST },
    sessionRateLimit: { perMinute: e.PARLOR_SESSION_RATE },
    nodeId: e.PARLOR_NODE_ID,
    redisUrl: e.PARLOR_REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    gameReservationMs: e.PARLOR_GAME_RESERVATION_MS,
    gameRestartMs: e.PARLOR_GAME_RESTART_MS,
    gameWinScore: e.PARLOR_GAME_WIN_SCORE,
    gameReplaysPerGame: e.PARLOR_GAME_REPLAYS_PER_GAME,
    sqliteSync: e.PARLOR_SQLITE_SYNC,
    groupCommit: e.PARLOR_GROUP_COMMIT === "1",
    recoveryMs: e.PARLOR_RECOVERY_MS,
    presenceTtlMs: e.PARLOR_PRESENCE_TTL_MS,
    shutdownTimeoutMs: e.PARLOR_SHUTDOWN_TIMEOUT_MS,
    searchBudgetMs: e.PARLOR_SEARCH_BUDGET_MS,
    // --- transport & HTTP hardening ---
    maxBufferedBytes: e.PARLOR_MAX_BUFFERED_BYTES,
    allowedHosts: e.PARLOR_ALLOWED_HOSTS.split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: parseTrustProxy(e.PARLOR_TRUST_PROXY),
    maxConnectionsPerAddress: e.PARLOR_MAX_CONNECTIONS_PER_ADDRESS,
    maxConnections: e.PARLOR_MAX_CONNECTIONS,
    metricsToken: e.PARLOR_METRICS_TOKEN,
    // --- end transport & HTTP hardening ---
    // --- event budgets and per-user caps ---
    limits: {
      system: {
        perConnection: { perSecond: e.PARLOR_SYSTEM_RATE_PER_SEC, burst: e.PARLOR_SYSTEM_RATE_BURST },
        perAddress: { perSecond: e.PARLOR_SYSTEM_ADDRESS_RATE_PER_SEC, burst: e.PARLOR_SYSTEM_ADDRESS_BURST },
      },
      gameInput: { perSecond: e.PARLOR_INPUT_RATE_PER_SEC, burst: e.PARLOR_INPUT_BURST },
      maxSocketsPerUser: e.PARLOR_MAX_SOCKETS_PER_USER,
      maxRoomsPerUser: e.PARLOR_MAX_ROOMS_PER_USER,
      maxGamesPerUser: e.PARLOR_MAX_GAMES_PER_USER,
      maxListItems: e.PARLOR_MAX_LIST,
      typingCoalesceMs: e.PARLOR_TYPING_COALESCE_MS,
    },
    // --- end event budgets and caps ---
    // --- Socket.IO Admin UI ---
    admin: e.PARLOR_ADMIN_PASSWORD
      ? {
          username: e.PARLOR_ADMIN_USER,
          password: e.PARLOR_ADMIN_PASSWORD,
          mode: e.PARLOR_ADMIN_MODE,
          readonly: e.PARLOR_ADMIN_READONLY === "1",
          maxFailedLogins: e.PARLOR_ADMIN_MAX_FAILED_LOGINS,
          serverId: e.PARLOR_NODE_ID,
        }
      : undefined,
    // --- end Socket.IO Admin UI ---
    // --- identity ---
    identity: {
      jwt:
        e.PARLOR_JWT_SECRET || e.PARLOR_JWT_PUBLIC_KEY
          ? {
              secret: e.PARLOR_JWT_SECRET,
              publicKey: e.PARLOR_JWT_PUBLIC_KEY,
              issuer: e.PARLOR_JWT_ISSUER,
              audience: e.PARLOR_JWT_AUDIENCE,
            }
          : undefined,
      guests: e.PARLOR_GUESTS === "1",
    },
    // --- end identity ---
  };
}

/** A config for tests and embedding: defaults plus overrides, no environment read. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
