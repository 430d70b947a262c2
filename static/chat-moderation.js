// @ts-check
// Chat page, moderation (PROTOCOL v2 "Rooms v2" and "Moderation"), on the hook
// static/chat.js exposes as ParlorChat (loaded after it):
//   - a "Moderate" menu on each member for the room's owner and moderators (mute for a while or until
//     unmuted, unmute, kick, ban, unban, promote / demote for the owner), an optional reason, the result
//     in #room-settings' status line or a friendly error;
//   - #room-settings: topic and slow mode (room:update), and the room's bans with Unban;
//   - the composer held with a countdown after a send in slow mode, on a slow-mode refusal, and while
//     muted for a while; an open-ended mute is said in #composer-note.
// Notices of others' actions, the topic in the header and being removed are chat.js's already.
// Who is muted or banned comes from the audit log (mod:log, moderators only) and then live actions.
// Every user string goes through textContent.
/* exported ChatModeration */
/* global ChatDom, ParlorChat */
const ChatModeration = (() => {
  "use strict";
  /** @typedef {"owner" | "moderator" | "member"} Role */
  /** @typedef {"mute" | "unmute" | "kick" | "ban" | "unban" | "promote" | "demote"} Kind */
  /** @typedef {{ kind: Kind; label: string; durationMs?: number; confirm: boolean }} MenuChoice */
  /** @typedef {import("./globals").FailedAck} FailedAck */

  const { $, el, button, label } = ChatDom;
  const chat = ParlorChat;

  const MIN = 60_000;
  const HOUR = 60 * MIN;
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
  const SLOW_MODES = [0, 5000, 10_000, 30_000, MIN, 5 * MIN, 15 * MIN, HOUR];
  /** Audit-log pages read for who is muted or banned now (newest first, 100 each). */
  const LOG_PAGES = 5;

  /** @param {number} ms */
  function durationText(ms) {
    if (ms === 0) return "Off";
    if (ms < MIN) return `${ms / 1000} s`;
    if (ms < HOUR) return `${Math.round((ms / MIN) * 10) / 10} min`;
    return `${Math.round((ms / HOUR) * 10) / 10} h`;
  }
  /**
   * @param {number | null | undefined} until
   * @param {string} [openEnded] what ends it when nothing else does
   */
  const untilText = (until, openEnded = "until unmuted") => (until ? `until ${new Date(until).toLocaleString()}` : openEnded);
  /** @param {number | null | undefined} until */
  const active = (until) => until === null || until === undefined || until > Date.now();

  // ---- who is muted or banned, per room ------------------------------------------------
  /** @type {Map<string, Map<string, ModAction>>} room -> action id -> action */
  const logs = new Map();
  /** @type {Set<string>} rooms whose log was read (or is being read) */
  const logRead = new Set();

  /** @param {ModAction} a */
  function record(a) {
    if (!["mute", "unmute", "ban", "unban"].includes(a.action) || !a.target) return;
    if (!logs.has(a.room)) logs.set(a.room, new Map());
    /** @type {Map<string, ModAction>} */ (logs.get(a.room)).set(a.id, a);
  }

  /**
   * The latest mute and ban of each user, still in force.
   *
   * @param {string} room
   */
  function standing(room) {
    /** @type {Map<string, ModAction>} */
    const muted = new Map();
    /** @type {Map<string, ModAction>} */
    const banned = new Map();
    const actions = [...(logs.get(room)?.values() ?? [])].sort((a, b) => Number(a.id) - Number(b.id));
    for (const a of actions) {
      const id = /** @type {User} */ (a.target).id;
      if (a.action === "mute") muted.set(id, a);
      if (a.action === "unmute") muted.delete(id);
      if (a.action === "ban") banned.set(id, a);
      if (a.action === "unban") banned.delete(id);
    }
    for (const map of [muted, banned]) for (const [id, a] of map) if (!active(a.until)) map.delete(id);
    return { muted, banned };
  }

  /** @param {string} room */
  async function readLog(room) {
    if (logRead.has(room) || !chat.canModerate(room)) return;
    logRead.add(room);
    /** @type {string | undefined} */
    let before;
    for (let page = 0; page < LOG_PAGES; page++) {
      /** @type {{ room: string; limit: number; before?: string }} */
      const payload = { room, limit: 100 };
      if (before) payload.before = before;
      const res = await chat.request("mod:log", payload);
      if (!res.ok) return void logRead.delete(room);
      for (const a of res.data.entries) record(a);
      if (!res.data.hasMore || !res.data.entries.length) break;
      before = res.data.entries[res.data.entries.length - 1].id;
    }
    rerender(room);
  }

  // ---- results --------------------------------------------------------------------------
  const status = el("p", "mod-status");
  status.setAttribute("role", "status");
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let statusTimer;
  /** @param {string} text */
  function say(text) {
    status.textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => (status.textContent = ""), 10_000);
  }

  /** @param {ModAction} a the acting user's own action, from its ack */
  function doneText(a) {
    const who = a.target ? label(a.target) : "";
    const reason = a.reason ? ` (${a.reason})` : "";
    const texts = {
      mute: `${who} is muted ${untilText(a.until)}`,
      unmute: `${who} is no longer muted`,
      kick: `${who} was removed from the room`,
      ban: `${who} is banned ${untilText(a.until, "until unbanned")}`,
      unban: `${who} is no longer banned`,
      promote: `${who} is now a moderator`,
      demote: `${who} is no longer a moderator`,
      delete: "The message was deleted",
      update: "The room settings were saved",
    };
    return `${texts[a.action]}${reason}.`;
  }

  /**
   * Sends one mod:* request; says the result or a friendly error.
   *
   * @param {string} room
   * @param {User} target
   * @param {Kind} kind
   * @param {{ durationMs?: number; reason?: string }} [extra]
   */
  async function moderate(room, target, kind, extra = {}) {
    /** @type {{ room: string; user: string; durationMs?: number; reason?: string }} */
    const payload = { room, user: target.id };
    if ((kind === "mute" || kind === "ban") && extra.durationMs) payload.durationMs = extra.durationMs;
    if ((kind === "mute" || kind === "ban" || kind === "kick") && extra.reason) payload.reason = extra.reason;
    const res = await chat.request(`mod:${kind}`, payload);
    if (!res.ok) {
      chat.showError(`Couldn't ${kind} ${label(target)}: ${chat.friendly(res, "other")}`);
      return false;
    }
    chat.showError("");
    record(res.data.action);
    say(doneText(res.data.action));
    // room:moderation skips the acting socket: the page learns of its own promote/demote here.
    if (kind === "promote" || kind === "demote") await chat.refreshInfo(room);
    else rerender(room);
    return true;
  }

  // ---- the menu on members --------------------------------------------------------------
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
    for (const c of choices(me, chat.roleOf(room, user.id), standing(room).muted.has(user.id))) {
      const item = button(c.label, undefined, "mod-item");
      item.setAttribute("role", "menuitem");
      item.tabIndex = -1;
      item.dataset.action = c.kind;
      item.addEventListener("click", () => {
        if (c.confirm) return confirmStep(room, user, c);
        close(true);
        void moderate(room, user, c.kind);
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
      const done = await moderate(room, user, c.kind, { durationMs: c.durationMs, reason: reason.value.trim() });
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
    const { muted } = standing(room);
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

  // ---- room settings: topic, slow mode, bans --------------------------------------------
  const slot = $("room-settings");
  const toggle = button("Room settings", undefined, "room-settings-toggle");
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", "room-settings-form");
  const form = /** @type {HTMLFormElement} */ (el("form", "room-settings-form"));
  form.id = "room-settings-form";
  form.setAttribute("aria-label", "Room settings");
  form.hidden = true;
  const topicLabel = el("label", "", "Topic");
  topicLabel.setAttribute("for", "room-topic-input");
  const topicInput = /** @type {HTMLInputElement} */ (el("input"));
  topicInput.id = "room-topic-input";
  topicInput.maxLength = 200;
  topicInput.autocomplete = "off";
  const slowLabel = el("label", "", "Slow mode");
  slowLabel.setAttribute("for", "room-slow-mode");
  const slowSelect = /** @type {HTMLSelectElement} */ (el("select"));
  slowSelect.id = "room-slow-mode";
  const save = button("Save", undefined, "room-settings-save");
  save.type = "submit";
  const cancel = button("Cancel", undefined, "room-settings-cancel");
  const buttons = el("div", "room-settings-actions");
  buttons.append(save, cancel);
  const bansHeading = el("h2", "room-bans-heading", "Banned");
  bansHeading.id = "room-bans-heading";
  const bans = el("ul", "room-bans");
  bans.setAttribute("aria-labelledby", "room-bans-heading");
  form.append(topicLabel, topicInput, slowLabel, slowSelect, buttons, bansHeading, bans);

  /** @param {RoomInfo} info */
  function fillForm(info) {
    topicInput.value = info.topic;
    const values = SLOW_MODES.includes(info.slowModeMs) ? SLOW_MODES : [...SLOW_MODES, info.slowModeMs].sort((a, b) => a - b);
    slowSelect.replaceChildren(
      ...values.map((ms) => {
        const o = /** @type {HTMLOptionElement} */ (el("option", "", ms ? `One message every ${durationText(ms)}` : "Off"));
        o.value = String(ms);
        o.selected = ms === info.slowModeMs;
        return o;
      }),
    );
  }

  /** @param {string} room */
  function renderBans(room) {
    const list = [...standing(room).banned.values()];
    bansHeading.hidden = bans.hidden = list.length === 0;
    bans.replaceChildren(
      ...list.map((a) => {
        const user = /** @type {User} */ (a.target);
        const li = el("li");
        li.dataset.user = user.id;
        const unban = button("Unban", `Unban ${label(user)}`, "unban");
        unban.addEventListener("click", () => void moderate(room, user, "unban"));
        li.append(el("span", "ban-who", `${label(user)} — ${untilText(a.until, "until unbanned")}`), unban);
        return li;
      }),
    );
  }

  /** @param {boolean} show */
  function setFormOpen(show) {
    const room = currentRoom();
    const info = room ? chat.roomInfo(room) : null;
    if (show && info) fillForm(info);
    form.hidden = !show;
    toggle.setAttribute("aria-expanded", String(show));
    if (show) topicInput.focus();
  }
  toggle.addEventListener("click", () => setFormOpen(form.hidden === true));
  cancel.addEventListener("click", () => (setFormOpen(false), toggle.focus()));
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    setFormOpen(false);
    toggle.focus();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const room = currentRoom();
    if (!room) return;
    save.disabled = true;
    const res = await chat.request("room:update", { room, topic: topicInput.value.trim(), slowModeMs: Number(slowSelect.value) });
    save.disabled = false;
    if (!res.ok) return void chat.showError(`Couldn't save the room settings: ${chat.friendly(res, "other")}`);
    chat.showError("");
    setFormOpen(false);
    toggle.focus();
    const info = res.data.info;
    say(`Saved: ${info.topic ? `topic “${info.topic}”` : "no topic"}, slow mode ${durationText(info.slowModeMs).toLowerCase()}.`);
    // room:updated skips the acting socket: the header follows the ack.
    await chat.refreshInfo(room);
  });
  slot.append(toggle, form, status);

  const currentRoom = () => {
    const v = chat.view();
    return v && v.kind === "room" ? v.room : null;
  };

  function renderSettings() {
    const room = currentRoom();
    const may = !!room && chat.canModerate(room);
    slot.hidden = !may;
    if (!may) form.hidden = true;
    if (room && may) {
      renderBans(room);
      void readLog(room);
    }
  }

  // ---- holding the composer ---------------------------------------------------------------
  /** @type {Map<string, { until: number; reason: string }>} room -> the current user may not send before */
  const holds = new Map();
  /** @type {Map<string, number | null>} room -> the current user's mute (null: until unmuted) */
  const mutedMe = new Map();
  const note = $("composer-note");
  /** What the composer shows now, so that hold() restarts only on a change. */
  let shown = "";

  function renderComposer() {
    const room = currentRoom();
    const hold = room ? holds.get(room) : undefined;
    const mute = room && mutedMe.has(room) ? mutedMe.get(room) : undefined;
    const timedMute = typeof mute === "number" && mute > Date.now() ? mute : 0;
    /** @type {{ until: number; reason: string } | null} */
    let want = hold && hold.until > Date.now() ? hold : null;
    if (timedMute && (!want || timedMute > want.until)) want = { until: timedMute, reason: `You're muted ${untilText(timedMute)}` };
    const key = want ? `${room}|${want.until}|${want.reason}` : mute === null ? `${room}|muted` : "";
    if (key === shown && (!want || chat.composer.held)) return;
    shown = key;
    if (want) return chat.composer.hold(want.until, want.reason);
    chat.composer.release();
    if (mute === null) {
      note.textContent = "You're muted in this room until a moderator unmutes you.";
      note.hidden = false;
    }
  }

  /**
   * @param {string} room
   * @param {number} until
   * @param {string} reason
   */
  function holdFor(room, until, reason) {
    if (until <= Date.now()) return;
    holds.set(room, { until, reason });
    renderComposer();
  }

  /**
   * What a send's answer means for the composer (the page shows the message or the failed send itself).
   *
   * @param {string} room
   * @param {import("./globals").PageAck<{ message: Message }>} res
   */
  function afterSend(room, res) {
    const info = chat.roomInfo(room);
    const slow = info ? info.slowModeMs : 0;
    if (res.ok) {
      if (mutedMe.delete(room)) renderComposer();
      if (slow && !chat.canModerate(room)) holdFor(room, Math.min(Date.now(), res.data.message.ts) + slow, "Slow mode");
      return;
    }
    const details = /** @type {{ retryAfterMs?: number; reason?: string; until?: number | null } | undefined} */ (res.error.details);
    if (res.error.code === "RATE_LIMITED" && details && details.retryAfterMs)
      holdFor(room, Date.now() + details.retryAfterMs, slow ? "Slow mode" : "Sending too fast");
    if (res.error.code === "FORBIDDEN" && details && details.reason === "muted") {
      mutedMe.set(room, details.until ?? null);
      renderComposer();
    }
  }

  // ---- wiring -------------------------------------------------------------------------------
  /** @param {string} room */
  function rerender(room) {
    if (currentRoom() !== room) return;
    renderSettings();
    const lis = /** @type {HTMLElement[]} */ ([...$("members").querySelectorAll("li[data-user]")]);
    for (const li of lis) li.querySelector(".member-tools")?.replaceChildren();
    const v = chat.view();
    if (v && v.kind === "room") decorate(lis, v.members, room);
  }

  chat.on("sent", ({ room, res }) => afterSend(room, res));
  chat.on("members", (lis, users, room) => decorate(lis, users, room));
  chat.on("view", () => {
    close();
    setFormOpen(false);
    renderSettings();
    renderComposer();
  });
  chat.on("room-info", (info) => {
    // Promoted, or slow mode turned off: no more waiting for it.
    if (!info.slowModeMs || chat.canModerate(info.room)) holds.delete(info.room);
    if (currentRoom() === info.room) {
      renderSettings();
      renderComposer();
    }
  });
  chat.on("moderation", (a) => {
    record(a);
    if (a.target && a.target.id === chat.me().id) {
      if (a.action === "mute") mutedMe.set(a.room, a.until ?? null);
      if (a.action === "unmute") mutedMe.delete(a.room);
      renderComposer();
    }
    rerender(a.room);
  });
  chat.on("removed", ({ room }) => {
    holds.delete(room);
    mutedMe.delete(room);
    logs.delete(room);
    logRead.delete(room);
    if (open && open.room === room) close();
  });
  renderSettings();

  return { standing };
})();
