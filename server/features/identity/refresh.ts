/**
 * `auth:refresh { token }` on `/chat` and `/game` (PROTOCOL v2 "Identity v2"):
 * another valid token of the same user id replaces the socket's; its name,
 * roles and expiry take effect (the expiry timer follows). One answer, filed
 * in each namespace's handlers. No socket here: the context's `setIdentity`
 * applies the identity (server/realtime/auth.ts `applyIdentity`).
 */
import type { Identity, IdentityVerifier } from "../../auth/identity";
import { refreshAck, refreshIdentity } from "../../auth/refresh";
import { chatContract, gameContract, type User } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import type { GameContext } from "../game/context";

/** What `auth:refresh` needs of a namespace's context. */
export interface IdentityContext {
  user: User;
  /** The handshake's verifier (session tokens and JWTs). */
  identities: IdentityVerifier;
  /** Stores the (possibly renamed) user and its roles, as the handshake does. */
  rememberUser(user: User, roles: readonly string[]): Promise<void>;
  /** Makes `identity` the connection's: its user (`ctx.user` too), roles and expiry. */
  setIdentity(identity: Identity): void;
}

/** The ack of a refresh of `ctx`'s connection with `token`; throws UNAUTHORIZED or FORBIDDEN and changes nothing then. */
export async function refreshConnection({ token }: { token: string }, ctx: IdentityContext): Promise<{ expiresAt: number }> {
  const identity = await refreshIdentity({ token }, ctx.user, {
    verifier: ctx.identities,
    remember: (user, roles) => ctx.rememberUser(user, roles ?? []),
  });
  ctx.setIdentity(identity);
  return refreshAck(identity);
}

/** `auth:refresh` on `/chat` (counted against the user's rate limit like every chat event). */
export const chatAuthRefresh = defineEvent<typeof chatContract, ChatContext, "auth:refresh">(chatContract, {
  event: "auth:refresh",
  handle: refreshConnection,
});
/** `auth:refresh` on `/game`. */
export const gameAuthRefresh = defineEvent<typeof gameContract, GameContext, "auth:refresh">(gameContract, {
  event: "auth:refresh",
  handle: refreshConnection,
});
