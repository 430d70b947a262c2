/**
 * Type-level tests of the contract, checked by `tsc --noEmit` (part of
 * `npm test`): a wrong event name, payload or ack must not compile, neither
 * in a client's emit nor in a server's event definition.
 * Nothing here runs.
 */
import type { Socket } from "socket.io-client";
import { defineChatEvent, type ChatContext } from "../../server/features/context";
import { chatHandlers } from "../../server/namespaces/chat";
import {
  chatContract,
  type ChatClientToServerEvents,
  type ChatContract,
  type ChatServerToClientEvents,
  type Message,
  type SystemClientToServerEvents,
  type SystemServerToClientEvents,
} from "../../server/protocol";
import { defineEvent, type NamespaceHandlers } from "../../server/realtime/registry";

declare const chat: Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
declare const system: Socket<SystemServerToClientEvents, SystemClientToServerEvents>;

export async function contractChecks() {
  const joined = await chat.emitWithAck("room:join", { room: "lobby", sinceSeq: 3 });
  if (joined.ok) {
    const seq: number = joined.data.messages[0].seq;
    void seq;
  } else {
    const code:
      | "BAD_REQUEST"
      | "UNAUTHORIZED"
      | "FORBIDDEN"
      | "NOT_FOUND"
      | "CONFLICT"
      | "RATE_LIMITED"
      | "PAYLOAD_TOO_LARGE"
      | "UNKNOWN_EVENT"
      | "INTERNAL" = joined.error.code;
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

/**
 * The server side of the same contract: `defineEvent` is generic over the
 * namespace's contract, and a namespace's handlers must cover all of it.
 */

declare const message: Message;

export const serverContractChecks = [
  defineChatEvent({ event: "message:send", handle: () => ({ message }) }),
  // @ts-expect-error no such event in the /chat contract
  defineChatEvent({ event: "mesage:send", handle: () => ({ message }) }),
  // @ts-expect-error message:send acks { message }, not { msg }
  defineChatEvent({ event: "message:send", handle: () => ({ msg: message }) }),
  defineChatEvent({
    event: "message:send",
    handle: ({ room }) => {
      // @ts-expect-error the payload's room is a string
      const n: number = room;
      void n;
      return { message };
    },
  }),
  // @ts-expect-error room:leave acks { room: string }
  defineEvent(chatContract, { event: "room:leave", handle: (_input, _ctx: ChatContext) => ({ room: 1 }) }),
];

const { "room:join": _left, ...withoutJoin } = chatHandlers;
void _left;
// @ts-expect-error every client event of the contract needs its definition (room:join left out)
export const missingOne: NamespaceHandlers<ChatContract, ChatContext> = withoutJoin;
// @ts-expect-error a definition filed under another event's name
export const swapped: NamespaceHandlers<ChatContract, ChatContext> = { ...chatHandlers, "room:join": chatHandlers["room:leave"] };
