/**
 * Presence for a node: in memory on a single node, in Redis on a cluster,
 * where members left behind by a dead node are reported by whichever node
 * notices. Presence only reports them: the chat membership module announces
 * them like any other member leaving (or coming back).
 */
import type { RedisConnections } from "../cluster/redis";
import type { Logger } from "../logger";
import type { User } from "../protocol";
import { createMemoryPresence } from "./memory";
import { createRedisPresence } from "./redis";
import type { Presence } from "./types";

/** Membership changes no socket's event caused (cluster only). */
export interface PresenceChanges {
  /** Users whose last socket in a room was on a node presumed dead. */
  left(changes: { room: string; user: User }[]): void;
  /** Users back in a room after this node had been presumed dead. */
  joined(changes: { room: string; user: User }[]): void;
}

/**
 * @example
 * const presence = await openPresence(redis, { nodeId: "a", ttlMs: 15_000 }, log, changes);
 */
export async function openPresence(
  redis: RedisConnections | undefined,
  opts: { nodeId: string; ttlMs: number },
  log: Logger,
  changes: PresenceChanges,
): Promise<Presence> {
  if (!redis) return createMemoryPresence();
  return createRedisPresence({
    client: redis.client,
    nodeId: opts.nodeId,
    ttlMs: opts.ttlMs,
    onExpired(left) {
      log.info({ members: left.length }, "presence: removed members of a node presumed dead");
      changes.left(left);
    },
    onRestored(joined) {
      log.warn({ members: joined.length }, "presence: this node was presumed dead (stalled past the TTL); its members are back");
      changes.joined(joined);
    },
    onError: (err) => log.warn({ err }, "presence heartbeat failed"),
  });
}
