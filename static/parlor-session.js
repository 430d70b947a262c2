// @ts-check
// What the chat and game pages share: the sign-in kept in sessionStorage (one
// sign-in for both pages), acks with a timeout, and ack errors as text.
// Loaded with <script src> before the page's own script, as window.ParlorSession.
(function (root) {
  "use strict";
  /** @typedef {import("./globals").ParlorSessionApi} ParlorSessionApi */
  /** @typedef {import("./globals").StoredSession} StoredSession */
  /** @typedef {import("./globals").ClientEvents} ClientEvents */
  /**
   * @template T
   * @typedef {import("./globals").PageAck<T>} PageAck
   */
  /**
   * @template T
   * @typedef {import("../server/protocol").Ack<T>} Ack
   */
  /**
   * @template {ClientEvents} M
   * @typedef {import("./globals").AckEvent<M>} AckEvent
   */
  /**
   * @template {ClientEvents} M
   * @template {keyof M} E
   * @typedef {import("./globals").EventPayload<M, E>} EventPayload
   */
  /**
   * @template {ClientEvents} M
   * @template {keyof M} E
   * @typedef {import("./globals").AckData<M, E>} AckData
   */

  const SESSION_KEY = "parlor.session";
  /** What `request` answers when no ack came in time. */
  /** @type {PageAck<never>} */
  const TIMEOUT = { ok: false, error: { code: "TIMEOUT", message: "the server did not answer in time" } };

  /**
   * The stored session, if it is still good for a minute and (when given) for this name.
   *
   * @param {string} [name]
   * @returns {StoredSession | null}
   */
  function load(name) {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      if (s && s.expiresAt > Date.now() + 60_000 && (!name || s.user.name === name)) return s;
    } catch (_) {
      /* a corrupt entry is replaced on the next sign-in */
    }
    return null;
  }

  /**
   * POST /api/session; keeps and returns `{ token, user, expiresAt }`, or throws with the server's message.
   *
   * @param {string} name
   * @returns {Promise<StoredSession>}
   */
  async function create(name) {
    const res = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status !== 201) throw new Error((body.error && body.error.message) || `HTTP ${res.status}`);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(body));
    return body;
  }

  /**
   * Emits with an ack and a timeout; resolves with the ack or a synthetic TIMEOUT error.
   *
   * @template {ClientEvents} M
   * @template {AckEvent<M>} E
   * @param {import("socket.io-client").Socket<never, M>} socket
   * @param {E} event
   * @param {EventPayload<M, E>} payload
   * @returns {Promise<PageAck<AckData<M, E>>>}
   */
  function request(socket, event, payload, timeoutMs = 8000) {
    // Socket.IO's emitWithAck types cannot follow a generic event name; callers see the signature above.
    const timed = /** @type {{ emitWithAck(event: E, payload: EventPayload<M, E>): Promise<Ack<AckData<M, E>>> }} */ (
      /** @type {unknown} */ (socket.timeout(timeoutMs))
    );
    return timed.emitWithAck(event, payload).catch(() => TIMEOUT);
  }

  /**
   * An error ack as one line: code, message, the field at fault, when to retry.
   *
   * @type {ParlorSessionApi["ackError"]}
   */
  function ackError(res) {
    if (!res) return "no answer from the server";
    /** @type {Partial<import("./globals").FailedAck["error"]>} */
    const e = res.error || {};
    // The details' shape differs per code; these two are the ones worth a word.
    const details = /** @type {{ field?: string; retryAfterMs?: number } | undefined} */ (e.details);
    const field = details && details.field ? ` (${details.field})` : "";
    const retry = details && details.retryAfterMs ? `, retry in ${Math.ceil(details.retryAfterMs / 1000)} s` : "";
    return `${e.code}: ${e.message}${field}${retry}`;
  }

  root.ParlorSession = { SESSION_KEY, load, create, request, ackError };
})(window);
