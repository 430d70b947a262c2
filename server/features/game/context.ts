/**
 * What a `/game` handler may use. No socket in here: the connection is a
 * plain object the game layer seats, and the manager reaches clients through
 * its transport, so handlers can be called with a plain object in tests.
 */
import type { Logger } from "../../logger";
import type { User } from "../../protocol";
import type { GameManager } from "./manager";
import type { GameConnection } from "./transport";

export interface GameContext {
  user: User;
  connection: GameConnection;
  games: GameManager;
  log: Logger;
  /** Most games in a `game:list` reply (PARLOR_MAX_LIST). */
  maxListItems: number;
}
