/**
 * The Parlor client: a typed `/chat` socket plus what every script would
 * otherwise get wrong — ack timeouts, retried sends with one clientId,
 * rejoining rooms with `sinceSeq` after a reconnect, and delivering each
 * message once however it arrived.
 */
import { io, type Socket } from "socket.io-client";
import type {
  Ack,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  DirectMessage,
  Message,
  ModAction,
  RoomInfo,
  RoomJoinData,
  SearchResult,
  User,
} from "../../server/protocol";

export type { ParlorClientOptions, ParlorEvents } from "./types";
import { TypedEmitter } from "./emitter";
import { ParlorError } from "./errors";
import { RoomSync } from "./room-sync";
import type { ParlorSession } from "./session";
import { TokenKeeper } from "./token-keeper";
import type { ChatAckData, ChatAckEvent, ChatPayload, ParlorClientOptions, ParlorEvents } from "./types";
import { Waiters } from "./waiter";

export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;

const randomId = () => globalThis.crypto.randomUUID();
const RETRYABLE = new Set(["TIMEOUT", "DISCONNECTED", "RATE_LIMITED"]);

/**
 * A connected Parlor user. Create one with `connectParlor`.
 *
 * @example
 * const parlor = await connectParlor({ url: "http://localhost:3000", name: "Ada" });
 * parlor.on("message", (m) => console.log(`${m.user.name}: ${m.text}`));
 * await parlor.join("lobby");
 * await parlor.send("lobby", "hello");
 */
export class Parlor extends TypedEmitter<ParlorEvents> {
  /** The typed `/chat` socket underneath, for anything the SDK does not wrap. */
  readonly socket: ChatSocket;
  private current: ParlorSession;
  private readonly tokens: TokenKeeper;
  private readonly rooms: RoomSync;
  private readonly ready = new Waiters();
  private readonly sleeps = new Waiters();
  private isReady = false;
  private closed = false;
  private readonly ackTimeoutMs: number;
  private readonly sendAttempts: number;

  constructor(session: ParlorSession, opts: ParlorClientOptions) {
    super();
    this.current = session;
    this.tokens = new TokenKeeper(session, {
      getToken: opts.getToken,
      refreshAheadMs: opts.refreshAheadMs,
      refresh: (token) => this.refreshToken(token),
      onSession: (next) => {
        this.current = next;
        this.emit("token", { expiresAt: next.expiresAt });
      },
      onError: (err) => this.emit("error", err),
    });
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.sendAttempts = opts.sendAttempts ?? 5;
    this.rooms = new RoomSync({
      // A rejoin asks for the changes too (sinceRev) when the room has a rev watermark.
      join: (room, sinceSeq, waitReady, sinceRev) =>
        this.request(
          "room:join",
          sinceSeq === undefined ? { room } : sinceRev === undefined ? { room, sinceSeq } : { room, sinceSeq, sinceRev },
          { waitReady },
        ),
      deliver: (m) => this.emit("message", m),
      // A change missed while away, in the message's current form (edited, deleted or reacted to).
      update: (m) => this.emit("message-updated", m),
      // `err` is what `join` rejected with: request() only rejects with ParlorError.
      onError: (err) => this.emit("error", err instanceof ParlorError ? err : new ParlorError("INTERNAL", String(err))),
      isReady: () => this.isReady,
      gapCheckMs: opts.gapCheckMs ?? 1000,
    });
    // forceNew: two clients in one process must not share a connection.
    this.socket = io(new URL("/chat", opts.url).href, {
      transports: opts.transports ?? ["websocket", "polling"],
      ...opts.socketOptions,
      // Asked at every (re)connect: after auth:expired or UNAUTHORIZED it is a new token from getToken().
      auth: (cb) => void this.tokens.forHandshake().then((token) => cb({ token })),
      forceNew: true,
      autoConnect: false,
    });
    this.wire();
  }

  /** The current token, its user and expiry (replaced when the token is renewed). */
  get session(): ParlorSession {
    return this.current;
  }

