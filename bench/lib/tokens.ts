/**
 * Session tokens for load workers, signed with the secret the benchmark gave
 * the server: thousands of users without thousands of POST /api/session
 * calls (which would measure the HTTP API and its rate limit, not sockets).
 */
import { createTokenSigner } from "../../server/auth/tokens";

/** `count` tokens for distinct users `<prefix>0..`, valid for an hour. */
export function mintTokens(secret: string, count: number, prefix: string): string[] {
  const signer = createTokenSigner(secret, 60 * 60 * 1000);
  return Array.from({ length: count }, (_, i) => signer.issue({ id: `u_${prefix}${i}`, name: `${prefix}${i}` }).token);
}
