/** The EJS pages. Page config travels in data attributes (EJS escapes it), never in inline script. */
import { Router } from "express";
import { gameOptions, type GameOptions } from "../features/game/options";

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");

/** `game`: the rules the game page shows and draws with (the defaults with the config's overrides, e.g. PARLOR_GAME_WIN_SCORE). */
export function pagesRouter(game: Partial<GameOptions> = {}): Router {
  const router = Router();
  const rules = gameOptions(game);
  router.get("/", (req, res) => {
    res.render("chat", { name: str(req.query.name, 32), room: str(req.query.room, 64) || "lobby" });
  });
  router.get("/game", (req, res) => {
    res.render("game", { name: str(req.query.name, 32), rules });
  });
  return router;
}
