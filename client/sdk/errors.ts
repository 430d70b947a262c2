/**
 * ParlorError: every failure the SDK reports, as a value with a code. Server
 * errors keep the code, message and details of the ack; the SDK adds codes
 * of its own for what only a client can see (a timeout, a refused connect).
 */
import type { AckError, ErrorCode } from "../../server/protocol";

/** Codes the SDK itself produces, next to the server's `ErrorCode`s. */
export type ClientErrorCode =
  /** No ack within the timeout (after every retry). */
  | "TIMEOUT"
  /** The connection dropped while the request was pending (retryable). */
  | "DISCONNECTED"
  /** The client was closed while the request was pending. */
  | "CLOSED"
  /** The server could not be reached (HTTP or Socket.IO connect failed). */
  | "CONNECT_FAILED";

export type ParlorErrorCode = ErrorCode | ClientErrorCode;

/**
 * An error from the server (an ack with `ok: false`, a refused handshake, an
 * HTTP error) or from the client (timeout, closed).
 *
 * @example
 * try {
 *   await parlor.send("lobby", "hi");
 * } catch (err) {
 *   if (err instanceof ParlorError && err.code === "FORBIDDEN") await parlor.join("lobby");
 * }
 */
export class ParlorError extends Error {
  constructor(
    readonly code: ParlorErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ParlorError";
  }

  /**
   * The error of a failed ack.
   *
   * @example
   * if (!ack.ok) throw ParlorError.fromAck(ack.error);
   */
  static fromAck(error: AckError): ParlorError {
    return new ParlorError(error.code, error.message, error.details);
  }

  /**
   * How long the server asked to wait before retrying (`RATE_LIMITED`), if it said.
   *
   * @example
   * if (err.code === "RATE_LIMITED") await sleep(err.retryAfterMs ?? 1000);
   */
  get retryAfterMs(): number | undefined {
    const d = this.details as { retryAfterMs?: unknown } | undefined;
    return typeof d?.retryAfterMs === "number" ? d.retryAfterMs : undefined;
  }
}