  /** This client's user (id and name; a JWT user's name follows the latest token). */
  get user(): User {
    return this.current.user;
  }

  /** Whether the socket is connected and every room has been rejoined. */
  get connected(): boolean {
    return this.isReady;
  }

  /** Rooms joined through this client (rejoined after each reconnect). */
  get joinedRooms(): string[] {
    return this.rooms.names();
  }

  /**
   * Opens the socket; resolves on the first connect. Called by `connectParlor`.
   *
   * @example
   * const parlor = new Parlor(session, { url });
   * await parlor.open(10_000);
   */
  async open(timeoutMs = 10_000): Promise<void> {
    const first = new Promise<void>((resolve, reject) => {
      const onConnect = () => (cleanup(), resolve());
      const onError = (err: Error & { data?: { code?: string; message?: string } }) => {
        // Refused by the server's middleware (bad token, origin): retrying cannot help.
        if (!err.data?.code) return;
        cleanup();
        reject(new ParlorError(err.data.code as ParlorError["code"], err.data.message ?? err.message));
      };
      const cleanup = () => (this.socket.off("connect", onConnect), this.socket.off("connect_error", onError));
      this.socket.on("connect", onConnect);
      this.socket.on("connect_error", onError);
    });
    this.socket.connect();
    try {
      await Promise.race([first, this.ready.wait(timeoutMs, `cannot connect to the server within ${timeoutMs} ms`)]);
    } catch (err) {
      this.close();
      throw err instanceof ParlorError && err.code === "TIMEOUT" ? new ParlorError("CONNECT_FAILED", err.message) : err;
    }
  }

  /**
   * Joins `room` and returns its recent messages (or, if already joined,
   * catches up). From now on its new messages arrive as `message` events,
   * and the room is rejoined after every reconnect.
   *
   * @example
   * const { messages, members } = await parlor.join("lobby");
   */
  join(room: string): Promise<RoomJoinData> {
    return this.rooms.join(room);
  }

  /**
   * Leaves `room`; it is no longer rejoined on reconnect.
   *
   * @example
   * await parlor.leave("lobby");
   */
  async leave(room: string): Promise<void> {
    this.rooms.forget(room);
    await this.request("room:leave", { room });
  }

  /**
   * Sends a message; resolves once it is stored. A lost ack is retried with
   * the same clientId, so the message is stored once.
   *
   * @example
   * const message = await parlor.send("lobby", "hello");
   * message.seq; // its place in the room
   */
  async send(room: string, text: string, opts: { clientId?: string; replyTo?: number } = {}): Promise<Message> {
    const clientId = opts.clientId ?? randomId();
    const payload = opts.replyTo === undefined ? { room, text, clientId } : { room, text, clientId, replyTo: opts.replyTo };
    const { message } = await this.withRetry(() => this.request("message:send", payload));
    this.rooms.markSeen(message);
    return message;
  }

  /**
   * Sends a reply to message `replyToSeq` of `room` (retried like `send`); the
   * message's `replyTo` previews the original. NOT_FOUND when it is missing or deleted.
   *
   * @example
   * const answer = await parlor.reply("lobby", question.seq, "yes");
   * answer.replyTo?.text; // the start of the question
   */
  reply(room: string, replyToSeq: number, text: string, opts: { clientId?: string } = {}): Promise<Message> {
    return this.send(room, text, { ...opts, replyTo: replyToSeq });
  }

  /**
   * Replaces the text of one of this user's messages; resolves with its new form (`editedAt`, new `rev`).
   * FORBIDDEN for someone else's, NOT_FOUND for a missing or deleted one. Not retried: a lost ack may have edited.
   *
   * @example
   * const fixed = await parlor.edit("lobby", sent.seq, "hello");
   */
  async edit(room: string, seq: number, text: string): Promise<Message> {
    const { message } = await this.request("message:edit", { room, seq, text });
    this.rooms.noteRev(room, message.rev);
    return message;
  }

