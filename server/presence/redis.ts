/**
 * Cluster-wide presence in Redis. Every socket entry is tagged with the node
 * that holds it, and every node keeps a heartbeat key with a TTL; when a node
 * stops beating (crash, SIGKILL, partition), any other node removes its
 * entries, so a dead node leaves no ghosts for longer than about the TTL.
 *
 * "First socket" and "last socket" are decided inside Lua scripts, so two
 * nodes adding or removing a user's tabs at once cannot both (or neither)
 * announce a join or a leave. Scripts touch keys they build from a prefix,
 * which a single Redis allows (not a Redis Cluster).
 *
 * Keys under `prefix`:
 * - `s:<room>:<user>`  set of `<node>\n<socket>`: the user's sockets in the room
 * - `m:<room>`         hash user id -> user JSON: the members (one per user)
 * - `rooms`            hash room -> member count
 * - `u:<user>`         set of rooms the user is in
 * - `n:<node>`         set of `<room>\n<user>\n<socket>`: what a node holds, for reaping
 * - `alive:<node>`     heartbeat, expires after the TTL
 * - `nodes`            set of node ids that may hold entries
 */
import type { User } from "../protocol";
import { luaScript, type RedisClient } from "../cluster/redis";
import type { Presence } from "./types";

/** Removes one socket entry; returns the user JSON when it was the user's last socket in the room. */
const DROP = `
local function drop(P, room, uid, node, sid)
  redis.call('SREM', P..'n:'..node, room..'\\n'..uid..'\\n'..sid)
  local sockets = P..'s:'..room..':'..uid
  if redis.call('SREM', sockets, node..'\\n'..sid) == 0 then return false end
  if redis.call('SCARD', sockets) > 0 then return false end
  local members = P..'m:'..room
  local user = redis.call('HGET', members, uid)
  redis.call('HDEL', members, uid)
  redis.call('SREM', P..'u:'..uid, room)
  if redis.call('HINCRBY', P..'rooms', room, -1) <= 0 then redis.call('HDEL', P..'rooms', room) end
  return user
end
`;

const ADD = luaScript(`
local P, room, uid, ujson, node, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
redis.call('SADD', P..'nodes', node)
redis.call('SADD', P..'n:'..node, room..'\\n'..uid..'\\n'..sid)
redis.call('SADD', P..'s:'..room..':'..uid, node..'\\n'..sid)
if redis.call('HSETNX', P..'m:'..room, uid, ujson) == 0 then return 0 end
redis.call('HINCRBY', P..'rooms', room, 1)
redis.call('SADD', P..'u:'..uid, room)
return 1
`);

const REMOVE = luaScript(`${DROP}
if drop(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 1 end
return 0
`);

/** Removes every entry of a node whose heartbeat is gone (or any node when forced); returns room, user JSON pairs that left. */
const REAP = luaScript(`${DROP}
local P, node, force = ARGV[1], ARGV[2], ARGV[3]
if force ~= '1' and redis.call('EXISTS', P..'alive:'..node) == 1 then return {} end
local left = {}
for _, entry in ipairs(redis.call('SMEMBERS', P..'n:'..node)) do
  local room, uid, sid = string.match(entry, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
  local user = drop(P, room, uid, node, sid)
  if user then
    table.insert(left, room)
    table.insert(left, user)
  end
end
redis.call('DEL', P..'n:'..node)
redis.call('SREM', P..'nodes', node)
return left
`);

/** Renews the heartbeat; returns whether it was still there (false: this node was presumed dead). */
const BEAT = luaScript(`
local P, node, ttl = ARGV[1], ARGV[2], ARGV[3]
redis.call('SADD', P..'nodes', node)
return redis.call('SET', P..'alive:'..node, '1', 'PX', ttl, 'GET') and 1 or 0
`);

export interface RedisPresenceOptions {
  client: RedisClient;
  /** Unique per running node: two live nodes with one id would remove each other's members. */
  nodeId: string;
  /** A node whose heartbeat is older than this is presumed dead and its entries removed. */
  ttlMs: number;
  /** Key prefix (default `parlor:presence:`). */
  prefix?: string;
  /** Users that left because the node holding their last socket was presumed dead (announce them). */
  onExpired?(left: { room: string; user: User }[]): void;
  /** Users whose entries came back after this node had been presumed dead (announce them). */
  onRestored?(joined: { room: string; user: User }[]): void;
  onError?(err: unknown): void;
}

/** Presence plus what only the cluster version has. */
export interface RedisPresence extends Presence {
  /** Runs one heartbeat and one sweep for dead nodes now (the timers do this every TTL/3). */
  sweep(): Promise<void>;
}

