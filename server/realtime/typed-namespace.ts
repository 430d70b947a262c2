/**
 * Socket.IO's own types given Parlor's contracts: a namespace typed by its
 * contract checks every `emit` and every `on` against it, so no call site
 * needs a cast (see server/protocol/contract.ts).
 */
import type { Namespace, Socket } from "socket.io";
import type { ChatContract, ClientEvents, GameContract, NamespaceContract, ServerEvents, SystemContract } from "../protocol";
import type { SocketData } from "./auth";

export type { SocketData };

/** Parlor's nodes send each other nothing through Socket.IO (presence goes through Redis). */
export type InterServerEvents = Record<never, never>;

/** A namespace typed by its contract. */
export type TypedNamespace<C extends NamespaceContract, D = SocketData> = Namespace<ClientEvents<C>, ServerEvents<C>, InterServerEvents, D>;
/** A socket of such a namespace. */
export type TypedSocket<C extends NamespaceContract, D = SocketData> = Socket<ClientEvents<C>, ServerEvents<C>, InterServerEvents, D>;

export type ChatNamespace = TypedNamespace<ChatContract>;
export type GameNamespace = TypedNamespace<GameContract>;
/** `/system` has no user: no token, no socket data. */
export type SystemNamespace = TypedNamespace<SystemContract, Record<string, never>>;
