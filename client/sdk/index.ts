/**
 * Parlor client SDK: a typed socket.io-client wrapper for scripts and bots.
 *
 * @example
 * import { connectParlor } from "./client/sdk";
 * const parlor = await connectParlor({ url: "http://localhost:3000", name: "Ada" });
 */
export { Parlor, type ChatSocket, type ParlorClientOptions, type ParlorEvents } from "./client";
export { connectParlor, type ConnectParlorOptions } from "./connect";
export { ParlorError, type ClientErrorCode, type ParlorErrorCode } from "./errors";
export { createSession, type ParlorSession } from "./session";
export { readJwtClaims, sessionFromToken, type TokenSource } from "./token-keeper";
export type { ChatAckData, ChatAckEvent, ChatPayload } from "./types";
export type { DirectMessage, ErrorCode, Message, ModAction, RoomInfo, RoomJoinData, SearchResult, User } from "../../server/protocol";
