/**
 * The only way handlers send events: they publish to rooms or users, never to
 * a socket. Backed by the Socket.IO namespace, so it works across nodes when
 * an adapter (Redis) is installed. Typed by the namespace's server events:
 * `emit` is Socket.IO's own, so a wrong name or payload fails to compile.
 */
import type { DefaultEventsMap, Namespace, Socket } from "socket.io";
import { userRoom } from "./rooms";

/** Where a published event goes: Socket.IO's typed `emit` of a broadcast. */
export type Emitter<M extends DefaultEventsMap> = Pick<ReturnType<Namespace<DefaultEventsMap, M>["to"]>, "emit">;

export interface PublishOptions {
  /** Leave out the socket whose event is being handled (it gets the data in its ack). */
  exceptSender?: boolean;
}

/**
 * @example
 * ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:new", message);
 */
export interface Publisher<M extends DefaultEventsMap> {
  /** To every socket in a Socket.IO room, or in any of several (each socket once); use the helpers in rooms.ts for the names. */
  toRoom(room: string | string[], opts?: PublishOptions): Emitter<M>;
  /** To every socket of each user, on every node. */
  toUsers(userIds: string[], opts?: PublishOptions): Emitter<M>;
}

/** A publisher acting on behalf of one socket (needed for `exceptSender`). */
export function socketPublisher<L extends DefaultEventsMap, M extends DefaultEventsMap, I extends DefaultEventsMap, D>(
  nsp: Namespace<L, M, I, D>,
  socket: Socket<L, M, I, D>,
): Publisher<M> {
  const target = (rooms: string | string[], opts?: PublishOptions) => (opts?.exceptSender ? socket.to(rooms) : nsp.to(rooms));
  return {
    toRoom: (room, opts) => target(room, opts),
    toUsers: (userIds, opts) => target(userIds.map(userRoom), opts),
  };
}

/** A publisher with no sender: for announcements nobody's event caused (a node presumed dead, its members back). */
export function namespacePublisher<L extends DefaultEventsMap, M extends DefaultEventsMap, I extends DefaultEventsMap, D>(
  nsp: Namespace<L, M, I, D>,
): Publisher<M> {
  return {
    toRoom: (room) => nsp.to(room),
    toUsers: (userIds) => nsp.to(userIds.map(userRoom)),
  };
}
