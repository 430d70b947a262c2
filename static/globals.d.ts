/**
 * What the pages' classic scripts (loaded with <script src> in views/*.ejs, no
 * bundler) find on `window`, typed against server/protocol so that
 * `// @ts-check` files in static/ are checked like the SDK. Only in
 * `tsc --noEmit -p .` (tsconfig.json), never in the server build.
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { io as connect, Socket } from "socket.io-client";
import type { Ack, ChatClientToServerEvents, ChatServerToClientEvents, User } from "../server/protocol";
import type { ChatAckData, ChatAckEvent, ChatPayload } from "../client/sdk/types";
import type * as RoomSyncModule from "./room-sync";

/** The page's `/chat` socket, typed by the contract's event maps. */
export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;

/** An ack, or the synthetic TIMEOUT that `ParlorSession.request` answers when none came. */
export type PageAck<T> = Ack<T> | { ok: false; error: { code: "TIMEOUT"; message: string; details?: undefined } };

/** The sign-in kept in sessionStorage (the body of `POST /api/session`). */
export interface StoredSession {
  token: string;
  user: User;
  expiresAt: number;
}

/** static/parlor-session.js */
export interface ParlorSessionApi {
  SESSION_KEY: string;
  load(name: string): StoredSession | null;
  create(name: string): Promise<StoredSession>;
  request<E extends ChatAckEvent>(
    socket: ChatSocket,
    event: E,
    payload: ChatPayload<E>,
    timeoutMs?: number,
  ): Promise<PageAck<ChatAckData<E>>>;
  ackError(res: PageAck<unknown> | undefined): string;
}

declare global {
  /** /socket.io/socket.io.js (the client bundle the server serves). */
  const io: typeof connect;
  interface Window {
    ParlorSession: ParlorSessionApi;
    /** static/room-sync.js */
    ParlorRoomSync: typeof RoomSyncModule;
  }
}
