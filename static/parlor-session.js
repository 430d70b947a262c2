// What the chat and game pages share: the sign-in kept in sessionStorage (one
// sign-in for both pages), acks with a timeout, and ack errors as text.
// Loaded with <script src> before the page's own script, as window.ParlorSession.
(function (root) {
  "use strict";

  const SESSION_KEY = "parlor.session";

  /** The stored session, if it is still good for a minute and (when given) for this name. */
  function load(name) {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      if (s && s.expiresAt > Date.now() + 60_000 && (!name || s.user.name === name)) return s;
    } catch (_) {
      /* a corrupt entry is replaced on the next sign-in */
    }
    return null;
  }

  /** POST /api/session; keeps and returns `{ token, user, expiresAt }`, or throws with the server's message. */
  async function create(name) {
    const res = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    const body = await res.json().catch(() => ({}));
    if (res.status !== 201) throw new Error((body.error && body.error.message) || `HTTP ${res.status}`);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(body));
    return body;
  }

  /** Emits with an ack and a timeout; resolves with the ack or a synthetic TIMEOUT error. */
  function request(socket, event, payload, timeoutMs = 8000) {
    return socket
      .timeout(timeoutMs)
      .emitWithAck(event, payload)
      .catch(() => ({ ok: false, error: { code: "TIMEOUT", message: "the server did not answer in time" } }));
  }

  /** An error ack as one line: code, message, the field at fault, when to retry. */
  function ackError(res) {
    if (!res) return "no answer from the server";
    const e = res.error || {};
    const field = e.details && e.details.field ? ` (${e.details.field})` : "";
    const retry = e.details && e.details.retryAfterMs ? `, retry in ${Math.ceil(e.details.retryAfterMs / 1000)} s` : "";
    return `${e.code}: ${e.message}${field}${retry}`;
  }

  root.ParlorSession = { SESSION_KEY, load, create, request, ackError };
})(window);