  /**
   * Deletes a message (this user's, or any as a moderator of the room): it becomes a tombstone, its seq stays.
   *
   * @example
   * await parlor.delete("lobby", sent.seq);
   */
  delete(room: string, seq: number): Promise<ChatAckData<"message:delete">> {
    return this.request("message:delete", { room, seq });
  }

  /**
   * Adds (`on`, the default) or takes back this user's `emoji` on a message; resolves with its reactions.
   * Idempotent per user and emoji, so a lost ack is retried.
   *
   * @example
   * const { reactions } = await parlor.react("lobby", sent.seq, "👍");
   * await parlor.react("lobby", sent.seq, "👍", false);
   */
  async react(room: string, seq: number, emoji: string, on = true): Promise<ChatAckData<"message:react">> {
    const data = await this.withRetry(() => this.request("message:react", { room, seq, emoji, on }));
    this.rooms.noteRev(room, data.rev);
    return data;
  }

  /**
   * Moves this user's read cursor in `room` forward to `seq` (never back); resolves with the cursor.
   * The user's other clients get a `read` event.
   *
   * @example
   * await parlor.markRead("lobby", last.seq);
   */
  markRead(room: string, seq: number): Promise<{ room: string; readSeq: number }> {
    return this.withRetry(() => this.request("room:read", { room, seq }));
  }

  /**
   * Every room this user has joined and not left (across disconnects, tabs and nodes), with unread counts.
   *
   * @example
   * for (const r of await parlor.myRooms()) console.log(r.room, r.unread);
   */
  async myRooms(): Promise<ChatAckData<"room:mine">["rooms"]> {
    return (await this.request("room:mine", {})).rooms;
  }

  /**
   * The read cursors of a room's current members.
   *
   * @example
   * const seenBy = (await parlor.receipts("lobby")).filter((r) => r.readSeq >= sent.seq);
   */
  async receipts(room: string): Promise<ChatAckData<"room:receipts">["receipts"]> {
    return (await this.request("room:receipts", { room })).receipts;
  }

  /**
   * This user's direct-message conversations with their last message, most recent first.
   *
   * @example
   * const [latest] = await parlor.conversations();
   * latest?.with.name;
   */
  async conversations(): Promise<ChatAckData<"dm:list">["conversations"]> {
    return (await this.request("dm:list", {})).conversations;
  }

  /**
   * Older messages of a joined room, oldest first.
   *
   * @example
   * const { messages, hasMore } = await parlor.history("lobby", { beforeSeq: 100, limit: 50 });
   */
  history(room: string, opts: { beforeSeq?: number; limit?: number } = {}): Promise<ChatAckData<"message:history">> {
    return this.request("message:history", { room, ...opts });
  }

  /**
   * Full-text search in one room, or in every room this user is in.
   *
   * @example
   * const results = await parlor.search("deploy*", { room: "ops" });
   * results[0]?.message.text;
   */
  async search(q: string, opts: { room?: string; limit?: number } = {}): Promise<SearchResult[]> {
    return (await this.request("message:search", { q, ...opts })).results;
  }

  /**
   * Sends a direct message to a user id (retried like `send`).
   *
   * @example
   * await parlor.dm(bob.id, "psst");
   */
  async dm(to: string, text: string, opts: { clientId?: string } = {}): Promise<DirectMessage> {
    const clientId = opts.clientId ?? randomId();
    return (await this.withRetry(() => this.request("dm:send", { to, text, clientId }))).message;
  }

  /**
   * Direct messages with one user, oldest first.
   *
   * @example
   * const { messages } = await parlor.dmHistory(bob.id, { limit: 20 });
   */
  dmHistory(withUser: string, opts: { before?: number; limit?: number } = {}): Promise<ChatAckData<"dm:history">> {
    return this.request("dm:history", { with: withUser, ...opts });
  }

  /**
   * The users in a room now.
   *
   * @example
   * const people = await parlor.members("lobby");
   */
  async members(room: string): Promise<User[]> {
    return (await this.request("room:members", { room })).members;
  }

