/** Minting test JWTs the way an application's backend would, plus the forgeries the server must refuse. */
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

export const HS_SECRET = "hs256-test-secret-of-at-least-32-bytes!";

export interface KeyPair {
  privateKey: CryptoKey;
  /** SPKI PEM, what PARLOR_JWT_PUBLIC_KEY holds. */
  publicPem: string;
}

/** A real key pair, generated for the test run. */
export async function keyPair(alg: "RS256" | "ES256"): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicPem: await exportSPKI(publicKey) };
}

export interface MintOptions {
  alg?: "HS256" | "RS256" | "ES256";
  key?: CryptoKey | Uint8Array;
  /** Seconds from now; `null` leaves `exp` out. */
  expiresIn?: number | null;
}

/** `{ sub, name, exp, roles? }` signed like a backend would. */
export async function mint(claims: JWTPayload & { name?: unknown; roles?: unknown }, opts: MintOptions = {}): Promise<string> {
  const alg = opts.alg ?? "HS256";
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).setIssuedAt();
  if (opts.expiresIn !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (opts.expiresIn ?? 300));
  return jwt.sign(opts.key ?? new TextEncoder().encode(HS_SECRET));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsecured JWT (`alg: "none"`, empty signature). */
export function unsigned(claims: Record<string, unknown>): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}

/** A valid JWT's payload replaced, signature kept. */
export function tampered(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, ...change })}.${signature}`;
}

export const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;
