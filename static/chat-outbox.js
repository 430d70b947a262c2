// @ts-check
// Chat page, sends not confirmed yet (a room's message:send or a dm:send):
// each shows at once at the end of its conversation as pending ("sending…",
// or "waiting for the connection…" while offline) until its ack, then makes
// way for the stored message; a refusal leaves it failed with the reason as a
// sentence and Retry / Discard. Every attempt of one message reuses its
// clientId, so a lost ack or a retry never stores it twice (PROTOCOL v1).
/* exported ChatOutbox */
/* global ChatDom, ChatErrors */
const ChatOutbox = (() => {
  "use strict";
  /** @typedef {import("./globals").PageAck<{ message: Message }> | import("./globals").PageAck<{ message: DirectMessage }>} SendAck */

  /** Attempts that time out before a send is given up as failed (a dropped connection does not count: it waits). */
  const ATTEMPTS = 8;

  /**
   * @param {{
   *   send: (v: ChatView, p: Pending) => Promise<SendAck>;
   *   sent: (v: ChatView, message: Message | DirectMessage) => void;
   *   changed: (v: ChatView) => void;
   * }} deps
   */
  function create(deps) {
    /** Resolves once connected and every room is rejoined; sends wait for it. */
    /** @type {Promise<void>} */
    let ready = Promise.resolve();
    /** @type {() => void} */
    let markReady = () => undefined;
    let isReady = true;

    /** @param {boolean} now connected and rejoined (true), or not any more (false) */
    function setReady(now) {
      if (now === isReady) return;
      isReady = now;
      if (now) markReady();
      else ready = new Promise((resolve) => (markReady = resolve));
    }
    setReady(false);

    /**
     * @param {ChatView} v
     * @param {string} text
     * @param {number} [replyTo]
     */
    function add(v, text, replyTo) {
      /** @type {Pending} */
      const p = { clientId: ChatDom.clientId(), text, ts: Date.now(), status: isReady ? "sending" : "waiting" };
      if (replyTo !== undefined) p.replyTo = replyTo;
      v.pending.push(p);
      deps.changed(v);
      void deliver(v, p);
    }

    /**
     * A dropped connection fails the request at once; the next attempt waits for the rejoin.
     *
     * @param {ChatView} v
     * @param {Pending} p
     */
    async function deliver(v, p) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (!isReady) {
          p.status = "waiting";
          deps.changed(v);
        }
        await ready;
        if (!v.pending.includes(p)) return;
        p.status = "sending";
        deps.changed(v);
        const res = await deps.send(v, p);
        if (res.ok) {
          v.pending = v.pending.filter((x) => x !== p);
          deps.sent(v, res.data.message);
          return;
        }
        if (res.error.code !== "TIMEOUT") {
          p.status = "failed";
          p.error = ChatErrors.friendly(res, v.kind === "room" ? "send" : "dm");
          return void deps.changed(v);
        }
      }
      p.status = "failed";
      p.error = "The server did not answer. Check your connection and try again.";
      deps.changed(v);
    }

    /**
     * @param {ChatView} v
     * @param {string} clientId
     */
    function retry(v, clientId) {
      const p = v.pending.find((x) => x.clientId === clientId);
      if (!p || p.status !== "failed") return;
      p.status = "sending";
      delete p.error;
      void deliver(v, p);
    }

    /**
     * @param {ChatView} v
     * @param {string} clientId
     */
    function discard(v, clientId) {
      v.pending = v.pending.filter((x) => x.clientId !== clientId);
      deps.changed(v);
    }

    return {
      add,
      retry,
      discard,
      setReady,
      get isReady() {
        return isReady;
      },
    };
  }

  return { create };
})();
