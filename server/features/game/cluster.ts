/**
 * Games shared by a cluster (PARLOR_REDIS_URL): what the `/game` handlers
 * call instead of the node's GameManager when the node is part of one.
 *
 * A game runs on the node that created it (its owner): the loop, the seats,
 * the spectator count (so the cap holds cluster-wide). The registry tells
 * every node where each game lives; a connection to a game of another node
 * is a stand-in connection on the owner (a "proxy", keyed by the socket id,
 * which is unique in the cluster), and the owner reaches the real socket
 * through the Socket.IO adapter: per-player deltas to the socket id's room,
 * snapshots and `game:over` to the game's room, which the owner makes the
 * remote socket join (`socketsJoin`). Inputs, leaves and disconnects go to
 * the owner on the bus, after the socket's own node has validated and
 * budgeted them.
 *
 * When the owner stops, its games end with `game:over { reason:
 * "node_stopped" }` and leave the registry at once; when it dies, their
 * entries expire within the TTL and the nodes whose sockets were in them end
 * those games for them (`reason: "node_lost"`).
 */
import { AppError } from "../../errors";
import type { GameBus, BusRequest } from "../../cluster/game-bus";
import type { GameEntry, GameRegistry } from "../../cluster/game-registry";
import {
  GAME_OVER_REASONS,
  type Direction,
  type GameCreateInput,
  type GameJoinData,
  type GameOverReason,
  type GameSummary,
  type User,
} from "../../protocol";
import { GameHost, HOST_OPS, type HostRequest } from "./cluster-host";
import { standing, type GameManager, type GameSpectateData } from "./manager";
import type { GameRoom, SeatOptions } from "./room";
import { spectatorGroup, type ClusterTransport, type GameConnection } from "./transport";

export interface GameClusterInit {
  nodeId: string;
  games: GameManager;
  transport: ClusterTransport;
  registry: GameRegistry;
  bus: GameBus;
  onError?(err: unknown): void;
}

