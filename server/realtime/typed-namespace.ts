/**
 * Socket.IO's own types given Parlor's contracts: a namespace typed by its
 * contract checks every `emit` and every `on` against it, so no call site
 * needs a cast (see server/protocol/contract.ts).
 */
import type { Namespace, Socket } from "socket.io";
import type { ChatContract, ClientEvents, GameContract, NamespaceContract, ServerEvents, SystemContract } from "../protocol";
import type { SocketData } from "./auth";

export type { SocketData };

/**
 * What Parlor's nodes send each other through Socket.IO (presence goes through
 * Redis): a kick or ban asks every node to take the user's local sockets out
 * of a chat room (room-control.ts); each answers how many it removed.
 */
export type InterServerEvents = {
  "chat:remove-user": (room: string, userId: string, ack: (removed: number) => void) => void;
};

/** A namespace typed by its contract. */
export type TypedNamespace<C extends NamespaceContract, D = SocketData> = Namespace<ClientEvents<C>, ServerEvents<C>, InterServerEvents, D>;
/** A socket of such a namespace. */
export type TypedSocket<C extends NamespaceContract, D = SocketData> = Socket<ClientEvents<C>, ServerEvents<C>, InterServerEvents, D>;

export type ChatNamespace = TypedNamespace<ChatContract>;
export type GameNamespace = TypedNamespace<GameContract>;
/** `/system` has no user: no token, no socket data. */
export type SystemNamespace = TypedNamespace<SystemContract, Record<string, never>>;
