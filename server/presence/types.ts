/**
 * Presence: who is in which chat room, per user (not per tab). Async so a
 * cluster-wide implementation (Redis) can stand behind the same interface.
 */
import type { User } from "../protocol";

export interface Presence {
  /** Records that `socketId` of `user` is in `room`; true when it is the user's first socket there. */
  add(room: string, user: User, socketId: string): Promise<boolean>;
  /** Removes the socket; true when it was the user's last socket in the room. */
  remove(room: string, userId: string, socketId: string): Promise<boolean>;
  isMember(room: string, userId: string): Promise<boolean>;
  members(room: string): Promise<User[]>;
  /** Rooms with at least one member now, with their member counts. */
  rooms(): Promise<{ room: string; members: number }[]>;
  /** The rooms a user is in now (on any socket). */
  roomsOf(userId: string): Promise<string[]>;
  close(): Promise<void>;
}
