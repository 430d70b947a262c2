// @ts-check
// Chat page, shared helpers: element lookup and creation (text only: every
// user string goes through textContent, never innerHTML), how names are shown
// (guests told apart by a short tag from their user id), dates and client ids.
// Classic script: its one top-level const is a global of the page's scripts
// (static/chat-*.js, then static/chat.js), as TypeScript sees it too.
/* exported ChatDom */
const ChatDom = (() => {
  "use strict";

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @param {string} id */
  const field = (id) => /** @type {HTMLInputElement} */ ($(id));

  /**
   * @param {string} tag
   * @param {string} [className]
   * @param {string} [text]
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /**
   * A button with a visible label and, when given, an accessible name that says what it acts on.
   *
   * @param {string} label
   * @param {string} [ariaLabel]
   * @param {string} [className]
   */
  function button(label, ariaLabel, className) {
    const b = /** @type {HTMLButtonElement} */ (el("button", className, label));
    b.type = "button";
    if (ariaLabel) b.setAttribute("aria-label", ariaLabel);
    return b;
  }

  /** User ids seen with `guest: true` (live identities carry it; stored messages only have { id, name }). */
  const guests = new Set();
  /** Display names by user id, for reaction titles (a reaction lists user ids). */
  const names = new Map();
  /** A session token's user id (server/auth/tokens.ts: `u_` and 12 base64url characters). */
  const GUEST_ID = /^u_[A-Za-z0-9_-]{12}$/;

  /** @param {User} user */
  function noteUser(user) {
    if (user.guest) guests.add(user.id);
    names.set(user.id, user.name);
  }

  /** @param {{ id: string; guest?: true }} user */
  const isGuest = (user) => Boolean(user.guest) || guests.has(user.id) || GUEST_ID.test(user.id);

  /**
   * Four hex digits from the user id (FNV-1a), so two guests called Ada read "Ada #3f2a" and "Ada #91c0".
   *
   * @param {string} id
   */
  function tagOf(id) {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    return `#${((h >>> 0) & 0xffff).toString(16).padStart(4, "0")}`;
  }

  /**
   * The tag shown after a name: guests only (a JWT user's id is the backend's, and their name is theirs).
   *
   * @param {{ id: string; guest?: true }} user
   */
  const tag = (user) => (isGuest(user) ? tagOf(user.id) : "");

  /** @param {User} user */
  const label = (user) => (tag(user) ? `${user.name} ${tag(user)}` : user.name);

  /**
   * `<span class="author">name</span><span class="tag">#3f2a</span>`: the name alone stays in `.author`.
   *
   * @param {User} user
   * @param {string} [className]
   */
  function nameNodes(user, className = "author") {
    const nodes = [el("span", className, user.name)];
    const t = tag(user);
    if (t) nodes.push(el("span", "tag", t));
    return nodes;
  }

  /** @param {number} ts */
  const dayKey = (ts) => new Date(ts).toDateString();
  /** @param {number} ts */
  function dayLabel(ts) {
    const d = new Date(ts);
    const today = new Date();
    const yesterday = new Date(Date.now() - 86_400_000);
    if (d.toDateString() === today.toDateString()) return "Today";
    if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
    return d.toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
  }
  /** @param {number} ts */
  const timeLabel = (ts) => new Date(ts).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

  const clientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

  return { $, field, el, button, noteUser, isGuest, tag, label, nameNodes, names, dayKey, dayLabel, timeLabel, clientId };
})();
