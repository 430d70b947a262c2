// @ts-check
// Chat page, moderation: the composer held with a countdown
// (ParlorChat.composer.hold) after a send in slow mode (moderators and the
// owner are not slowed), on a slow-mode or rate-limit refusal (its
// retryAfterMs), and while the user is muted for a while; an open-ended mute
// is said in #composer-note. What a send's answer means comes from the hook's
// "sent" event; the page shows the message or the failed send itself.
/* exported ChatSendHold */
/* global ChatDom, ChatModeration, ParlorChat */
const ChatSendHold = (() => {
  "use strict";

  const { $ } = ChatDom;
  const chat = ParlorChat;
  const mod = ChatModeration;
  const { currentRoom } = mod;

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
    if (timedMute && (!want || timedMute > want.until)) want = { until: timedMute, reason: `You're muted ${mod.untilText(timedMute)}` };
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

  chat.on("sent", ({ room, res }) => afterSend(room, res));
  chat.on("view", () => renderComposer());
  chat.on("room-info", (info) => {
    // Promoted, or slow mode turned off: no more waiting for it.
    if (!info.slowModeMs || chat.canModerate(info.room)) holds.delete(info.room);
    if (currentRoom() === info.room) renderComposer();
  });
  chat.on("moderation", (a) => {
    if (!a.target || a.target.id !== chat.me().id) return;
    if (a.action === "mute") mutedMe.set(a.room, a.until ?? null);
    if (a.action === "unmute") mutedMe.delete(a.room);
    renderComposer();
  });
  chat.on("removed", ({ room }) => {
    holds.delete(room);
    mutedMe.delete(room);
  });

  return { renderComposer };
})();
