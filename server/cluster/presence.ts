/**
 * Presence for a node: in memory on a single node, in Redis on a cluster,
 * where members left behind by a dead node are announced by whichever node
 * notices, like any other member leaving.
 */
import type { Namespace } from "socket.io";
import { createMemoryPresence } from "../features/presence/memory";
import { createRedisPresence } from "../features/presence/redis";
import type { Presence } from "../features/presence/types";
import type { Logger } from "../logger";
import type { User } from "../protocol";
import { chatRoom } from "../realtime/rooms";
import type { RedisConnections } from "./redis";

type Emit = (event: string, ...args: unknown[]) => boolean;

/**
 * @example
 * const presence = await openPresence(chat, redis, { nodeId: "a", ttlMs: 15_000 }, log);
 */
export async function openPresence(
  chat: Namespace,
  redis: RedisConnections | undefined,
  opts: { nodeId: string; ttlMs: number },
  log: Logger,
): Promise<Presence> {
  if (!redis) return createMemoryPresence();
  const announce = (event: "room:member-left" | "room:member-joined") => (changes: { room: string; user: User }[]) => {
    for (const { room, user } of changes) (chat.to(chatRoom(room)).emit as Emit)(event, { room, user });
  };
  return createRedisPresence({
    client: redis.client,
    nodeId: opts.nodeId,
    ttlMs: opts.ttlMs,
    onExpired(left) {
      log.info({ members: left.length }, "presence: removed members of a node presumed dead");
      announce("room:member-left")(left);
    },
    onRestored(joined) {
      log.warn({ members: joined.length }, "presence: this node was presumed dead (stalled past the TTL); its members are back");
      announce("room:member-joined")(joined);
    },
    onError: (err) => log.warn({ err }, "presence heartbeat failed"),
  });
}
