// @ts-check
// Chat page, moderation (PROTOCOL v2 "Rooms v2" and "Moderation"), on the hook
// static/chat.js exposes as ParlorChat (loaded after it). This file is the part
// the others share; each of them subscribes to the hook itself:
//   chat-moderation.js    ChatModeration    who is muted or banned per room (the audit log, mod:log,
//                                           moderators only, then live actions), one mod:* request with
//                                           its result in #room-settings' status line, duration texts
//   chat-mod-menu.js      ChatModMenu       a "Moderate" menu on each member for the room's owner and
//                                           moderators (mute, unmute, kick, ban, promote / demote for the
//                                           owner), a confirmation with an optional reason
//   chat-room-settings.js ChatRoomSettings  #room-settings: topic and slow mode (room:update), the bans
//                                           with Unban
//   chat-send-hold.js     ChatSendHold      the composer held with a countdown after a send in slow mode,
//                                           on a slow-mode refusal, and while muted for a while; an
//                                           open-ended mute is said in #composer-note
// Notices of others' actions, the topic in the header and being removed are chat.js's already.
// Every user string goes through textContent.
/* exported ChatModeration */
/* global ChatDom, ParlorChat */
/** @typedef {"mute" | "unmute" | "kick" | "ban" | "unban" | "promote" | "demote"} ModKind */
const ChatModeration = (() => {
  "use strict";

  const { $, el, label } = ChatDom;
  const chat = ParlorChat;

  const MIN = 60_000;
  const HOUR = 60 * MIN;
  /** Audit-log pages read for who is muted or banned now (newest first, 100 each). */
  const LOG_PAGES = 5;
  /** How long a result stays in the status line. */
  const SAY_MS = 10_000;

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

  /** The room on screen, or null for a DM or nothing. */
  const currentRoom = () => {
    const v = chat.view();
    return v && v.kind === "room" ? v.room : null;
  };

  // ---- who is muted or banned, per room ------------------------------------------------
  /** @type {Map<string, Map<string, ModAction>>} room -> action id -> action */
  const logs = new Map();
  /** @type {Set<string>} rooms whose log was read (or is being read) */
  const logRead = new Set();
  /** @type {Set<(room: string) => void>} */
  const listeners = new Set();

  /**
   * `fn(room)` runs when who is muted or banned in the room on screen may have changed.
   *
   * @param {(room: string) => void} fn
   */
  const onChange = (fn) => void listeners.add(fn);
  /** @param {string} room */
  function changed(room) {
    if (currentRoom() !== room) return;
    for (const fn of listeners) fn(room);
  }

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

  /**
   * Reads the room's audit log once (for its owner and moderators).
   *
   * @param {string} room
   */
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
    changed(room);
  }

  // ---- results --------------------------------------------------------------------------
  // The status line comes after the settings toggle and form (chat-room-settings.js puts them before it).
  const status = el("p", "mod-status");
  status.setAttribute("role", "status");
  $("room-settings").append(status);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let statusTimer;
  /** @param {string} text */
  function say(text) {
    status.textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => (status.textContent = ""), SAY_MS);
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
   * @param {ModKind} kind
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
    else changed(room);
    return true;
  }

  chat.on("moderation", (a) => {
    record(a);
    changed(a.room);
  });
  chat.on("removed", ({ room }) => {
    logs.delete(room);
    logRead.delete(room);
  });

  return { MIN, HOUR, durationText, untilText, currentRoom, standing, readLog, onChange, say, moderate };
})();