/**
 * @example
 * const presence = await createRedisPresence({ client: redis.client, nodeId: "a", ttlMs: 15_000,
 *   onExpired: (left) => announceLeft(left) });
 */
export async function createRedisPresence(opts: RedisPresenceOptions): Promise<RedisPresence> {
  const { client, nodeId, ttlMs } = opts;
  const P = opts.prefix ?? "parlor:presence:";
  // This node's own entries, to answer isMember without a round trip and to restore them after a false death.
  const local = new Map<string, { room: string; user: User; socketId: string }>();
  const localMembers = new Map<string, number>();
  const memberKey = (room: string, userId: string) => `${room}\n${userId}`;
  const remember = (room: string, user: User, socketId: string) => {
    const key = `${memberKey(room, user.id)}\n${socketId}`;
    if (local.has(key)) return;
    local.set(key, { room, user, socketId });
    localMembers.set(memberKey(room, user.id), (localMembers.get(memberKey(room, user.id)) ?? 0) + 1);
  };
  const forget = (room: string, userId: string, socketId: string) => {
    if (!local.delete(`${memberKey(room, userId)}\n${socketId}`)) return;
    const n = (localMembers.get(memberKey(room, userId)) ?? 1) - 1;
    if (n > 0) localMembers.set(memberKey(room, userId), n);
    else localMembers.delete(memberKey(room, userId));
  };

  const add = async (room: string, user: User, socketId: string) =>
    (await ADD(client, [], [P, room, user.id, JSON.stringify(user), nodeId, socketId])) === 1;

  const beat = async () => {
    const alive = (await BEAT(client, [], [P, nodeId, String(ttlMs)])) === 1;
    if (alive || local.size === 0) return;
    // Another node reaped us (we stalled for longer than the TTL) while our sockets stayed connected: put them back.
    const joined: { room: string; user: User }[] = [];
    for (const e of [...local.values()]) if (await add(e.room, e.user, e.socketId)) joined.push({ room: e.room, user: e.user });
    if (joined.length > 0) opts.onRestored?.(joined);
  };

  const reapDead = async () => {
    const nodes = await client.sMembers(`${P}nodes`);
    for (const node of nodes) {
      if (node === nodeId) continue;
      const left = (await REAP(client, [], [P, node, "0"])) as string[];
      if (left.length > 0) opts.onExpired?.(pairs(left));
    }
  };

  const sweep = async () => {
    await beat();
    await reapDead();
  };

  // Entries under our id now are a previous run's (a restart that kept its node id, like a
  // container restarting in the same pod): we hold no sockets yet, so they are ghosts.
  const leftovers = pairs((await REAP(client, [], [P, nodeId, "1"])) as string[]);
  if (leftovers.length > 0) opts.onExpired?.(leftovers);
  await beat();
  // Beat three times per TTL, so one late timer does not get a live node reaped.
  const timer = setInterval(() => sweep().catch((err) => opts.onError?.(err)), Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    async add(room, user, socketId) {
      remember(room, user, socketId);
      return add(room, user, socketId);
    },
    async remove(room, userId, socketId) {
      forget(room, userId, socketId);
      return (await REMOVE(client, [], [P, room, userId, nodeId, socketId])) === 1;
    },
    async isMember(room, userId) {
      // Our own entries are always in Redis too, so a local hit needs no round trip (the send hot path).
      return localMembers.has(memberKey(room, userId)) || (await client.hExists(`${P}m:${room}`, userId)) === 1;
    },
    async members(room) {
      return (await client.hVals(`${P}m:${room}`)).map((json) => JSON.parse(json) as User);
    },
    async rooms() {
      const counts = await client.hGetAll(`${P}rooms`);
      return Object.entries(counts)
        .map(([room, n]) => ({ room, members: Number(n) }))
        .filter((r) => r.members > 0);
    },
    async roomsOf(userId) {
      return client.sMembers(`${P}u:${userId}`);
    },
    sweep,
    async close() {
      clearInterval(timer);
      local.clear();
      localMembers.clear();
      if (!client.isReady) return;
      // Whatever this node still holds goes now; the caller has disconnected its sockets already.
      const left = (await REAP(client, [], [P, nodeId, "1"])) as string[];
      if (left.length > 0) opts.onExpired?.(pairs(left));
      await client.del(`${P}alive:${nodeId}`);
    },
  };
}

/** `[room, userJson, room, userJson, ...]` from a script into records. */
function pairs(flat: string[]): { room: string; user: User }[] {
  const out: { room: string; user: User }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ room: flat[i], user: JSON.parse(flat[i + 1]) as User });
  return out;
}
