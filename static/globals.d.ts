/**
 * What the pages' classic scripts (loaded with <script src> in views/*.ejs, no
 * bundler) find on `window`, typed against server/protocol so that the
 * `// @ts-check` files in static/ are checked like the SDK. Only in
 * tsconfig.static.json (which brings the DOM lib), never in the Node check or
 * the server build. Browser code takes its types from server/protocol and
 * static/ only: the SDK's modules (client/sdk) are Node code.
 */
import type { io as connect, Socket } from "socket.io-client";
import type {
  Ack,
  AckCallback,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  Direction,
  GameClientToServerEvents,
  GameDelta,
  GameServerToClientEvents,
  User,
} from "../server/protocol";
import type * as GameSyncModule from "./game-sync";
import type { SyncState } from "./game-sync";
import type * as RoomSyncModule from "./room-sync";

/** The page's `/chat` socket, typed by the contract's event maps. */
export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
/** The game page's `/game` socket. */
export type GameSocket = Socket<GameServerToClientEvents, GameClientToServerEvents>;

/** A client-to-server event map of the contract: event -> (payload, ack?) => void. */
export type ClientEvents = ChatClientToServerEvents | GameClientToServerEvents;
/** The arguments of event `E` of map `M`. */
type EventArgs<M, E extends keyof M> = M[E] extends (...args: infer A) => void ? A : never;

/** The events of map `M` that take an ack callback. */
export type AckEvent<M> = { [E in keyof M]: EventArgs<M, E> extends [unknown, AckCallback<never>] ? E : never }[keyof M] & string;
/** The payload of event `E` of map `M`. */
export type EventPayload<M, E extends keyof M> = EventArgs<M, E>[0];
/** The `data` of a successful ack of event `E` of map `M`. */
export type AckData<M, E extends keyof M> = EventArgs<M, E>[1] extends AckCallback<infer T> ? T : never;

/** An ack, or the synthetic TIMEOUT that `ParlorSession.request` answers when none came. */
export type PageAck<T> = Ack<T> | { ok: false; error: { code: "TIMEOUT"; message: string; details?: undefined } };

/** A failed ack (the server's error or the synthetic TIMEOUT). */
export type FailedAck = Extract<PageAck<unknown>, { ok: false }>;

/**
 * The chat page's ack'd request on its socket (`ParlorChat.request`, handed to the page's parts):
 * `ParlorSession.request` with the `/chat` socket bound.
 */
export type ChatRequest = <E extends AckEvent<ChatClientToServerEvents>>(
  event: E,
  payload: EventPayload<ChatClientToServerEvents, E>,
) => Promise<PageAck<AckData<ChatClientToServerEvents, E>>>;

/** The sign-in kept in sessionStorage (the body of `POST /api/session`). */
export interface StoredSession {
  token: string;
  user: User;
  expiresAt: number;
}

/** static/parlor-session.js */
export interface ParlorSessionApi {
  SESSION_KEY: string;
  /** The stored session, if it is still good for a minute and (when `name` is not empty) for this name. */
  load(name?: string): StoredSession | null;
  /** `POST /api/session`; keeps and returns the session, or throws with the server's message. */
  create(name: string): Promise<StoredSession>;
  /** Emits with an ack and a timeout; resolves with the ack or a synthetic TIMEOUT error. */
  request<M extends ClientEvents, E extends AckEvent<M>>(
    socket: Socket<never, M>,
    event: E,
    payload: EventPayload<M, E>,
    timeoutMs?: number,
  ): Promise<PageAck<AckData<M, E>>>;
  /** An error ack as one line: code, message, the field at fault, when to retry. */
  ackError(res: FailedAck | undefined): string;
}

/** What the game page's view needs of the game's rules (from the page's data attributes). */
export interface GameRules {
  world: number;
  tickHz: number;
  playerSpeed: number;
  playerRadius: number;
  orbRadius: number;
}

/** static/game-view.js: one canvas that draws a game, interpolating others and predicting the local player. */
export interface OrbsView {
  /** A full state (join or new round): everything snaps. `state` is the page's OrbsSync state, read by `draw`. */
  reset(state: SyncState, playerId: string, now: number): void;
  /** After `delta` was applied to the state: new samples, and reconciliation of the predicted local player. */
  applied(delta: GameDelta, now: number): void;
  /** An input the page sent (`game:input`): predicted until the server's `ackSeq` reaches `seq`. */
  input(seq: number, dir: { x: number; y: number }): void;
  /** The round is over: the local player stops moving until the next `reset`. */
  freeze(): void;
  /** Draws the frame at `now` (a `requestAnimationFrame` time). */
  draw(now: number): void;
  /** Inputs sent that the server has not applied yet. */
  readonly pendingInputs: number;
}

/** static/game-input.js: the keyboard, the touch pad and its buttons as one steering direction. */
export interface OrbsInput {
  /** Forgets the last direction and reports the current one again if it is not standing still (a new seat). */
  restart(): void;
}

declare global {
  /** /socket.io/socket.io.js (the client bundle the server serves). */
  const io: typeof connect;
  /**
   * CommonJS's `module` where Node requires game-sync.js and room-sync.js; not defined in the browser
   * (the scripts test `typeof module` first).
   */
  var module: { exports: unknown } | undefined;
  interface Window {
    ParlorSession: ParlorSessionApi;
    /** static/room-sync.js */
    ParlorRoomSync: typeof RoomSyncModule;
    /** static/game-sync.js */
    OrbsSync: typeof GameSyncModule;
    /** static/game-view.js */
    OrbsView: { create(canvas: HTMLCanvasElement, rules: GameRules): OrbsView };
    /** static/game-input.js */
    OrbsInput: {
      create(options: { pad: HTMLElement; enabled(): boolean; onChange(dir: Direction): void }): OrbsInput;
    };
  }
}
