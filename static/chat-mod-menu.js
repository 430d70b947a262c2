// @ts-check
// Chat page, moderation: a "Moderate" menu on each member for the room's owner
// and moderators (mute for a while or until unmuted, unmute, kick, ban, promote
// / demote for the owner), a confirmation of a mute, kick or ban with an
// optional reason; the result in #room-settings' status line or a friendly
// error (static/chat-moderation.js). Arrow keys, Home and End move in the menu,
// Escape closes it and gives focus back to the member's Moderate button; a
// re-render of the member list keeps it open where it was.
//
// DOM: #members > li[data-user] > span.member-tools > button.mod-open-menu[aria-haspopup=menu]
//   (span.mod-muted "muted"), li.mod-open > div.mod-popover > div.mod-menu[role=menu] >
//   button.mod-item[role=menuitem][data-action] or form.mod-confirm (input#mod-reason-<id>,
//   button.mod-confirm-ok, button.mod-confirm-cancel)
/* exported ChatModMenu */
/* global ChatDom, ChatModeration, ParlorChat */
const ChatModMenu = (() => {
  "use strict";
  /** @typedef {"owner" | "moderator" | "member"} Role */
  /** @typedef {{ kind: ModKind; label: string; durationMs?: number; confirm: boolean }} MenuChoice */

  const { $, el, button, label } = ChatDom;
  const chat = ParlorChat;
  const mod = ChatModeration;
  const { MIN, HOUR } = mod;

  const MUTES = [
    { label: "Mute for 5 minutes", durationMs: 5 * MIN },
    { label: "Mute for 1 hour", durationMs: HOUR },
    { label: "Mute until unmuted", durationMs: undefined },
  ];
  const BANS = [
    { label: "Ban for 1 hour", durationMs: HOUR },
    { label: "Ban for 1 day", durationMs: 24 * HOUR },
    { label: "Ban until unbanned", durationMs: undefined },
  ];

  /** What is open: the menu or a confirmation, for which member of which room. */
  /** @type {{ room: string; user: User; trigger: HTMLButtonElement | null; box: HTMLElement } | null} */
  let open = null;
  /** The element focused in the popover last, given back focus when the member list is re-rendered. */
  /** @type {HTMLElement | null} */
  let lastFocus = null;

  /**
   * @param {Role} myRole
   * @param {Role} theirRole
   * @param {boolean} muted
   * @returns {MenuChoice[]}
   */
  function choices(myRole, theirRole, muted) {
    /** @type {MenuChoice[]} */
    const list = [];
    if (muted) list.push({ kind: "unmute", label: "Unmute", confirm: false });
    else for (const m of MUTES) list.push({ kind: "mute", label: m.label, durationMs: m.durationMs, confirm: true });
    list.push({ kind: "kick", label: "Kick from the room", confirm: true });
    for (const b of BANS) list.push({ kind: "ban", label: b.label, durationMs: b.durationMs, confirm: true });
    if (myRole === "owner")
      list.push(
        theirRole === "moderator"
          ? { kind: "demote", label: "Remove moderator role", confirm: false }
          : { kind: "promote", label: "Make moderator", confirm: false },
      );
    return list;
  }

  /**
   * Whether the current user may act on a member with `theirRole` (PROTOCOL: not on themselves or the owner;
   * a room moderator not on another room moderator).
   *
   * @param {Role} myRole
   * @param {Role} theirRole
   */
  const mayActOn = (myRole, theirRole) =>
    myRole !== "member" && theirRole !== "owner" && !(myRole === "moderator" && theirRole === "moderator");

  /** @param {boolean} [refocus] give focus back to the member's Moderate button */
  function close(refocus = false) {
    if (!open) return;
    const { trigger, box } = open;
    open = null;
    lastFocus = null;
    box.remove();
    trigger?.setAttribute("aria-expanded", "false");
    if (refocus) trigger?.focus();
  }

  /** @param {HTMLElement} box */
  const items = (box) => /** @type {HTMLButtonElement[]} */ ([...box.querySelectorAll('[role="menuitem"]')]);

  /**
   * @param {string} room
   * @param {User} user
   * @param {HTMLButtonElement} trigger
   * @param {"first" | "last"} [focus]
   */
  function openMenu(room, user, trigger, focus = "first") {
    close();
    const box = el("div", "mod-popover");
    const menu = el("div", "mod-menu");
    menu.id = `mod-menu-${user.id}`;
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", `Moderate ${label(user)}`);
    const me = chat.roleOf(room, chat.me().id);
    for (const c of choices(me, chat.roleOf(room, user.id), mod.standing(room).muted.has(user.id))) {
      const item = button(c.label, undefined, "mod-item");
      item.setAttribute("role", "menuitem");
      item.tabIndex = -1;
      item.dataset.action = c.kind;
      item.addEventListener("click", () => {
        if (c.confirm) return confirmStep(room, user, c);
        close(true);
        void mod.moderate(room, user, c.kind);
      });
      menu.appendChild(item);
    }
    menu.addEventListener("keydown", (e) => {
      const list = items(menu);
      const at = list.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
      const go = (/** @type {number} */ i) => list[(i + list.length) % list.length].focus();
      if (e.key === "ArrowDown") go(at + 1);
      else if (e.key === "ArrowUp") go(at - 1);
      else if (e.key === "Home") go(0);
      else if (e.key === "End") go(list.length - 1);
      else if (e.key === "Escape") {
        e.stopPropagation();
        close(true);
      } else if (e.key === "Tab") return close();
      else return;
      e.preventDefault();
    });
    box.appendChild(menu);
    attach(box, room, user, trigger);
    trigger.setAttribute("aria-controls", menu.id);
    const list = items(menu);
    (focus === "last" ? list[list.length - 1] : list[0]).focus();
  }

  /**
   * The chosen mute, kick or ban, with an optional reason, to confirm.
   *
   * @param {string} room
   * @param {User} user
   * @param {MenuChoice} c
   */
  function confirmStep(room, user, c) {
    if (!open) return;
    const box = open.box;
    const form = /** @type {HTMLFormElement} */ (el("form", "mod-confirm"));
    const what = c.kind === "kick" ? `Kick ${label(user)} from the room` : `${c.label.replace(/^(Mute|Ban)/, `$1 ${label(user)}`)}`;
    form.setAttribute("aria-label", what);
    const reasonId = `mod-reason-${user.id}`;
    const reasonLabel = el("label", "", "Reason (optional)");
    reasonLabel.setAttribute("for", reasonId);
    const reason = /** @type {HTMLInputElement} */ (el("input"));
    reason.id = reasonId;
    reason.maxLength = 200;
    reason.autocomplete = "off";
    const ok = button(c.kind === "kick" ? "Kick" : c.kind === "mute" ? "Mute" : "Ban", undefined, "mod-confirm-ok");
    ok.type = "submit";
    const cancel = button("Cancel", undefined, "mod-confirm-cancel");
    cancel.addEventListener("click", () => close(true));
    const actions = el("div", "mod-confirm-actions");
    actions.append(ok, cancel);
    form.append(el("p", "mod-confirm-what", `${what}?`), reasonLabel, reason, actions);
    form.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      close(true);
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      ok.disabled = true;
      const done = await mod.moderate(room, user, c.kind, { durationMs: c.durationMs, reason: reason.value.trim() });
      if (done || !form.isConnected) close(true);
      else ok.disabled = false;
    });
    box.replaceChildren(form);
    reason.focus();
  }

  /**
   * Puts the popover under the member's item (again, after a re-render of the list).
   *
   * @param {HTMLElement} box
   * @param {string} room
   * @param {User} user
   * @param {HTMLButtonElement} trigger
   */
  function attach(box, room, user, trigger) {
    const li = trigger.closest("li");
    if (!li) return;
    li.classList.add("mod-open");
    // Moving a focused node blurs it: only when the list was rendered anew.
    if (box.parentElement !== li) li.appendChild(box);
    trigger.setAttribute("aria-expanded", "true");
    open = { room, user, trigger, box };
  }

  document.addEventListener("focusin", (e) => {
    const t = /** @type {HTMLElement} */ (e.target);
    lastFocus = open && open.box.contains(t) ? t : null;
  });
  document.addEventListener("pointerdown", (e) => {
    const t = /** @type {Node} */ (e.target);
    if (open && !open.box.contains(t) && !open.trigger?.contains(t)) close();
  });

  /**
   * The Moderate buttons, on every render of the member list.
   *
   * @param {HTMLElement[]} lis
   * @param {User[]} users
   * @param {string} room
   */
  function decorate(lis, users, room) {
    const myRole = chat.roleOf(room, chat.me().id);
    const byId = new Map(users.map((u) => [u.id, u]));
    const { muted } = mod.standing(room);
    const keep = open && open.room === room ? open : null;
    const refocus = keep && lastFocus && keep.box.contains(lastFocus) ? lastFocus : null;
    open = null;
    for (const li of lis) {
      const user = byId.get(li.dataset.user ?? "");
      const tools = li.querySelector(".member-tools");
      if (!user || !tools || user.id === chat.me().id) continue;
      if (muted.has(user.id)) tools.appendChild(el("span", "mod-muted", "muted"));
      if (!mayActOn(myRole, /** @type {Role} */ (li.dataset.role))) continue;
      const trigger = button("Moderate", `Moderate ${label(user)}`, "mod-open-menu");
      trigger.setAttribute("aria-haspopup", "menu");
      trigger.setAttribute("aria-expanded", "false");
      trigger.addEventListener("click", () => (open && open.trigger === trigger ? close() : openMenu(room, user, trigger)));
      trigger.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        e.preventDefault();
        openMenu(room, user, trigger, e.key === "ArrowUp" ? "last" : "first");
      });
      tools.appendChild(trigger);
      if (keep && keep.user.id === user.id) {
        attach(keep.box, room, user, trigger);
        if (refocus && document.activeElement !== refocus) refocus.focus();
      }
    }
    if (keep && !open) keep.box.remove();
  }

  /**
   * The member list again, after who is muted changed (it is re-rendered with empty member tools).
   *
   * @param {string} room
   */
  function redecorate(room) {
    const lis = /** @type {HTMLElement[]} */ ([...$("members").querySelectorAll("li[data-user]")]);
    for (const li of lis) li.querySelector(".member-tools")?.replaceChildren();
    const v = chat.view();
    if (v && v.kind === "room") decorate(lis, v.members, room);
  }

  chat.on("members", (lis, users, room) => decorate(lis, users, room));
  chat.on("view", () => close());
  chat.on("removed", ({ room }) => {
    if (open && open.room === room) close();
  });
  mod.onChange(redecorate);

  return { close };
})();
