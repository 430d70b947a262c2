/** The EJS pages. Page config travels in data attributes (EJS escapes it), never in inline script. */
import { Router } from "express";
import { gameOptions, type GameOptions } from "../features/game/options";

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");

/**
 * The name a page starts with: `?name=Craig`, or the seed's shorthand `/?Craig` (a lone
 * query key with no value). Anything else starts at the sign-in form.
 */
export function presetName(query: Record<string, unknown>, max = 32): string {
  const named = str(query.name, max);
  if (named) return named;
  const keys = Object.keys(query);
  if (keys.length === 1 && query[keys[0]] === "" && keys[0] !== "room") return keys[0].slice(0, max);
  return "";
}

/** `game`: the rules the game page shows and draws with (the defaults with the config's overrides, e.g. PARLOR_GAME_WIN_SCORE). */
export function pagesRouter(game: Partial<GameOptions> = {}): Router {
  const router = Router();
  const rules = gameOptions(game);
  router.get("/", (req, res) => {
    res.render("chat", { name: presetName(req.query), room: str(req.query.room, 64) || "lobby" });
  });
  router.get("/game", (req, res) => {
    res.render("game", { name: presetName(req.query), rules });
  });
  return router;
}
