/**
 * Errors are values with codes. Handlers throw `AppError`; the event registry
 * turns it into `{ ok: false, error }`. Anything else thrown becomes INTERNAL
 * with a generic message (the stack goes to the server log only).
 */
import type { AckError, ErrorCode } from "./protocol";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** The client-safe form of any thrown value. */
export function toAckError(err: unknown): AckError {
  if (err instanceof AppError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  return { code: "INTERNAL", message: "internal error" };
}
