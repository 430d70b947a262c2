/** Client-side helpers for cluster tests: sockets on any node's URL, event recording. */
import type { Socket } from "socket.io-client";
import { createSession, openSocket, type ChatSocket, type Session } from "../../helpers";

/** A user with a session from `url` and a `/chat` socket to `socketUrl` (default the same node). */
export async function chatUser(url: string, name: string, socketUrl = url): Promise<{ session: Session; socket: ChatSocket }> {
  const session = await createSession(url, name);
  return { session, socket: await chatTab(socketUrl, session.token) };
}

/** Another `/chat` socket for an existing session, on any node. */
export function chatTab(url: string, token: string): Promise<ChatSocket> {
  return openSocket<ChatSocket>(`${url}/chat`, { auth: { token } });
}

/** Every event a socket receives, in order, as `[event, payload]`. */
export function record(socket: Socket<any, any>): [string, any][] {
  const seen: [string, any][] = [];
  socket.onAny((event: string, payload: unknown) => seen.push([event, payload]));
  return seen;
}

/** Resolves with the first `event` whose payload satisfies `match` (rejects after `timeoutMs`). */
export function waitForMatch<T = any>(
  socket: Socket<any, any>,
  event: string,
  match: (payload: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`timed out waiting for a matching "${event}"`));
    }, timeoutMs);
    socket.on(event, onEvent);
  });
}

/** 1..n, for comparing seq lists. */
export const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
