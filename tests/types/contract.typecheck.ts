/**
 * Type-level tests of the contract, checked by `tsc --noEmit` (part of
 * `npm test`): a wrong payload must not compile against the event maps.
 * Nothing here runs.
 */
import type { Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatServerToClientEvents, SystemClientToServerEvents, SystemServerToClientEvents } from "../../server/protocol";

declare const chat: Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
declare const system: Socket<SystemServerToClientEvents, SystemClientToServerEvents>;

export async function contractChecks() {
  const joined = await chat.emitWithAck("room:join", { room: "lobby", sinceSeq: 3 });
  if (joined.ok) {
    const seq: number = joined.data.messages[0].seq;
    void seq;
  } else {
    const code: "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "PAYLOAD_TOO_LARGE" | "UNKNOWN_EVENT" | "INTERNAL" = joined.error.code;
    void code;
  }

  // @ts-expect-error room must be a string
  chat.emit("room:join", { room: 1 }, () => {});
  // @ts-expect-error message:send needs text
  chat.emit("message:send", { room: "lobby" }, () => {});
  // @ts-expect-error no such event in the contract
  chat.emit("room:destroy", { room: "lobby" });
  // @ts-expect-error typing is a boolean
  chat.emit("typing", { room: "lobby", typing: "yes" });

  chat.on("message:new", (m) => {
    const name: string = m.user.name;
    void name;
  });
  // @ts-expect-error message:new carries a Message, not a string
  chat.on("message:new", (m: string) => void m);

  const health = await system.emitWithAck("system:healthcheck");
  if (health.ok) {
    const status: "healthy" = health.data.status;
    void status;
  }
}
