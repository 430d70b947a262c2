// @ts-check
// Chat page, typing: tells the room while the user types (one `typing: true`,
// then `false` 2.5 s after the last key or on sending), and shows who else is
// typing in the room on screen (#typing; a sign that is not renewed fades after 5 s).
/* exported ChatTyping */
/* global ChatDom */
const ChatTyping = (() => {
  "use strict";

  /**
   * @param {{ emit: (room: string, typing: boolean) => void; room: () => string | null }} deps
   *   `emit` sends `typing` when connected; `room` is the room on screen (null for a DM)
   */
  function create(deps) {
    /** @type {Map<string, { room: string; name: string; timer: ReturnType<typeof setTimeout> }>} `${room}|${userId}` -> who is typing */
    const others = new Map();
    /** @type {string | null} the room told `typing: true` */
    let sentTo = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let idle;

    function render() {
      const room = deps.room();
      const names = [...others.values()].filter((t) => t.room === room).map((t) => t.name);
      ChatDom.$("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
    }

    /** The user typed in the composer. */
    function typed() {
      const room = deps.room();
      if (!room) return;
      if (sentTo !== room) {
        stop();
        sentTo = room;
        deps.emit(room, true);
      }
      clearTimeout(idle);
      idle = setTimeout(stop, 2500);
    }

    function stop() {
      clearTimeout(idle);
      if (sentTo) deps.emit(sentTo, false);
      sentTo = null;
    }

    /** @param {{ room: string; user: User; typing: boolean }} e */
    function received({ room, user, typing }) {
      const key = `${room}|${user.id}`;
      clearTimeout(others.get(key)?.timer);
      if (typing) others.set(key, { room, name: user.name, timer: setTimeout(() => (others.delete(key), render()), 5000) });
      else others.delete(key);
      render();
    }

    /**
     * Their message arrived, or they left: not typing any more.
     * @param {string} room
     * @param {string} userId
     */
    function gone(room, userId) {
      clearTimeout(others.get(`${room}|${userId}`)?.timer);
      if (others.delete(`${room}|${userId}`)) render();
    }

    return { typed, stop, received, gone, render };
  }

  return { create };
})();
