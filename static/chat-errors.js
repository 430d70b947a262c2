// @ts-check
// Chat page: error acks as sentences a person understands. The code is never
// shown alone; the server's message follows only where it adds something. A
// join that fails throws an AckFailure (RoomSync's joins throw), said by joinFailed.
/* exported ChatErrors */
const ChatErrors = (() => {
  "use strict";
  /** @typedef {import("./globals").FailedAck} FailedAck */

  /**
   * What the failed action was, for the sentences that depend on it.
   * @typedef {"send" | "search" | "join" | "edit" | "delete" | "react" | "leave" | "dm" | "history" | "other"} Action
   */

  /** @param {number | null | undefined} until */
  const untilText = (until) => (until ? ` until ${new Date(until).toLocaleString()}` : "");

  /**
   * @param {FailedAck | undefined} res
   * @param {Action} [action]
   * @returns {string}
   */
  function friendly(res, action = "other") {
    if (!res) return "The server did not answer. Check your connection and try again.";
    const e = res.error;
    const details = /** @type {{ field?: string; retryAfterMs?: number; reason?: string; until?: number | null } | undefined} */ (
      e.details
    );
    switch (e.code) {
      case "RATE_LIMITED": {
        const wait = details && details.retryAfterMs ? ` (about ${Math.max(1, Math.ceil(details.retryAfterMs / 1000))} s)` : "";
        return `You're sending too fast — wait a moment${wait}.`;
      }
      case "FORBIDDEN":
        if (details && details.reason === "muted") return `You're muted in this room${untilText(details.until)}.`;
        if (details && details.reason === "banned") return `You're banned from this room${untilText(details.until)}.`;
        if (action === "edit") return "You can only edit your own messages.";
        if (action === "delete") return "You can only delete your own messages here.";
        if (action === "send" || action === "history") return "Join the room first to do that.";
        return "You're not allowed to do that here.";
      case "NOT_FOUND":
        if (action === "dm") return "That user isn't known to the server.";
        if (action === "edit" || action === "delete" || action === "react" || action === "send")
          return "That message no longer exists (it may have been deleted).";
        return "That doesn't exist (any more).";
      case "BAD_REQUEST":
        if (action === "search") return `That search didn't work: try plain words or a prefix such as hel* (${e.message}).`;
        if (action === "join") return "Room names are lower-case letters, digits, _ and - (up to 64).";
        if (action === "send" || action === "edit" || action === "dm") return `That message can't be sent: ${e.message}.`;
        return `That wasn't accepted: ${e.message}.`;
      case "PAYLOAD_TOO_LARGE":
        return "That's too long to send.";
      case "UNAUTHORIZED":
        return "Your session has expired. Sign in again.";
      case "CONFLICT":
        return "That clashes with a change made meanwhile. Try again.";
      case "TIMEOUT":
        return "The server did not answer in time. Check your connection and try again.";
      case "INTERNAL":
        return "Something went wrong on the server. Try again in a moment.";
      default:
        return `Something went wrong: ${e.message}.`;
    }
  }

  /** A failed request thrown rather than answered (RoomSync's joins), carrying its ack for a sentence. */
  class AckFailure extends Error {
    /** @param {FailedAck} ack */
    constructor(ack) {
      super(window.ParlorSession.ackError(ack));
      this.ack = ack;
    }
  }

  /** @param {unknown} err what a join threw: an AckFailure's sentence, or a generic one */
  const joinFailed = (err) => (err instanceof AckFailure ? friendly(err.ack, "join") : "Something went wrong. Try again.");

  return { friendly, AckFailure, joinFailed };
})();