  /**
   * Rooms with at least one member now.
   *
   * @example
   * for (const { room, members } of await parlor.listRooms()) console.log(room, members);
   */
  async listRooms(): Promise<{ room: string; members: number }[]> {
    return (await this.request("room:list", {})).rooms;
  }

  /**
   * The room's owner, moderators, topic, slow mode and last seq (members only).
   *
   * @example
   * const { topic, slowModeMs } = await parlor.roomInfo("lobby");
   */
  async roomInfo(room: string): Promise<RoomInfo> {
    return (await this.request("room:info", { room })).info;
  }

  /**
   * Changes the topic and/or slow mode (owner, room moderators, global admins/moderators).
   *
   * @example
   * await parlor.updateRoom("lobby", { topic: "Be kind", slowModeMs: 5000 });
   */
  async updateRoom(room: string, change: { topic?: string; slowModeMs?: number }): Promise<RoomInfo> {
    return (await this.request("room:update", { room, ...change })).info;
  }

  /**
   * Moderation (PROTOCOL "Moderation"): mute, unmute, kick, ban, unban,
   * promote or demote `user` (an id) in `room`; resolves with the logged action.
   * `durationMs` (mute, ban) left out: until undone. `reason`: mute, kick, ban.
   *
   * @example
   * await parlor.moderate("mute", "lobby", "u_7bWm4ZcN8eYs", { durationMs: 600_000, reason: "flooding" });
   * await parlor.moderate("ban", "lobby", "u_7bWm4ZcN8eYs");
   */
  async moderate(
    action: "mute" | "unmute" | "kick" | "ban" | "unban" | "promote" | "demote",
    room: string,
    user: string,
    opts: { durationMs?: number; reason?: string } = {},
  ): Promise<ModAction> {
    const target = { room, user };
    switch (action) {
      case "mute":
      case "ban":
        return (await this.request(`mod:${action}`, { ...target, ...opts })).action;
      case "kick":
        return (await this.request("mod:kick", { ...target, reason: opts.reason })).action;
      default:
        return (await this.request(`mod:${action}`, target)).action;
    }
  }

  /**
   * The room's audit log, newest first (moderators of the room only).
   *
   * @example
   * const { entries, hasMore } = await parlor.modLog("lobby", { limit: 20 });
   */
  modLog(room: string, opts: { before?: string; limit?: number } = {}): Promise<ChatAckData<"mod:log">> {
    return this.request("mod:log", { room, ...opts });
  }

  /**
   * Tells the room this user is (not) typing. Dropped while disconnected: it is stale by then.
   *
   * @example
   * parlor.typing("lobby", true);
   */
  typing(room: string, typing: boolean): void {
    if (this.isReady) this.socket.emit("typing", { room, typing });
  }

  /**
   * Any ack event of the contract, typed by the server's event map; rejects with ParlorError.
   *
   * @example
   * const { rooms } = await parlor.request("room:list", {});
   */
  async request<E extends ChatAckEvent>(event: E, payload: ChatPayload<E>, opts: { waitReady?: boolean } = {}): Promise<ChatAckData<E>> {
    if (this.closed) throw new ParlorError("CLOSED", "the client is closed");
    if (!this.isReady && opts.waitReady !== false) await this.ready.wait(this.ackTimeoutMs, `not connected within ${this.ackTimeoutMs} ms`);
    // The event maps type every call site above; Socket.IO's types cannot follow a generic event name.
    const timed = this.socket.timeout(this.ackTimeoutMs) as unknown as {
      emitWithAck(ev: E, p: ChatPayload<E>): Promise<Ack<ChatAckData<E>>>;
    };
    let ack: Ack<ChatAckData<E>>;
    try {
      ack = await timed.emitWithAck(event, payload);
    } catch (err) {
      const disconnected = /disconnected/.test((err as Error).message);
      throw new ParlorError(disconnected ? "DISCONNECTED" : "TIMEOUT", `${event}: ${(err as Error).message}`);
    }
    if (!ack.ok) throw ParlorError.fromAck(ack.error);
    return ack.data;
  }

