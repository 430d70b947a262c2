/**
 * What a `/game` handler may use. No socket in here: the connection is a
 * plain object the game layer seats, and the manager reaches clients through
 * its transport, so handlers can be called with a plain object in tests.
 */
import type { Logger } from "../../logger";
import { type GameContract, gameContract, type User } from "../../protocol";
import { eventDefiner } from "../../realtime/registry";
import type { IdentityContext } from "../identity/refresh";
import type { GameCluster } from "./cluster";
import type { GameManager } from "./manager";
import type { GameConnection } from "./transport";

/** `user` is the connection's, replaced by `auth:refresh` (IdentityContext). */
export interface GameContext extends IdentityContext {
  user: User;
  connection: GameConnection;
  games: GameManager;
  /** Set on a cluster (PARLOR_REDIS_URL): the games of every node, through their owners. */
  cluster?: GameCluster;
  log: Logger;
  /** Most games in a `game:list` reply (PARLOR_MAX_LIST). */
  maxListItems: number;
}

/** Declares a `/game` event: its name must be in the game contract, its handler returns that event's ack data. */
export const defineGameEvent = eventDefiner<GameContract, GameContext>(gameContract);
