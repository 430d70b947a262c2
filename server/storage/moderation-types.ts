/**
 * What the stores keep for PROTOCOL v2 "Rooms v2" and "Moderation": room
 * owners, room moderators, topics, slow mode, mutes and bans with their end,
 * each user's last stored message per room (slow mode), global roles of the
 * latest token seen, and every room's audit log. Part of MessageStore.
 */
import type { ModAction, ModActionKind, RoomInfo, User } from "../protocol";

/** The actions `moderate` stores (room:update is `updateRoom`). */
export type ModerationKind = Exclude<ModActionKind, "update">;

export interface ModerateInput {
  room: string;
  action: ModerationKind;
  target: User;
  by: User;
  reason?: string;
  /** mute and ban: how long (left out: open-ended, `until: null`). */
  durationMs?: number;
  /** delete: the deleted message. */
  seq?: number;
}

export interface RoomUpdateInput {
  room: string;
  by: User;
  topic?: string;
  slowModeMs?: number;
}

export interface ModLogPage {
  /** Newest first. */
  entries: ModAction[];
  hasMore: boolean;
}

/** A user the server has seen, with the global roles of their latest token. */
export interface KnownUser {
  user: User;
  roles: string[];
}

export interface ModerationStore {
  /**
   * The store side of `room:join`: refuses a banned user (FORBIDDEN, details
   * `{ reason: "banned", until }`), makes the joiner the owner of a room that
   * has none, and returns the room's info.
   */
  openRoom(room: string, user: User): Promise<RoomInfo>;
  /** The room's info; undefined for a room nobody has ever joined. */
  roomInfo(room: string): Promise<RoomInfo | undefined>;
  /** Changes topic and/or slow mode and logs `update` in the same transaction (NOT_FOUND for an unknown room). */
  updateRoom(input: RoomUpdateInput): Promise<{ info: RoomInfo; action: ModAction }>;
  /**
   * Stores an action and its effect in one transaction: mute/ban (with
   * `until`), unmute/unban, promote/demote; kick and delete are logged only
   * (the membership and the message are the callers' to change).
   */
  moderate(input: ModerateInput): Promise<ModAction>;
  /** The audit log, newest first, ids below `before` (a page of `limit`). */
  modLog(room: string, before: number | undefined, limit: number): Promise<ModLogPage>;
  /** A user the server has seen (with their latest roles), or undefined. */
  knownUser(id: string): Promise<KnownUser | undefined>;
  /** Whether the user has a lasting membership of the room. */
  isRoomMember(userId: string, room: string): Promise<boolean>;
}