export class GameCluster {
  private readonly games: GameManager;
  /** The owner side: other nodes' sockets in this node's games. */
  private readonly host: GameHost;
  /** This node's connections in other nodes' games, and the last entry seen of each such game. */
  private readonly away = new Set<GameConnection>();
  private readonly lastSeen = new Map<string, GameEntry>();
  private readonly createdAt = new Map<string, number>();
  /** Connections whose socket is gone: a seat granted to one while the request was in flight is given up at once. */
  private readonly gone = new WeakSet<GameConnection>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly init: GameClusterInit) {
    this.games = init.games;
    this.host = new GameHost({ games: init.games, transport: init.transport, bus: init.bus, publish: (room) => this.publish(room) });
    init.bus.serve((req) => this.serve(req));
    this.games.watchRooms({
      created: (room) => {
        this.createdAt.set(room.id, Date.now());
        this.publish(room).catch((err: unknown) => this.init.onError?.(err));
      },
      disposed: (room) => {
        this.createdAt.delete(room.id);
        this.init.registry.remove([room.id]).catch((err: unknown) => this.init.onError?.(err));
        // The nodes whose sockets were in it forget it quietly (an entry that vanishes unannounced means its node died).
        if (this.stopped) return;
        for (const node of this.host.nodesIn(room.id)) this.init.bus.send(node, "ended", { gameIds: [room.id] });
        this.host.sweep();
      },
    });
  }

  /** Listens on the bus and starts the heartbeat (every TTL/3, so one late timer does not expire a live game). */
  async start(): Promise<void> {
    // Entries under this node's id now are a previous run's (a restart that kept its id): their games are gone.
    const leftovers = (await this.init.registry.list()).filter((e) => e.node === this.init.nodeId);
    await this.init.registry.remove(leftovers.map((e) => e.summary.id));
    await this.init.bus.start();
    this.timer = setInterval(
      () => this.beat().catch((err: unknown) => this.init.onError?.(err)),
      Math.max(50, Math.floor(this.init.registry.ttlMs / 3)),
    );
    this.timer.unref();
  }

  /**
   * Graceful stop: every game of this node ends for everyone in it, on any
   * node (`game:over { reason }`), and leaves the registry now; the nodes that
   * had sockets in them forget those seats.
   */
  async stop(reason: GameOverReason = GAME_OVER_REASONS.nodeStopped): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    const ids = this.games.all().map((r) => r.id);
    const nodes = this.host.nodesIn();
    // Out of the list first: whoever hears the game:over and asks for the list no longer finds them.
    await this.init.registry.remove(ids).catch((err: unknown) => this.init.onError?.(err));
    this.games.endAll(reason);
    for (const node of nodes) this.init.bus.send(node, "ended", { gameIds: ids });
    await this.init.bus.stop();
  }

  /** `game:list`: every node's games, oldest first (this node's with their live counts). */
  async list(limit: number): Promise<{ games: GameSummary[]; hasMore: boolean }> {
    const entries = await this.init.registry.list();
    const games = entries.slice(0, limit).map((e) => this.games.get(e.summary.id)?.summary() ?? e.summary);
    return { games, hasMore: entries.length > limit };
  }

  /** `game:create`: the game runs here; it is listed on every node once this resolves. */
  async create(input: GameCreateInput, creatorId: string): Promise<GameSummary> {
    const room = this.games.create(input, {}, creatorId);
    await this.publish(room);
    return room.summary();
  }

  /** `game:join` from any node, whichever node runs the game. */
  async join(gameId: string, user: User, connection: GameConnection, options: SeatOptions = {}): Promise<GameJoinData> {
    const room = this.games.get(gameId);
    if (room) {
      const data = this.games.join(gameId, user, connection, options);
      await this.releaseAway(connection);
      await this.publish(room);
      return data;
    }
    const entry = await this.ownerOf(gameId);
    const data = await this.init.bus.request<GameJoinData>(entry.node, "join", {
      gameId,
      socketId: connection.id,
      user: { id: user.id, name: user.name },
      extrapolate: options.extrapolate,
    } satisfies Extract<HostRequest, { op: "join" }>["args"]);
    await this.goAway(connection, entry, "seat");
    return data;
  }

  /**
   * `game:quickplay` across the cluster: a seat the user holds on any node,
   * else the open game with the most players and a free seat (the oldest on
   * a tie), else a new game here.
   */
  async quickplay(user: User, connection: GameConnection, options: SeatOptions = {}): Promise<GameJoinData> {
    const entries = (await this.init.registry.list()).map((e) => this.live(e));
    const held = entries.find((e) => e.users.includes(user.id));
    if (held) return this.join(held.summary.id, user, connection, options);
    let best: GameEntry | undefined;
    for (const e of entries) {
      if (e.summary.players >= e.summary.maxPlayers) continue;
      if (!best || e.summary.players > best.summary.players) best = e;
    }
    if (best) {
      try {
        return await this.join(best.summary.id, user, connection, options);
      } catch (err) {
        // Filled or ended since the list was read: a new game, as when there is none.
        if (!(err instanceof AppError) || (err.code !== "CONFLICT" && err.code !== "NOT_FOUND")) throw err;
      }
    }
    return this.join(this.games.create({}, {}, user.id).id, user, connection, options);
  }

  /** `game:spectate` from any node; the owner counts spectators, so the cap is cluster-wide. */
  async spectate(gameId: string, connection: GameConnection, options: SeatOptions = {}): Promise<GameSpectateData> {
    const room = this.games.get(gameId);
    if (room) {
      const data = this.games.spectate(gameId, connection, options);
      await this.releaseAway(connection);
      await this.publish(room);
      return data;
    }
    const entry = await this.ownerOf(gameId);
    const data = await this.init.bus.request<GameSpectateData>(entry.node, "spectate", {
      gameId,
      socketId: connection.id,
      extrapolate: options.extrapolate,
    } satisfies Extract<HostRequest, { op: "spectate" }>["args"]);
    await this.goAway(connection, entry, "spectator");
    return data;
  }

  /** `game:leave`: here and, for a game of another node, there (answered once the owner has freed the seat). */
  async leave(connection: GameConnection): Promise<void> {
    const room = this.localRoomOf(connection);
    this.games.leave(connection);
    if (room) await this.publish(room);
    await this.releaseAway(connection);
  }

  /** The socket is gone: its seat is held on whichever node runs its game. */
  disconnect(connection: GameConnection): void {
    this.gone.add(connection);
    const room = this.localRoomOf(connection);
    this.games.disconnect(connection);
    if (room) this.publish(room).catch((err: unknown) => this.init.onError?.(err));
    const away = connection.remote;
    if (!away) return;
    this.forget(connection);
    this.init.bus.send(away.node, "disconnect", { socketId: connection.id });
  }

  /** `game:input`, already validated and budgeted on this node: applied here or sent to the owner. */
  input(connection: GameConnection, seq: number, dir: Direction): void {
    const away = connection.remote;
    if (away?.as === "seat")
      this.init.bus.send(away.node, "input", { socketId: connection.id, seq, dir } satisfies Extract<HostRequest, { op: "input" }>["args"]);
    else this.games.input(connection, seq, dir);
  }

  /** A replay started on this node: a seat or spectating elsewhere ends, as a local one does. */
  releaseAway(connection: GameConnection): Promise<void> {
    const away = connection.remote;
    if (!away) return Promise.resolve();
    this.forget(connection);
    return this.init.bus.request(away.node, "leave", { socketId: connection.id }).then(
      () => undefined,
      () => undefined, // the owner is gone: so is the seat
    );
  }

  /** What other nodes ask: the owner side's requests, and notices about their games. */
  private serve({ op, from, args }: BusRequest): unknown {
    if (op === "ended") {
      // The owner ended these games itself (its game:over reached our sockets, or nobody plays them): forget them quietly.
      const ids = new Set((args as { gameIds: string[] }).gameIds);
      for (const c of [...this.away]) if (ids.has(c.remote!.gameId)) this.forget(c);
      return undefined;
    }
    if (!HOST_OPS.includes(op)) throw new AppError("BAD_REQUEST", `unknown game request "${op}"`);
    return this.host.serve({ op, args } as HostRequest, from);
  }

  private async ownerOf(gameId: string): Promise<GameEntry> {
    const entry = await this.init.registry.get(gameId);
    if (!entry || entry.node === this.init.nodeId) throw new AppError("NOT_FOUND", "no such game", { gameId });
    return entry;
  }

  /** After a seat or spectating in `entry`'s game was granted by its owner: what this connection did here ends. */
  private async goAway(connection: GameConnection, entry: GameEntry, as: "seat" | "spectator"): Promise<void> {
    if (this.gone.has(connection)) {
      // The socket went while the owner was seating it: the seat is held (or the spectating ends) as for any drop.
      this.init.bus.send(entry.node, "disconnect", { socketId: connection.id });
      return;
    }
    const local = this.localRoomOf(connection);
    this.games.leave(connection);
    if (local) await this.publish(local);
    // The same owner moved the stand-in itself; another owner must be told.
    if (connection.remote && connection.remote.node !== entry.node) await this.releaseAway(connection);
    connection.remote = { gameId: entry.summary.id, node: entry.node, as };
    this.away.add(connection);
    this.lastSeen.set(entry.summary.id, entry);
  }

  private forget(connection: GameConnection): void {
    connection.remote = undefined;
    this.away.delete(connection);
  }

  private localRoomOf(connection: GameConnection): GameRoom | undefined {
    const id = connection.seat?.gameId ?? connection.spectating?.gameId;
    return id === undefined ? undefined : this.games.get(id);
  }

  /** The entry of a game of this node as it is now. */
  private entryOf(room: GameRoom): Omit<GameEntry, "expiresAt"> {
    return {
      summary: room.summary(),
      node: this.init.nodeId,
      users: room.users(),
      createdAt: this.createdAt.get(room.id) ?? Date.now(),
      ...standing(room),
    };
  }

  /** An entry with this node's games replaced by their live state. */
  private live(entry: GameEntry): GameEntry {
    const room = entry.node === this.init.nodeId ? this.games.get(entry.summary.id) : undefined;
    return room ? { ...entry, ...this.entryOf(room) } : entry;
  }

  private async publish(room: GameRoom | undefined): Promise<void> {
    if (!room || room.disposed || this.stopped) return;
    await this.init.registry.put([this.entryOf(room)]);
  }

  /**
   * The heartbeat: renews this node's entries (counts changed by the loop,
   * such as an expired reservation, go out here); drops the sockets of nodes
   * that died from this node's games; and ends, for this node's sockets, the
   * games whose entry expired and whose owner no longer listens.
   */
  private async beat(): Promise<void> {
    if (this.stopped) return;
    await this.init.registry.put(this.games.all().map((r) => this.entryOf(r)));
    this.host.sweep();
    // Sockets of a node that died hold seats here as if connected: drop them, so the seats are held and then expire.
    const nodes = [...this.host.nodesIn()];
    const alive = await this.init.bus.listening(nodes);
    for (const node of nodes) if (!alive.has(node)) await this.host.nodeLost(node);
    const games = new Map([...this.away].map((c) => [c.remote!.gameId, c.remote!.node]));
    if (games.size === 0) return;
    const ids = [...games.keys()];
    const entries = await this.init.registry.getMany(ids);
    const missing = ids.filter((id, i) => {
      if (entries[i]) this.lastSeen.set(id, entries[i]);
      return !entries[i];
    });
    if (missing.length === 0) return;
    // A missing entry whose owner still listens is not a lost game (Redis restarted, say): its next heartbeat writes it again.
    const listening = await this.init.bus.listening([...new Set(missing.map((id) => games.get(id)!))]);
    for (const id of missing) if (!listening.has(games.get(id)!)) this.lost(id);
  }

  /** The node running game `id` died: the game ends for this node's sockets in it. */
  private lost(id: string): void {
    const last = this.lastSeen.get(id);
    this.lastSeen.delete(id);
    for (const c of [...this.away]) {
      if (c.remote!.gameId !== id) continue;
      this.forget(c);
      for (const group of [id, spectatorGroup(id, false), spectatorGroup(id, true)]) this.init.transport.leave(c.id, group);
      if (last?.leader) {
        this.init.transport
          .toConnection(c.id)
          ?.emit("game:over", { winner: last.leader, scores: last.scores ?? {}, reason: GAME_OVER_REASONS.nodeLost });
      }
    }
  }
}
