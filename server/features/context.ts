/**
 * What a `/chat` handler may use. No socket in here: handlers publish events
 * and ask `connection` to join or leave rooms, so they can be unit-tested
 * with a plain object.
 */
import type { Logger } from "../logger";
import type { ChatServerToClientEvents, User } from "../protocol";
import type { Publisher } from "../realtime/publisher";
import type { MessageStore } from "../storage/types";
import type { Presence } from "./presence/types";

export interface Connection {
  id: string;
  /** Puts this connection in a chat room (receives its `message:new` and `typing`). */
  join(room: string): void;
  leave(room: string): void;
  /** The chat rooms this connection is in. */
  rooms(): string[];
}

export interface ChatContext {
  user: User;
  connection: Connection;
  store: MessageStore;
  presence: Presence;
  publish: Publisher<ChatServerToClientEvents>;
  log: Logger;
}