  /**
   * Disconnects for good and rejects every pending call with CLOSED.
   *
   * @example
   * await parlor.close();
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.isReady = false;
    this.tokens.stop();
    this.rooms.close();
    this.socket.close();
    const err = new ParlorError("CLOSED", "the client is closed");
    this.ready.rejectAll(err);
    this.sleeps.rejectAll(err);
  }

  private async withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof ParlorError) || !RETRYABLE.has(err.code) || i >= this.sendAttempts) throw err;
        if (err.code === "RATE_LIMITED") await this.sleeps.sleep(Math.min(err.retryAfterMs ?? 1000, 10_000));
      }
    }
  }

  private wire(): void {
    let everConnected = false;
    this.socket.on("connect", () => {
      this.tokens.schedule();
      if (!everConnected) {
        everConnected = true;
        this.markReady();
        return;
      }
      this.rooms.rejoinAll().then(({ rooms, errors }) => {
        // Dropped again while rejoining: the next "connect" starts over.
        if (!this.socket.connected || this.closed) return;
        for (const err of errors) this.emit("error", err as ParlorError);
        this.markReady();
        this.emit("reconnect", { rooms });
      });
    });
    this.socket.on("disconnect", (reason) => {
      this.isReady = false;
      this.tokens.pause();
      if (this.closed) return;
      this.emit("disconnect", { reason });
      // Socket.IO does not retry after a server-side disconnect (e.g. a restart); we do.
      if (reason === "io server disconnect")
        this.sleeps.sleep(1000).then(
          () => this.socket.connect(),
          () => undefined,
        );
    });
    this.socket.on("connect_error", (err: Error & { data?: { code?: string; message?: string } }) => {
      if (everConnected && err.data?.code)
        this.emit("error", new ParlorError(err.data.code as ParlorError["code"], err.data.message ?? err.message));
      // A refused token (expired while offline): Socket.IO gives up on middleware errors; with getToken() we try a new one.
      if (everConnected && err.data?.code === "UNAUTHORIZED" && this.tokens.renewable && !this.closed) {
        this.tokens.markStale();
        this.sleeps.sleep(1000).then(
          () => this.socket.connect(),
          () => undefined,
        );
      }
    });
    // Sent just before the server disconnects an expired socket: the reconnect needs a new token.
    this.socket.on("auth:expired", () => this.tokens.markStale());
    this.socket.on("message:new", (m) => this.rooms.received(m));
    // Changes go to the room's watermark too, so a rejoin asks only for the ones missed.
    this.socket.on("message:updated", (m) => (this.rooms.noteRev(m.room, m.rev), this.emit("message-updated", m)));
    this.socket.on("message:deleted", (p) => (this.rooms.noteRev(p.room, p.rev), this.emit("message-deleted", p)));
    this.socket.on("message:reactions", (p) => (this.rooms.noteRev(p.room, p.rev), this.emit("reactions", p)));
    this.socket.on("room:read", (p) => this.emit("read", p));
    this.socket.on("dm:new", (m) => this.emit("dm", m));
    this.socket.on("typing", (p) => this.emit("typing", p));
    this.socket.on("room:member-joined", (p) => this.emit("member-joined", p));
    this.socket.on("room:member-left", (p) => this.emit("member-left", p));
    this.socket.on("system:shutdown", (p) => this.emit("shutdown", p));
    this.socket.on("room:updated", (info) => this.emit("room-updated", info));
    this.socket.on("room:moderation", (action) => this.emit("moderation", action));
    // Kicked or banned: the room is not rejoined on reconnect (a ban would refuse it anyway).
    this.socket.on("room:removed", (p) => {
      this.rooms.forget(p.room);
      this.emit("removed", p);
    });
  }

  /** `auth:refresh { token }` (PROTOCOL v2), answered `{ expiresAt }`: on the live socket, without waiting for rooms to be rejoined. */
  private refreshToken(token: string): Promise<{ expiresAt: number }> {
    return this.request("auth:refresh", { token }, { waitReady: false });
  }

  private markReady(): void {
    this.isReady = true;
    this.ready.releaseAll();
  }
}
