// @ts-check
// Chat page, the conversation view (#messages): a room's or a DM's messages
// with day separators, join/leave and moderation notices inline, reply quotes,
// edited marks, tombstones, reactions, the "new messages" divider at the read
// cursor, "seen by" under the latest message, sends still pending, and each
// message's actions (buttons, so the keyboard reaches them). It renders what
// static/chat.js holds (a RoomView or DmView) and reports what the user does
// through `onAction`; it sends nothing itself.
//
// DOM (stable; the screenshots script and static/chat-moderation.js select by it):
//   #messages > li.msg[data-seq][data-user] (room) or li.msg[data-id][data-user] (DM), id="msg-<seq>"
//     .quote[data-action=quote] (.quote-author, .quote-text) · .time · .author (the name alone) · .tag (guests)
//     · .text (or .tombstone) · .edited · .reactions > button.reaction[data-emoji][aria-pressed][title]
//     · .actions > button[data-action=reply|react|edit|delete] · .picker > button[data-action=pick][data-emoji]
//   li.msg.pending[data-client-id] (.state, button[data-action=retry|discard]) · li.day · li.notice
//   li#unread-divider · li#seen-by · li#history-start · li.older > button#load-older
/* exported ChatConversation */
/* global ChatDom, ChatMessage */
/** @typedef {import("../server/protocol").Message} Message */
/** @typedef {import("../server/protocol").DirectMessage} DirectMessage */
/** @typedef {import("../server/protocol").User} User */
/** @typedef {import("../server/protocol").RoomInfo} RoomInfo */
/** @typedef {import("../server/protocol").ModAction} ModAction */

/**
 * A send not confirmed yet: shown at the end of the conversation until its ack (same clientId on every retry).
 * @typedef {object} Pending
 * @property {string} clientId
 * @property {string} text
 * @property {number} [replyTo]
 * @property {number} ts
 * @property {"sending" | "waiting" | "failed"} status
 * @property {string} [error]
 */
/**
 * A line between messages (joined, left, moderation): placed after the newest message held when it happened.
 * @typedef {{ ts: number; afterSeq: number; text: string }} Notice
 */
/**
 * @typedef {object} RoomView
 * @property {"room"} kind
 * @property {string} key "room:<name>"
 * @property {string} room
 * @property {Map<number, Message>} msgs by seq
 * @property {Notice[]} notices
 * @property {boolean} hasOlder messages before the oldest held exist
 * @property {number} readSeq this user's read cursor
 * @property {number | null} dividerSeq where "new messages" starts (the cursor when the view was opened)
 * @property {{ user: User; readSeq: number }[]} receipts
 * @property {RoomInfo | null} info
 * @property {Pending[]} pending
 * @property {number | null} pickerSeq the message whose emoji picker is open
 * @property {boolean} loadingOlder a message:history request is in flight
 * @property {number | null} highlightSeq the message a search jumped to
 * @property {{ lastSeq: number; readSeq: number; unread: number } | null} mine the last room:mine entry
 * @property {User[]} members who is in the room now (room:members)
 */
/**
 * @typedef {object} DmView
 * @property {"dm"} kind
 * @property {string} key "dm:<userId>"
 * @property {User} with
 * @property {DirectMessage[]} msgs oldest first
 * @property {boolean} hasOlder
 * @property {boolean} loadingOlder
 * @property {boolean} loaded dm:history answered once
 * @property {number} unread incoming messages not seen yet
 * @property {Pending[]} pending
 */
/** @typedef {RoomView | DmView} ChatView */
/**
 * @typedef {{ type: "reply" | "edit" | "delete"; message: Message }
 *   | { type: "react"; message: Message; emoji: string; on: boolean }
 *   | { type: "quote"; seq: number }
 *   | { type: "retry" | "discard"; clientId: string }
 *   | { type: "older" }} ConversationAction
 */

