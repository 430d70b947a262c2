/**
 * The owner side of games across a cluster: this node's games, played by
 * sockets of other nodes. Each such socket is a stand-in connection here
 * (keyed by its socket id, unique in the cluster) that the rooms seat like
 * any other; the transport reaches the real socket through the adapter.
 * The requests come from the socket's own node, which has already validated
 * and budgeted them (cluster.ts).
 */
import { AppError } from "../../errors";
import type { GameBus } from "../../cluster/game-bus";
import type { Direction, User } from "../../protocol";
import type { GameManager } from "./manager";
import type { GameRoom } from "./room";
import type { ClusterTransport, GameConnection } from "./transport";

/** What a node asks a game's owner to do for one of its sockets (the bus `op` and its `args`). */
export type HostRequest =
  | { op: "join"; args: { gameId: string; socketId: string; user: User; extrapolate?: boolean } }
  | { op: "spectate"; args: { gameId: string; socketId: string; extrapolate?: boolean } }
  | { op: "leave" | "disconnect"; args: { socketId: string } }
  | { op: "input"; args: { socketId: string; seq: number; dir: Direction } };
export type HostOp = HostRequest["op"];
export const HOST_OPS: readonly string[] = ["join", "spectate", "leave", "disconnect", "input"] satisfies HostOp[];

/** Another node's socket in one of this node's games. */
interface Stand {
  connection: GameConnection;
  /** The node holding the socket. */
  node: string;
  /** The game it was last seated or watching in. */
  gameId: string;
}

export class GameHost {
  private readonly stands = new Map<string, Stand>();

  constructor(
    private readonly init: {
      games: GameManager;
      transport: ClusterTransport;
      bus: GameBus;
      /** Writes a game's registry entry (its counts changed). */
      publish(room: GameRoom | undefined): Promise<void>;
    },
  ) {}

  /** Serves one request from node `from`; the answer goes back to it (join and spectate: the owner's snapshot). */
  async serve({ op, args }: HostRequest, from: string): Promise<unknown> {
    const { games, publish } = this.init;
    switch (op) {
      case "input": {
        const stand = this.stands.get(args.socketId);
        if (stand) games.input(stand.connection, args.seq, args.dir);
        return undefined;
      }
      case "join": {
        const stand = this.standFor(args.socketId, from);
        const data = games.join(args.gameId, args.user, stand.connection, { extrapolate: args.extrapolate });
        stand.gameId = args.gameId;
        await publish(games.get(args.gameId));
        return data;
      }
      case "spectate": {
        const stand = this.standFor(args.socketId, from);
        const data = games.spectate(args.gameId, stand.connection, { extrapolate: args.extrapolate });
        stand.gameId = args.gameId;
        await publish(games.get(args.gameId));
        return data;
      }
      case "leave":
      case "disconnect": {
        const stand = this.stands.get(args.socketId);
        if (!stand) return {};
        const { seat, spectating } = stand.connection;
        const room = games.get(seat?.gameId ?? spectating?.gameId ?? "");
        if (op === "leave") games.leave(stand.connection);
        else games.disconnect(stand.connection);
        this.drop(args.socketId);
        await publish(room);
        return {};
      }
      default:
        throw new AppError("BAD_REQUEST", `unknown game request "${op as string}"`);
    }
  }

  /** Nodes with sockets in game `gameId` (in any of this node's games without it). */
  nodesIn(gameId?: string): Set<string> {
    const nodes = new Set<string>();
    for (const s of this.stands.values()) if (gameId === undefined || s.gameId === gameId) nodes.add(s.node);
    return nodes;
  }

  /**
   * Node `node` is gone without a word (killed): its sockets are treated as
   * dropped — seats held for the reservation time, spectating ended.
   */
  async nodeLost(node: string): Promise<void> {
    const rooms = new Set<GameRoom>();
    for (const [id, s] of this.stands) {
      if (s.node !== node) continue;
      const room = this.init.games.get(s.connection.seat?.gameId ?? s.connection.spectating?.gameId ?? "");
      if (room) rooms.add(room);
      this.init.games.disconnect(s.connection);
      this.drop(id);
    }
    for (const room of rooms) await this.init.publish(room);
  }

  /** Forgets stand-ins whose seat and spectating are both gone (game disposed, seat taken over by another tab, refused join). */
  sweep(): void {
    for (const [id, s] of this.stands) if (!s.connection.seat && !s.connection.spectating) this.drop(id);
  }

  /** The stand-in for `socketId` (a new one reaches nothing until a room seats it). */
  private standFor(socketId: string, node: string): Stand {
    let stand = this.stands.get(socketId);
    if (!stand) {
      stand = { connection: { id: socketId }, node, gameId: "" };
      this.stands.set(socketId, stand);
      this.init.transport.addRemote(socketId);
    }
    return stand;
  }

  private drop(socketId: string): void {
    if (!this.stands.delete(socketId)) return;
    this.init.transport.removeRemote(socketId);
  }
}
