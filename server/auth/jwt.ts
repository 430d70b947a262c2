/**
 * JWTs minted by the application's backend (PROTOCOL "Identity v2"), verified
 * with jose: HS256 with a shared secret, RS256 or ES256 with a PEM public key.
 *
 * Only the algorithms of the keys configured are accepted, each with its own
 * key: `none`, any other algorithm and an RS256 token checked against the HS
 * secret (algorithm confusion) all fail before a signature is even computed.
 */
import { createPublicKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { importSPKI, jwtVerify, type CryptoKey, type JWSAlgorithm, type JWTVerifyOptions } from "jose";
import { z } from "zod";
import { UserName } from "../protocol";
import { ROLES, type Identity, type Role } from "./identity";

/** What `PARLOR_JWT_*` configure (server/config.ts). */
export interface JwtConfig {
  /** HS256 secret, at least 32 bytes. */
  secret?: string;
  /** RS256/ES256 public key: PEM text, or the path of a PEM file. */
  publicKey?: string;
  /** Required `iss` when set. */
  issuer?: string;
  /** Required `aud` (one of the token's audiences) when set. */
  audience?: string;
}

export interface JwtVerifier {
  /** The algorithms a token may use (for logs and docs). */
  readonly algorithms: readonly JWSAlgorithm[];
  /** The identity of a valid, unexpired JWT, or `null` for anything else. */
  verify(token: string, now?: number): Promise<Identity | null>;
}

/** jose's limit is the header; this bounds the work an anonymous handshake can cause. */
export const MAX_JWT_LENGTH = 8192;

/** The claims Parlor reads; anything else in the payload is ignored. */
const Claims = z.object({
  sub: z.string().min(1).max(64),
  name: UserName,
  exp: z.number(),
  // Unknown role names are allowed (the backend may use its own) and ignored.
  roles: z.array(z.string().max(64)).max(32).optional(),
});

/**
 * Builds the verifier once at start; throws an error naming the variable when
 * a key cannot be used. `undefined` when no JWT key is configured.
 *
 * @example
 * const jwt = await createJwtVerifier({ secret: process.env.PARLOR_JWT_SECRET });
 * const identity = await jwt?.verify(token); // { user: { id: sub, name }, roles, exp } or null
 */
export async function createJwtVerifier(config: JwtConfig): Promise<JwtVerifier | undefined> {
  const keys = new Map<JWSAlgorithm, Uint8Array | CryptoKey>();
  if (config.secret) keys.set("HS256", new TextEncoder().encode(config.secret));
  if (config.publicKey) {
    const { alg, key } = await loadPublicKey(config.publicKey);
    keys.set(alg, key);
  }
  if (keys.size === 0) return undefined;
  const algorithms = [...keys.keys()];
  const options: JWTVerifyOptions = {
    algorithms,
    requiredClaims: ["sub", "exp"],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };

  return {
    algorithms,
    async verify(token, now = Date.now()) {
      if (token.length > MAX_JWT_LENGTH) return null;
      try {
        // The header's alg picks the key; jose has already refused an alg outside `algorithms`.
        const { payload } = await jwtVerify(token, (header) => keys.get(header.alg as JWSAlgorithm) ?? new Uint8Array(), {
          ...options,
          currentDate: new Date(now),
        });
        const claims = Claims.safeParse(payload);
        if (!claims.success) return null;
        const exp = claims.data.exp * 1000;
        if (!(exp > now)) return null;
        const roles = (claims.data.roles ?? []).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
        return { user: { id: claims.data.sub, name: claims.data.name }, roles: [...new Set(roles)], exp };
      } catch {
        return null;
      }
    },
  };
}

/** PEM text (anything containing "-----BEGIN") or a file path; `\n` escapes are accepted for one-line env values. */
async function loadPublicKey(value: string): Promise<{ alg: JWSAlgorithm; key: CryptoKey }> {
  let pem = value.includes("-----BEGIN")
    ? value
    : await readFile(value, "utf8").catch((err: Error) => {
        throw new Error(`PARLOR_JWT_PUBLIC_KEY: not PEM text and not a readable file (${err.message})`, { cause: err });
      });
  pem = pem.replace(/\\n/g, "\n").trim();
  let alg: JWSAlgorithm;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === "rsa") alg = "RS256";
    else if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") alg = "ES256";
    else
      throw new Error(
        `a ${key.asymmetricKeyType} key${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ""}`,
      );
    // A private key also parses above: refuse it, so a secret never sits in the public slot unnoticed.
    if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) throw new Error('expected a "BEGIN PUBLIC KEY" (SPKI) PEM');
  } catch (err) {
    throw new Error(`PARLOR_JWT_PUBLIC_KEY: needs an RSA (RS256) or P-256 EC (ES256) public key in SPKI PEM (${(err as Error).message})`, {
      cause: err,
    });
  }
  return { alg, key: await importSPKI(pem, alg) };
}
