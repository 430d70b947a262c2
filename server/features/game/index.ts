/** The Orbs game feature: the `/game` events and what they run on. */
export { defineGameEvent, type GameContext } from "./context";
export { GameManager, type GameManagerInit, type TickListener } from "./manager";
export { DEFAULT_GAME_OPTIONS, gameOptions, type GameOptions } from "./options";
export { GameRoom } from "./room";
export type { GameConnection, GameTransport } from "./transport";
