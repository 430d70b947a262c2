/**
 * `POST /api/session`: a name in, a guest token out (201). With guests off
 * (PARLOR_GUESTS=0, no signer given) it answers 403 FORBIDDEN: users come
 * with a JWT from the application's backend instead.
 */
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { guestUser } from "../auth/identity";
import { newUserId, type TokenSigner } from "../auth/tokens";
import { UserName, type User } from "../protocol";
import { validationDetails } from "../realtime/registry";

const SessionRequest = z.strictObject({ name: UserName });

/** `limit` runs first (the per-IP rate limit of server/security/rate-limit.ts), so even a bad request counts. */
export function sessionRouter(
  signer: TokenSigner | undefined,
  onUser: (user: User) => Promise<void>,
  limit: RequestHandler = (_req, _res, next) => next(),
): Router {
  const router = Router();
  router.post("/api/session", limit, async (req, res, next) => {
    if (!signer) {
      res.status(403).json({
        error: { code: "FORBIDDEN", message: "guest sessions are turned off: connect with a token from this application's backend" },
      });
      return;
    }
    const parsed = SessionRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({
        error: {
          code: "BAD_REQUEST",
          message: "name must be 1-32 characters without control, invisible or direction-changing characters",
          details: validationDetails(parsed.error),
        },
      });
      return;
    }
    try {
      const user = guestUser({ id: newUserId(), name: parsed.data.name });
      await onUser(user);
      const { token, expiresAt } = signer.issue(user);
      res.status(201).json({ token, user, expiresAt });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
