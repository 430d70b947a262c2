/**
 * Types of room-sync.js (plain JS so the browser can load it as is): room
 * catch-up shared by the chat page, the SDK and the tests. The rule for where
 * catch-up starts is at the top of room-sync.js.
 */
import type { Message, RoomJoinData } from "../server/protocol";

/** What a RoomSync needs from its client; it never touches a socket itself. */
export interface RoomSyncDeps {
  /**
   * Sends `room:join` (`sinceSeq` undefined for a first join) and resolves with the ack's data or
   * rejects. `waitReady: false` while the client is rejoining after a reconnect (it is not ready yet).
   */
  join(room: string, sinceSeq: number | undefined, waitReady: boolean, sinceRev?: number): Promise<RoomJoinData>;
  /** A message of a catch-up's `updates` (edited, deleted or reacted to while away), in its current form. */
  update?(message: Message): void;
  /** A message seen for the first time, live or from a catch-up (a first join's answer is returned instead). */
  deliver(message: Message): void;
  /** A gap repair failed: `err` is what `join` rejected with. */
  onError(err: unknown): void;
  /** Whether requests can be sent now (a gap repair waits for the next rejoin otherwise). */
  isReady(): boolean;
  /** How long a hole in the seqs may last before it is fetched (ms). */
  gapCheckMs: number;
}

/** Seen seqs above the watermark kept before the oldest gap is given up (2000). */
export const MAX_PENDING: number;

/**
 * Seq bookkeeping of one room: a message that arrives twice (live and in a
 * catch-up, or live and in the join answer) is accepted once, and a rejoin
 * asks only for what was missed.
 *
 * @example
 * const t = new RoomTracker();
 * t.start(firstJoin.messages);       // baseline: the newest seq of the answer
 * t.accept(message);                 // true the first time this seq is seen
 * socket.emit("room:join", { room, sinceSeq: t.sinceSeq });
 */
export class RoomTracker {
  /** The `sinceSeq` to rejoin with (the watermark), or undefined before the first join. */
  readonly sinceSeq: number | undefined;
  /** True while a seq is missing below the highest seen one. */
  readonly hasGap: boolean;
  /** Starts tracking at a first join's answer: the watermark is its newest seq (0 when it is empty). Once. */
  start(messages: readonly Message[]): void;
  /** Records a message; true the first time its seq is seen, false for a duplicate (always true before `start`). */
  accept(message: Message): boolean;
  /** Gives up the lowest gap: the watermark moves to just below the lowest seq seen above it. */
  skipGap(): void;
  /** The `sinceRev` to rejoin with: every change up to it is held (undefined before a join answered with a rev). */
  readonly sinceRev: number | undefined;
  /** A join answer's `rev`: raises the rev watermark to it. */
  setRev(rev: number | undefined): void;
  /** A change (message, edit, deletion, reaction) seen live: the rev watermark moves over contiguous revs only. */
  noteRev(rev: number | undefined): void;
}

/**
 * Every joined room of one client: first joins, catch-ups with `sinceSeq`
 * (paging while hasMore), gap repair after `gapCheckMs`, delivery once per seq
 * and in seq order within each answer.
 *
 * @example
 * const rooms = new RoomSync({ join, deliver: show, onError: console.error, isReady: () => socket.connected, gapCheckMs: 250 });
 * socket.on("message:new", (m) => rooms.received(m));
 * const { messages } = await rooms.join("lobby");   // first join: recent messages, shown by the caller
 * socket.on("connect", () => rooms.rejoinAll());    // after a reconnect: what was missed arrives via deliver
 */
export class RoomSync {
  constructor(deps: RoomSyncDeps);
  /** Whether `room` is joined or its first join is in flight. */
  has(room: string): boolean;
  /** Rooms joined (or being joined). */
  names(): string[];
  /** The room's watermark: what a rejoin would send as `sinceSeq` (undefined before its first join answered). */
  sinceSeq(room: string): number | undefined;
  /** The room's rev watermark: what a rejoin would send as `sinceRev`. */
  sinceRev(room: string): number | undefined;
  /** A change seen live (`message:updated`, `message:deleted`, `message:reactions`, or an own ack's rev). */
  noteRev(room: string, rev: number | undefined): void;
  /**
   * First join: resolves with the answer (recent messages; they set the baseline and are not passed to
   * `deliver`). A room already joined catches up instead (new messages go to `deliver`) and resolves with
   * the last page. A join or catch-up in flight is shared. A failed first join forgets the room.
   */
  join(room: string): Promise<RoomJoinData>;
  /** Stops tracking `room` (after `room:leave`): not rejoined, its messages ignored. */
  forget(room: string): void;
  /** A message this client sent (from the ack): true if it was not seen yet; never delivered later. */
  markSeen(message: Message): boolean;
  /** A `message:new` from the server: delivered if new (held back while a join of its room is in flight). */
  received(message: Message): void;
  /** After a reconnect: every room whose first join answered catches up. Resolves with the rooms and the failures. */
  rejoinAll(): Promise<{ rooms: string[]; errors: unknown[] }>;
  /** Clears every gap timer. */
  close(): void;
}
