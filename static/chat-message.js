// @ts-check
// Chat page, one item of the conversation (#messages): a room's message with
// its reply quote, text or tombstone, edited mark, reactions (who in the title)
// and action buttons; a direct message; a send still pending. Text only, through
// textContent (ChatDom.el). chat-conversation.js places them.
/* exported ChatMessage */
/* global ChatDom */
const ChatMessage = (() => {
  "use strict";
  const { el, button, nameNodes, names, timeLabel } = ChatDom;
  /** The picker's emoji: a short, common set (any emoji the protocol allows shows when others use it). */
  const EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "👀"];
  /**
   * @param {Message} m
   * @param {string} me the user's id
   */
  function reactionsNode(m, me) {
    const box = el("div", "reactions");
    for (const r of m.reactions ?? []) {
      const mine = r.users.includes(me);
      const who = r.users.map((id) => (id === me ? "you" : (names.get(id) ?? "someone")));
      const more = r.count > r.users.length ? ` and ${r.count - r.users.length} more` : "";
      const b = button(
        `${r.emoji} ${r.count}`,
        `${r.emoji} ${r.count}: ${who.join(", ")}${more}${mine ? " (press to take back)" : ""}`,
        "reaction",
      );
      b.dataset.action = "toggle";
      b.dataset.emoji = r.emoji;
      b.setAttribute("aria-pressed", String(mine));
      b.title = `${who.join(", ")}${more}`;
      box.appendChild(b);
    }
    return box;
  }

  /**
   * A room's message: li.msg[data-seq][data-user] with its quote, text or tombstone, reactions and actions.
   *
   * @param {Message} m
   * @param {{ me: string; canModerate: boolean; pickerOpen: boolean }} how the user's id, whether they
   *   moderate the room (Delete on others' messages), whether this message's emoji picker is open
   */
  function roomItem(m, { me, canModerate, pickerOpen }) {
    const own = m.user.id === me;
    const li = el("li", "msg");
    li.id = `msg-${m.seq}`;
    li.dataset.seq = String(m.seq);
    li.dataset.user = m.user.id;
    li.tabIndex = -1;
    if (own) li.classList.add("own");
    if (m.deleted) li.classList.add("deleted");
    if (m.replyTo) {
      const q = /** @type {HTMLButtonElement} */ (el("button", "quote"));
      q.type = "button";
      q.dataset.action = "quote";
      q.dataset.replySeq = String(m.replyTo.seq);
      q.title = "Show the message this replies to";
      q.append(
        el("span", "visually-hidden", "In reply to "),
        ...nameNodes(m.replyTo.user, "quote-author"),
        el("span", "quote-text", m.replyTo.deleted ? "message deleted" : m.replyTo.text),
      );
      li.appendChild(q);
    }
    const time = el("time", "time", timeLabel(m.ts));
    time.setAttribute("datetime", new Date(m.ts).toISOString());
    li.append(time, ...nameNodes(m.user));
    if (m.deleted) {
      li.appendChild(el("span", "tombstone", "message deleted"));
      return li;
    }
    li.appendChild(el("span", "text", m.text));
    if (m.editedAt) {
      const edited = el("span", "edited", "(edited)");
      edited.title = `edited ${new Date(m.editedAt).toLocaleString()}`;
      li.appendChild(edited);
    }
    if (m.reactions && m.reactions.length) li.appendChild(reactionsNode(m, me));
    const actions = el("div", "actions");
    actions.setAttribute("role", "group");
    actions.setAttribute("aria-label", `Actions on ${m.user.name}'s message`);
    /** @param {string} action @param {string} label @param {string} aria */
    const add = (action, label, aria) => {
      const b = button(label, aria);
      b.dataset.action = action;
      actions.appendChild(b);
      return b;
    };
    add("reply", "Reply", `Reply to ${m.user.name}`);
    add("react", "React", `React to ${m.user.name}'s message`).setAttribute("aria-expanded", String(pickerOpen));
    if (own) add("edit", "Edit", "Edit your message");
    if (own || canModerate) add("delete", "Delete", own ? "Delete your message" : `Delete ${m.user.name}'s message`);
    li.appendChild(actions);
    if (pickerOpen) {
      const picker = el("div", "picker");
      picker.setAttribute("role", "group");
      picker.setAttribute("aria-label", "Pick a reaction");
      for (const emoji of EMOJI) {
        const b = button(emoji, `React with ${emoji}`);
        b.dataset.action = "pick";
        b.dataset.emoji = emoji;
        picker.appendChild(b);
      }
      li.appendChild(picker);
    }
    return li;
  }

  /**
   * A direct message: li.msg[data-id][data-user].
   *
   * @param {DirectMessage} m
   * @param {string} me the user's id
   */
  function directItem(m, me) {
    const li = el("li", "msg");
    li.dataset.id = m.id;
    li.dataset.user = m.from.id;
    if (m.from.id === me) li.classList.add("own");
    const time = el("time", "time", timeLabel(m.ts));
    time.setAttribute("datetime", new Date(m.ts).toISOString());
    li.append(time, ...nameNodes(m.from), el("span", "text", m.text));
    return li;
  }

  /**
   * A send not confirmed yet: li.msg.pending[data-client-id], with Retry and Discard once it failed.
   *
   * @param {Pending} p
   * @param {User} me
   */
  function pendingItem(p, me) {
    const li = el("li", `msg own pending ${p.status}`);
    li.dataset.clientId = p.clientId;
    li.append(...nameNodes(me), el("span", "text", p.text));
    const state = el(
      "span",
      "state",
      p.status === "failed" ? `Not sent: ${p.error ?? ""}` : p.status === "waiting" ? "waiting for the connection…" : "sending…",
    );
    state.setAttribute("role", p.status === "failed" ? "alert" : "status");
    li.appendChild(state);
    if (p.status === "failed") {
      const retry = button("Retry", "Retry sending this message", "retry");
      retry.dataset.action = "retry";
      const discard = button("Discard", "Discard this message");
      discard.dataset.action = "discard";
      li.append(retry, discard);
    }
    return li;
  }

  return { roomItem, directItem, pendingItem, EMOJI };
})();
