/** The EJS pages. Page config travels in data attributes (EJS escapes it), never in inline script. */
import { Router } from "express";
import { DEFAULT_GAME_OPTIONS } from "../features/game/options";

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");

export function pagesRouter(): Router {
  const router = Router();
  router.get("/", (req, res) => {
    res.render("chat", { name: str(req.query.name, 32), room: str(req.query.room, 64) || "lobby" });
  });
  router.get("/game", (req, res) => {
    res.render("game", { name: str(req.query.name, 32), rules: DEFAULT_GAME_OPTIONS });
  });
  return router;
}
