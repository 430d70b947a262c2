/**
 * Keeps joined rooms in sync across reconnects: first joins, catch-ups with
 * `sinceSeq` (paging while hasMore), gap repair, and exactly-once delivery
 * by seq. Knows nothing about sockets: it asks `deps.join` for pages.
 */
import type { Message, RoomJoinData } from "../../server/protocol";
import type { ParlorError } from "./errors";
import { RoomTracker } from "./room-tracker";

export interface RoomSyncDeps {
  /** Sends `room:join`; `waitReady: false` while the client is rejoining (it is not ready yet). */
  join(room: string, sinceSeq: number | undefined, waitReady: boolean): Promise<RoomJoinData>;
  /** A message seen for the first time. */
  deliver(message: Message): void;
  onError(err: ParlorError): void;
  /** Whether requests can be sent now (a gap repair waits for the next reconnect otherwise). */
  isReady(): boolean;
  gapCheckMs: number;
}

interface RoomState {
  tracker: RoomTracker;
  /** Non-null while a join is in flight: `message:new` waits here so delivery stays in seq order. */
  buffer: Message[] | null;
  gapTimer?: ReturnType<typeof setTimeout>;
}

export class RoomSync {
  private readonly rooms = new Map<string, RoomState>();

  constructor(private readonly deps: RoomSyncDeps) {}

  /** Rooms joined (or being joined). */
  names(): string[] {
    return [...this.rooms.keys()];
  }

  /** First join: the room's recent messages set the baseline; a repeated join catches up instead. */
  async join(room: string): Promise<RoomJoinData> {
    const existing = this.rooms.get(room);
    if (existing) return this.catchUp(room, existing, true);
    const state: RoomState = { tracker: new RoomTracker(), buffer: [] };
    this.rooms.set(room, state);
    try {
      const data = await this.deps.join(room, undefined, true);
      state.tracker.start(data.messages);
      for (const m of data.messages) state.tracker.accept(m);
      return data;
    } catch (err) {
      this.rooms.delete(room);
      throw err;
    } finally {
      this.flush(state);
    }
  }

  forget(room: string): void {
    clearTimeout(this.rooms.get(room)?.gapTimer);
    this.rooms.delete(room);
  }

  /** A message this client sent (it came back in the ack): never deliver it again. */
  markSeen(message: Message): void {
    this.rooms.get(message.room)?.tracker.accept(message);
  }

  /** A `message:new` from the server. */
  received(message: Message): void {
    const state = this.rooms.get(message.room);
    if (state) this.deliver(message.room, state, message);
  }

  /**
   * After a reconnect: every room whose first join completed asks for what it
   * missed. Resolves with the rooms and the failures.
   */
  async rejoinAll(): Promise<{ rooms: string[]; errors: unknown[] }> {
    // A first join still in flight failed with the old connection; its caller sees that error.
    const rooms = [...this.rooms].filter(([, s]) => s.tracker.sinceSeq !== undefined).map(([room]) => room);
    const results = await Promise.allSettled(rooms.map((room) => this.catchUp(room, this.rooms.get(room)!, false)));
    return { rooms, errors: results.flatMap((r) => (r.status === "rejected" ? [r.reason] : [])) };
  }

  close(): void {
    for (const state of this.rooms.values()) clearTimeout(state.gapTimer);
  }

  /** Fetches every message after the room's watermark, paging while hasMore, and delivers the new ones. */
  private async catchUp(room: string, state: RoomState, waitReady: boolean): Promise<RoomJoinData> {
    state.buffer ??= [];
    try {
      for (let sinceSeq = state.tracker.sinceSeq ?? 0; ; ) {
        const data = await this.deps.join(room, sinceSeq, waitReady);
        for (const m of data.messages) this.deliver(room, state, m);
        const last = data.messages[data.messages.length - 1];
        if (!data.hasMore || !last) return data;
        sinceSeq = last.seq;
      }
    } finally {
      this.flush(state);
    }
  }

  private flush(state: RoomState): void {
    const buffered = state.buffer ?? [];
    state.buffer = null;
    for (const m of buffered.sort((a, b) => a.seq - b.seq)) this.deliver(m.room, state, m);
  }

  private deliver(room: string, state: RoomState, message: Message): void {
    if (state.buffer) {
      state.buffer.push(message);
      return;
    }
    if (state.tracker.accept(message)) this.deps.deliver(message);
    if (state.tracker.hasGap && !state.gapTimer) {
      // Messages can overtake each other briefly; only a gap that lasts means one was lost.
      state.gapTimer = setTimeout(() => {
        state.gapTimer = undefined;
        if (!state.tracker.hasGap || !this.deps.isReady() || this.rooms.get(room) !== state) return;
        this.catchUp(room, state, false).then(
          () => state.tracker.skipGap(),
          (err: ParlorError) => this.deps.onError(err),
        );
      }, this.deps.gapCheckMs);
    }
  }
}
