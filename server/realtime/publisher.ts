/**
 * The only way handlers send events: they publish to rooms or users, never to
 * a socket. Backed by the Socket.IO namespace, so it works across nodes when
 * an adapter (Redis) is installed.
 */
import type { Namespace, Socket } from "socket.io";
import { userRoom } from "./rooms";

/** The first argument of event `K` in an event map. */
type Payload<E, K extends keyof E> = E[K] extends (payload: infer P, ...rest: any[]) => void ? P : never;

export interface PublishOptions {
  /** Leave out the socket whose event is being handled (it gets the data in its ack). */
  exceptSender?: boolean;
}

export interface Publisher<E extends object> {
  /** To every socket in a Socket.IO room (use the helpers in rooms.ts for the name). */
  toRoom<K extends keyof E & string>(room: string, event: K, payload: Payload<E, K>, opts?: PublishOptions): void;
  /** To every socket of each user, on every node. */
  toUsers<K extends keyof E & string>(userIds: string[], event: K, payload: Payload<E, K>, opts?: PublishOptions): void;
}

/** A publisher acting on behalf of one socket (needed for `exceptSender`). */
export function socketPublisher<E extends object>(nsp: Namespace, socket: Socket): Publisher<E> {
  const target = (rooms: string | string[], opts?: PublishOptions) => (opts?.exceptSender ? socket.to(rooms) : nsp.to(rooms));
  return {
    toRoom(room, event, payload, opts) {
      (target(room, opts).emit as (ev: string, ...args: unknown[]) => boolean)(event, payload);
    },
    toUsers(userIds, event, payload, opts) {
      (target(userIds.map(userRoom), opts).emit as (ev: string, ...args: unknown[]) => boolean)(event, payload);
    },
  };
}
