/**
 * What a `/chat` handler may use. No socket in here: handlers publish events
 * and ask `connection` to join or leave rooms, so they can be unit-tested
 * with a plain object.
 */
import type { Logger } from "../logger";
import type { Presence } from "../presence/types";
import { type ChatContract, chatContract, type ChatServerToClientEvents, type User } from "../protocol";
import type { Publisher } from "../realtime/publisher";
import type { RoomControl } from "../realtime/room-control";
import { eventDefiner } from "../realtime/registry";
import type { MessageStore } from "../storage/types";
import type { TypingCoalescer } from "./chat/typing-coalescer";
import type { IdentityContext } from "./identity/refresh";

/** The per-user caps the `/chat` handlers enforce (from Config.limits). */
export interface ChatLimits {
  /** Rooms one user may be in at once (CONFLICT, reason "too_many_rooms"). */
  maxRoomsPerUser: number;
  /** Most rooms in a `room:list` reply. */
  maxListItems: number;
}

export interface Connection {
  id: string;
  /** Puts this connection in a chat room (receives its `message:new` and `typing`). */
  join(room: string): void;
  leave(room: string): void;
  /** The chat rooms this connection is in. */
  rooms(): string[];
}

/** `user` is the connection's, replaced by `auth:refresh` (IdentityContext). */
export interface ChatContext extends IdentityContext {
  user: User;
  connection: Connection;
  store: MessageStore;
  presence: Presence;
  publish: Publisher<ChatServerToClientEvents>;
  log: Logger;
  limits: ChatLimits;
  /** Shared by every socket of the namespace: coalescing is per user and room. */
  typing: TypingCoalescer;
  /**
   * Whether the user may moderate `room` under PROTOCOL's Moderation rules and,
   * given `targetId`, act on that user there (`message:delete` of another's
   * message: the author is the target). The moderation feature provides it;
   * without it nobody moderates.
   */
  canModerate(ctx: ChatContext, room: string, targetId?: string): Promise<boolean>;
  /** Takes a user's sockets out of a room on every node (kicks and bans). */
  roomControl: RoomControl;
}

/** Declares a `/chat` event: its name must be in the chat contract, its handler returns that event's ack data. */
export const defineChatEvent = eventDefiner<ChatContract, ChatContext>(chatContract);
