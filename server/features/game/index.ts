/** The Orbs game feature: the `/game` events and what they run on. */
import { createGame } from "./create";
import { gameInput } from "./input";
import { joinGame } from "./join";
import { leaveGame } from "./leave";
import { listGames } from "./list";
import { quickplay } from "./quickplay";

export type { GameContext } from "./context";
export { GameManager, type GameManagerInit, type TickListener } from "./manager";
export { DEFAULT_GAME_OPTIONS, gameOptions, type GameOptions } from "./options";
export { GameRoom } from "./room";
export type { GameConnection, GameTransport } from "./transport";

export const gameEvents = [listGames, createGame, joinGame, quickplay, leaveGame, gameInput];
