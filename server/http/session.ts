/** `POST /api/session`: a name in, a signed token out (201). */
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { newUserId, type TokenSigner } from "../auth/tokens";
import { UserName } from "../protocol";
import { validationDetails } from "../realtime/registry";

const SessionRequest = z.strictObject({ name: UserName });

/** `limit` runs first (the per-IP rate limit of server/security/rate-limit.ts), so even a bad request counts. */
export function sessionRouter(
  signer: TokenSigner,
  onUser: (user: { id: string; name: string }) => Promise<void>,
  limit: RequestHandler = (_req, _res, next) => next(),
): Router {
  const router = Router();
  router.post("/api/session", limit, async (req, res, next) => {
    const parsed = SessionRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: "BAD_REQUEST", message: "name must be 1-32 characters without control, invisible or direction-changing characters", details: validationDetails(parsed.error) } });
      return;
    }
    try {
      const user = { id: newUserId(), name: parsed.data.name };
      await onUser(user);
      const { token, expiresAt } = signer.issue(user);
      res.status(201).json({ token, user, expiresAt });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
