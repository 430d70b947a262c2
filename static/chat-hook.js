// @ts-check
// Chat page, the hook's events: what static/chat.js and its parts tell the
// add-ons loaded after them (static/chat-moderation.js and its parts) through
// `ParlorChat.on`. Listeners run in the order they subscribed; one that throws
// is logged and the others still run.
/* exported ChatHook */
/**
 * A room's message:send answered (ok or not, TIMEOUT included), before the page shows the message or the failure.
 * @typedef {{ room: string; clientId: string; res: import("./globals").PageAck<{ message: Message }> }} SentEvent
 */
/**
 * @typedef {{
 *   view: [ChatView | null];
 *   "room-info": [RoomInfo];
 *   members: [HTMLElement[], User[], string];
 *   moderation: [ModAction];
 *   removed: [{ room: string; action: ModAction }];
 *   sent: [SentEvent];
 * }} HookEvents
 */
const ChatHook = (() => {
  "use strict";

  function create() {
    /** @type {{ [K in keyof HookEvents]?: Set<(...args: HookEvents[K]) => void> }} */
    const listeners = {};

    /**
     * @template {keyof HookEvents} K
     * @param {K} event
     * @param {(...args: HookEvents[K]) => void} fn
     * @returns {() => void} unsubscribes
     */
    function on(event, fn) {
      const set = /** @type {Set<(...args: HookEvents[K]) => void>} */ (listeners[event] ??= /** @type {never} */ (new Set()));
      set.add(fn);
      return () => void set.delete(fn);
    }

    /**
     * @template {keyof HookEvents} K
     * @param {K} event
     * @param {HookEvents[K]} args
     */
    function emit(event, ...args) {
      for (const fn of /** @type {Set<(...args: HookEvents[K]) => void>} */ (listeners[event] ?? new Set())) {
        try {
          fn(...args);
        } catch (err) {
          console.error(err);
        }
      }
    }

    return { on, emit };
  }

  return { create };
})();