const ChatConversation = (() => {
  "use strict";
  const { el, button, dayKey, dayLabel } = ChatDom;
  const { roomItem, directItem, pendingItem } = ChatMessage;

  /**
   * @param {{
   *   list: HTMLElement;
   *   me: () => User;
   *   canModerate: () => boolean;
   *   onAction: (action: ConversationAction) => void;
   *   onScroll: () => void;
   * }} deps
   */
  function create(deps) {
    const { list } = deps;
    /** @type {ChatView | null} */
    let view = null;
    /** @type {WeakMap<object, { node: HTMLElement; flags: string }>} a message's (notice's, pending send's) node while it is the same object */
    const cache = new WeakMap();
    /** @type {Map<string, HTMLElement>} the other lines (day separators, the divider, the start), by what they say */
    const lines = new Map();
    /**
     * @param {string} key
     * @param {() => HTMLElement} make
     */
    const line = (key, make) => lines.get(key) ?? (lines.set(key, make()), /** @type {HTMLElement} */ (lines.get(key)));
    const seenBy = el("li", "seen");
    seenBy.id = "seen-by";

    /**
     * @param {object} key a message object
     * @param {string} flags what else the node depends on
     * @param {() => HTMLElement} make
     */
    function cached(key, flags, make) {
      const hit = cache.get(key);
      if (hit && hit.flags === flags) return hit.node;
      const node = make();
      cache.set(key, { node, flags });
      return node;
    }

    /** @param {ChatView} v */
    function build(v) {
      /** @type {HTMLElement[]} */
      const nodes = [];
      if (v.hasOlder) {
        nodes.push(
          line("older", () => {
            const li = el("li", "older");
            const b = button("Load older messages", undefined);
            b.id = "load-older";
            b.dataset.action = "older";
            li.appendChild(b);
            return li;
          }),
        );
      } else {
        const text =
          v.kind === "room" ? `This is the beginning of #${v.room}.` : `This is the beginning of your conversation with ${v.with.name}.`;
        nodes.push(
          line(`start|${text}`, () => {
            const start = el("li", "history-start", text);
            start.id = "history-start";
            return start;
          }),
        );
      }
      let lastDay = "";
      /** @param {number} ts */
      const day = (ts) => {
        const k = dayKey(ts);
        if (k === lastDay) return;
        lastDay = k;
        const label = dayLabel(ts);
        nodes.push(line(`day|${v.key}|${k}|${label}`, () => el("li", "day", label)));
      };
      if (v.kind === "dm") {
        for (const m of v.msgs) {
          day(m.ts);
          nodes.push(cached(m, deps.me().id, () => directItem(m, deps.me().id)));
        }
      } else {
        const me = deps.me().id;
        const messages = [...v.msgs.values()].sort((a, b) => a.seq - b.seq);
        const notices = v.notices.slice().sort((a, b) => a.afterSeq - b.afterSeq || a.ts - b.ts);
        let n = 0;
        let dividerPlaced = v.dividerSeq === null;
        const flags = (/** @type {Message} */ m) => `${me}|${deps.canModerate()}|${v.pickerSeq === m.seq}`;
        for (const m of messages) {
          for (; n < notices.length && notices[n].afterSeq < m.seq; n++) {
            day(notices[n].ts);
            nodes.push(noticeNode(notices[n]));
          }
          day(m.ts);
          if (!dividerPlaced && v.dividerSeq !== null && m.seq > v.dividerSeq && m.user.id !== me && !m.deleted) {
            dividerPlaced = true;
            nodes.push(
              line("divider", () => {
                const divider = el("li", "unread-divider", "New messages");
                divider.id = "unread-divider";
                return divider;
              }),
            );
          }
          const node = cached(m, flags(m), () => roomItem(m, { me, canModerate: deps.canModerate(), pickerOpen: v.pickerSeq === m.seq }));
          node.classList.toggle("highlight", v.highlightSeq === m.seq);
          nodes.push(node);
        }
        for (; n < notices.length; n++) {
          day(notices[n].ts);
          nodes.push(noticeNode(notices[n]));
        }
        const last = messages[messages.length - 1];
        if (last) {
          const seen = v.receipts
            .filter((r) => r.readSeq >= last.seq && r.user.id !== me && r.user.id !== last.user.id)
            .map((r) => ChatDom.label(r.user));
          if (seen.length) {
            const names = seen.length > 5 ? `${seen.slice(0, 5).join(", ")} and ${seen.length - 5} more` : seen.join(", ");
            if (seenBy.textContent !== `Seen by ${names}`) seenBy.textContent = `Seen by ${names}`;
            nodes.push(seenBy);
          }
        }
      }
      for (const p of v.pending) nodes.push(cached(p, `${p.status}|${p.error}`, () => pendingItem(p, deps.me())));
      return nodes;
    }

    /** @param {Notice} n */
    const noticeNode = (n) => cached(n, "", () => el("li", "notice", n.text));

    /**
     * Puts `next` in the list, touching only what changed: nodes already in place stay (and with them a
     * text selection or the focus), so a new message at the bottom moves nothing above it.
     *
     * @param {HTMLElement[]} next
     */
    function reconcile(next) {
      let at = list.firstChild;
      for (const node of next) {
        if (node === at) at = at.nextSibling;
        else list.insertBefore(node, at);
      }
      while (at) {
        const after = at.nextSibling;
        at.remove();
        at = after;
      }
    }

    /**
     * Renders `v`. Scrolling: "bottom" jumps to the end; "prepend" keeps what is on screen in place while
     * older messages appear above; otherwise a reader at the bottom stays there and one scrolled up stays put.
     *
     * @param {ChatView | null} v
     * @param {"keep" | "bottom" | "prepend"} [mode]
     */
    function render(v, mode = "keep") {
      view = v;
      const fromBottom = list.scrollHeight - list.scrollTop;
      const atBottom = fromBottom - list.clientHeight < 40;
      const top = list.scrollTop;
      const focused =
        document.activeElement instanceof HTMLElement && list.contains(document.activeElement) ? document.activeElement : null;
      reconcile(v ? build(v) : [line("none", () => el("li", "notice", "You're in no room. Join one from the sidebar."))]);
      if (mode === "bottom" || (mode === "keep" && atBottom)) list.scrollTop = list.scrollHeight;
      else if (mode === "prepend") list.scrollTop = list.scrollHeight - fromBottom;
      else list.scrollTop = top;
      // A re-render takes focused nodes out and back: put the keyboard back where it was.
      if (focused && document.activeElement !== focused) {
        if (focused.isConnected) focused.focus({ preventScroll: true });
        else {
          const li = /** @type {HTMLElement | null} */ (focused.closest("li"));
          const sel = li && li.dataset.seq ? `li[data-seq="${li.dataset.seq}"]` : null;
          const again = sel && list.querySelector(`${sel} [data-action="${focused.dataset.action}"]`);
          if (again instanceof HTMLElement) again.focus({ preventScroll: true });
        }
      }
    }

    /** The newest message (seq) of the room view that is on screen, or 0. */
    function lastVisibleSeq() {
      const bottom = list.getBoundingClientRect().bottom;
      const items = /** @type {NodeListOf<HTMLElement>} */ (list.querySelectorAll("li.msg[data-seq]"));
      for (let i = items.length - 1; i >= 0; i--)
        if (items[i].getBoundingClientRect().top < bottom - 4) return Number(items[i].dataset.seq);
      return 0;
    }

    /** @param {number} seq */
    function scrollToSeq(seq) {
      const li = /** @type {HTMLElement | null} */ (list.querySelector(`li.msg[data-seq="${seq}"]`));
      if (!li) return false;
      li.scrollIntoView({ block: "center" });
      li.focus({ preventScroll: true });
      return true;
    }

    list.addEventListener("click", (e) => {
      const target = /** @type {HTMLElement} */ (e.target);
      const b = /** @type {HTMLElement | null} */ (target.closest("[data-action]"));
      const li = /** @type {HTMLElement | null} */ (target.closest("li"));
      if (!b || !li || !view) return;
      const action = b.dataset.action;
      if (action === "older") return deps.onAction({ type: "older" });
      if (li.dataset.clientId && (action === "retry" || action === "discard"))
        return deps.onAction({ type: action, clientId: li.dataset.clientId });
      if (view.kind !== "room" || li.dataset.seq === undefined) return;
      const message = view.msgs.get(Number(li.dataset.seq));
      if (!message) return;
      const me = deps.me().id;
      if (action === "quote") deps.onAction({ type: "quote", seq: Number(b.dataset.replySeq) });
      else if (action === "reply" || action === "edit") deps.onAction({ type: action, message });
      else if (action === "delete") {
        // Two presses: a stray click never deletes.
        if (!b.dataset.confirm) {
          b.dataset.confirm = "1";
          b.textContent = "Confirm delete";
          setTimeout(() => {
            delete b.dataset.confirm;
            b.textContent = "Delete";
          }, 4000);
          return;
        }
        deps.onAction({ type: "delete", message });
      } else if (action === "react") {
        view.pickerSeq = view.pickerSeq === message.seq ? null : message.seq;
        render(view);
        const first = list.querySelector(`li[data-seq="${message.seq}"] .picker button`);
        if (first instanceof HTMLElement) first.focus();
      } else if (action === "pick" || action === "toggle") {
        const emoji = /** @type {string} */ (b.dataset.emoji);
        const mine = (message.reactions ?? []).some((r) => r.emoji === emoji && r.users.includes(me));
        if (action === "pick") view.pickerSeq = null;
        deps.onAction({ type: "react", message, emoji, on: !mine });
      }
    });
    list.addEventListener("scroll", () => deps.onScroll(), { passive: true });

    return {
      render,
      lastVisibleSeq,
      scrollToSeq,
      get view() {
        return view;
      },
    };
  }

  return { create };
})();
