// @ts-check
// Room catch-up, shared by the chat page (static/chat.js), the SDK
// (client/sdk/client.ts) and the tests: which messages of a joined room a
// client holds, what a rejoin asks for, and delivering each seq once.
// Plain JS so the browser loads it with <script src> (as window.ParlorRoomSync)
// and Node requires it; types in room-sync.d.ts.
//
// Where catch-up starts, the one rule:
// - The first `room:join` (no sinceSeq) answers the room's recent messages.
//   The newest seq in that answer is the baseline (0 for an empty room): older
//   history is not "missed", it is what `message:history` is for.
// - From then on the watermark is the highest seq below which every message
//   has been seen (delivered, in a join answer, or sent by this client). It
//   only moves over contiguous seqs, so a live message or an own ack past a
//   hole never hides the hole.
// - A rejoin (after a reconnect, or a join of a room already joined) asks
//   `room:join { sinceSeq: watermark }`, and while the answer says `hasMore`
//   asks again after the last seq of that answer.
// - A hole that is still there `gapCheckMs` after it appeared is repaired
//   the same way (messages from different nodes can overtake each other, so
//   not at once); a hole that catch-up cannot fill is given up.
// - Changes (edits, deletions, reactions) have their own watermark, the room's
//   `rev`: every change up to it is held. A join answer sets it (its `rev`),
//   and changes seen live (`noteRev`) move it only over contiguous revs. A
//   rejoin also sends `sinceRev: watermark` and hands each of the answer's
//   `updates` to `deps.update`, asking again while `hasMoreUpdates` (from the
//   last update's rev). A server without revs gets no sinceRev.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.ParlorRoomSync = factory();
})(/** @type {{ ParlorRoomSync?: unknown }} */ (globalThis), function () {
  "use strict";

  /** @typedef {import("../server/protocol").Message} Message */
  /** @typedef {import("../server/protocol").RoomJoinData} RoomJoinData */
  /** @typedef {import("./room-sync").RoomSyncDeps} RoomSyncDeps */

  /** How far ahead of the watermark seen seqs are remembered before the gap is given up. */
  const MAX_PENDING = 2000;

  /** Seq bookkeeping of one room: the watermark and the seqs seen above it. */
  class RoomTracker {
    /** Every seq <= watermark has been seen (or predates the first join). */
    #watermark = 0;
    /** @type {Set<number>} seqs above the watermark, seen out of order */
    #ahead = new Set();
    #started = false;
    /** @type {number | undefined} every change with rev <= this is held */
    #rev = undefined;
    /** @type {Set<number>} revs above #rev, seen out of order */
    #revsAhead = new Set();

    /** @returns {number | undefined} */
    get sinceRev() {
      return this.#rev;
    }

    /**
     * A join answer's rev: everything up to it is held now.
     * @param {number | undefined} rev
     */
    setRev(rev) {
      if (typeof rev !== "number") return;
      this.#rev = Math.max(this.#rev ?? 0, rev);
      for (const r of this.#revsAhead) if (r <= this.#rev) this.#revsAhead.delete(r);
      while (this.#revsAhead.delete(this.#rev + 1)) this.#rev++;
    }

    /**
     * A change seen live (or a message, which is a change too).
     * @param {number | undefined} rev
     */
    noteRev(rev) {
      if (typeof rev !== "number" || this.#rev === undefined || rev <= this.#rev) return;
      this.#revsAhead.add(rev);
      while (this.#revsAhead.delete(this.#rev + 1)) this.#rev++;
      // A rev never seen (an idempotent reaction bumps none, but a lost event would) stops the watermark; the next join resets it.
      if (this.#revsAhead.size > MAX_PENDING) this.#revsAhead.clear();
    }

    /** @returns {number | undefined} */
    get sinceSeq() {
      return this.#started ? this.#watermark : undefined;
    }

    get hasGap() {
      return this.#ahead.size > 0;
    }

    /** @param {readonly Message[]} messages */
    start(messages) {
      if (this.#started) return;
      this.#started = true;
      for (const m of messages) if (m.seq > this.#watermark) this.#watermark = m.seq;
    }

    /** @param {Message} message */
    accept(message) {
      const { seq } = message;
      // Before the first join there is no baseline; the join's own answer sets it.
      if (!this.#started) return true;
      if (seq <= this.#watermark || this.#ahead.has(seq)) return false;
      this.#ahead.add(seq);
      while (this.#ahead.delete(this.#watermark + 1)) this.#watermark++;
      // A seq that never comes would grow `ahead` forever.
      if (this.#ahead.size > MAX_PENDING) this.skipGap();
      return true;
    }

    skipGap() {
      if (this.#ahead.size === 0) return;
      this.#watermark = Math.max(this.#watermark, Math.min(...this.#ahead) - 1);
      while (this.#ahead.delete(this.#watermark + 1)) this.#watermark++;
    }
  }

  /**
   * @typedef {object} RoomState
   * @property {RoomTracker} tracker
   * @property {Message[] | null} buffer non-null while a join is in flight: live messages wait here, so delivery stays in seq order
   * @property {Promise<RoomJoinData> | null} pending the join or catch-up in flight, which a `join` shares
   * @property {ReturnType<typeof setTimeout> | undefined} gapTimer
   */

  /** Every joined room of one client; knows nothing about sockets, it asks `deps.join` for pages. */
  class RoomSync {
    /** @type {Map<string, RoomState>} */
    #rooms = new Map();
    /** @type {RoomSyncDeps} */
    #deps;

    /** @param {RoomSyncDeps} deps */
    constructor(deps) {
      this.#deps = deps;
    }

    /** @param {string} room */
    has(room) {
      return this.#rooms.has(room);
    }

    names() {
      return [...this.#rooms.keys()];
    }

    /** @param {string} room */
    sinceSeq(room) {
      return this.#rooms.get(room)?.tracker.sinceSeq;
    }

    /** @param {string} room */
    sinceRev(room) {
      return this.#rooms.get(room)?.tracker.sinceRev;
    }

    /**
     * @param {string} room
     * @param {number | undefined} rev
     */
    noteRev(room, rev) {
      this.#rooms.get(room)?.tracker.noteRev(rev);
    }

    /**
     * @param {string} room
     * @returns {Promise<RoomJoinData>}
     */
    join(room) {
      const existing = this.#rooms.get(room);
      if (existing) return existing.pending ?? this.#track(existing, this.#catchUp(room, existing, true));
      /** @type {RoomState} */
      const state = { tracker: new RoomTracker(), buffer: [], pending: null, gapTimer: undefined };
      this.#rooms.set(room, state);
      return this.#track(state, this.#firstJoin(room, state));
    }

    /** @param {string} room */
    forget(room) {
      clearTimeout(this.#rooms.get(room)?.gapTimer);
      this.#rooms.delete(room);
    }

    /** @param {Message} message */
    markSeen(message) {
      const state = this.#rooms.get(message.room);
      if (!state) return false;
      const fresh = state.tracker.accept(message);
      state.tracker.noteRev(message.rev);
      this.#armGapCheck(message.room, state);
      return fresh;
    }

    /** @param {Message} message */
    received(message) {
      const state = this.#rooms.get(message.room);
      if (state) this.#deliver(message.room, state, message);
    }

    async rejoinAll() {
      // A first join still in flight went out on the old connection; its caller sees how it ends.
      const rooms = [...this.#rooms].filter(([, s]) => s.tracker.sinceSeq !== undefined).map(([room]) => room);
      // Not shared with a catch-up in flight: that one may have been sent on the old connection.
      const results = await Promise.allSettled(
        rooms.map((room) => {
          const state = /** @type {RoomState} */ (this.#rooms.get(room));
          return this.#track(state, this.#catchUp(room, state, false));
        }),
      );
      return { rooms, errors: results.flatMap((r) => (r.status === "rejected" ? [/** @type {unknown} */ (r.reason)] : [])) };
    }

    close() {
      for (const state of this.#rooms.values()) clearTimeout(state.gapTimer);
    }

    /**
     * @param {RoomState} state
     * @param {Promise<RoomJoinData>} promise
     */
    #track(state, promise) {
      state.pending = promise;
      const clear = () => {
        if (state.pending === promise) state.pending = null;
      };
      promise.then(clear, clear);
      return promise;
    }

    /**
     * @param {string} room
     * @param {RoomState} state
     */
    async #firstJoin(room, state) {
      try {
        const data = await this.#deps.join(room, undefined, true, undefined);
        state.tracker.start(data.messages);
        state.tracker.setRev(data.rev);
        return data;
      } catch (err) {
        // Not joined: what arrived meanwhile is not this client's to deliver.
        state.buffer = null;
        if (this.#rooms.get(room) === state) this.#rooms.delete(room);
        throw err;
      } finally {
        this.#flush(room, state);
      }
    }

    /**
     * Fetches every message after the watermark, paging while hasMore, and delivers the new ones.
     *
     * @param {string} room
     * @param {RoomState} state
     * @param {boolean} waitReady
     */
    async #catchUp(room, state, waitReady) {
      state.buffer ??= [];
      try {
        for (let sinceSeq = state.tracker.sinceSeq ?? 0, sinceRev = state.tracker.sinceRev; ;) {
          const data = await this.#deps.join(room, sinceSeq, waitReady, sinceRev);
          for (const m of data.messages) this.#deliver(room, state, m, true);
          const updates = data.updates ?? [];
          for (const m of updates) this.#deps.update?.(m);
          const last = data.messages[data.messages.length - 1];
          const lastUpdate = updates[updates.length - 1];
          const moreUpdates = Boolean(data.hasMoreUpdates && lastUpdate);
          // Every change up to the last update is held; with no more, every change up to the answer's rev.
          if (moreUpdates) sinceRev = lastUpdate?.rev;
          else {
            state.tracker.setRev(data.rev);
            sinceRev = state.tracker.sinceRev;
          }
          const moreMessages = Boolean(data.hasMore && last);
          if (!moreMessages && !moreUpdates) return data;
          if (moreMessages && last) sinceSeq = last.seq;
          else sinceSeq = state.tracker.sinceSeq ?? sinceSeq;
        }
      } finally {
        this.#flush(room, state);
      }
    }

    /**
     * @param {string} room
     * @param {RoomState} state
     */
    #flush(room, state) {
      const buffered = state.buffer ?? [];
      state.buffer = null;
      for (const m of buffered.sort((a, b) => a.seq - b.seq)) this.#deliver(room, state, m);
      this.#armGapCheck(room, state);
    }

    /**
     * @param {string} room
     * @param {RoomState} state
     * @param {Message} message
     * @param {boolean} [fromPage] part of a catch-up answer (never buffered)
     */
    #deliver(room, state, message, fromPage = false) {
      if (state.buffer && !fromPage) {
        state.buffer.push(message);
        return;
      }
      if (state.tracker.accept(message)) this.#deps.deliver(message);
      if (!fromPage) state.tracker.noteRev(message.rev);
      if (!state.buffer) this.#armGapCheck(room, state);
    }

    /**
     * @param {string} room
     * @param {RoomState} state
     */
    #armGapCheck(room, state) {
      if (!state.tracker.hasGap || state.gapTimer || state.buffer) return;
      // Messages can overtake each other briefly; only a gap that lasts means one was lost.
      state.gapTimer = setTimeout(() => {
        state.gapTimer = undefined;
        if (!state.tracker.hasGap || this.#rooms.get(room) !== state) return;
        // A join in flight (or the rejoin after the next reconnect) ends with another check.
        if (state.pending || !this.#deps.isReady()) return;
        this.#track(state, this.#catchUp(room, state, false)).then(
          () => state.tracker.skipGap(),
          (err) => this.#deps.onError(err),
        );
      }, this.#deps.gapCheckMs);
    }
  }

  /** @type {typeof import("./room-sync")} */
  const api = { MAX_PENDING, RoomTracker, RoomSync };
  return api;
});
