// @ts-check
// Chat page, moderation: #room-settings for the room's owner and moderators, a
// "Room settings" toggle opening a form with the topic and slow mode
// (room:update; room:updated skips the acting socket, so the header follows the
// ack) and the room's bans with Unban. Escape or Cancel closes it and gives
// focus back to the toggle. The status line after it is ChatModeration's.
//
// DOM: #room-settings > button.room-settings-toggle[aria-controls=room-settings-form],
//   form#room-settings-form (input#room-topic-input, select#room-slow-mode, button.room-settings-save,
//   button.room-settings-cancel, h2#room-bans-heading, ul.room-bans > li[data-user] > button.unban)
/* exported ChatRoomSettings */
/* global ChatDom, ChatModeration, ParlorChat */
const ChatRoomSettings = (() => {
  "use strict";

  const { $, el, button, label } = ChatDom;
  const chat = ParlorChat;
  const mod = ChatModeration;
  const { currentRoom } = mod;
  const SLOW_MODES = [0, 5000, 10_000, 30_000, mod.MIN, 5 * mod.MIN, 15 * mod.MIN, mod.HOUR];

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
        const o = /** @type {HTMLOptionElement} */ (el("option", "", ms ? `One message every ${mod.durationText(ms)}` : "Off"));
        o.value = String(ms);
        o.selected = ms === info.slowModeMs;
        return o;
      }),
    );
  }

  /** @param {string} room */
  function renderBans(room) {
    const list = [...mod.standing(room).banned.values()];
    bansHeading.hidden = bans.hidden = list.length === 0;
    bans.replaceChildren(
      ...list.map((a) => {
        const user = /** @type {User} */ (a.target);
        const li = el("li");
        li.dataset.user = user.id;
        const unban = button("Unban", `Unban ${label(user)}`, "unban");
        unban.addEventListener("click", () => void mod.moderate(room, user, "unban"));
        li.append(el("span", "ban-who", `${label(user)} — ${mod.untilText(a.until, "until unbanned")}`), unban);
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
    mod.say(`Saved: ${info.topic ? `topic “${info.topic}”` : "no topic"}, slow mode ${mod.durationText(info.slowModeMs).toLowerCase()}.`);
    // room:updated skips the acting socket: the header follows the ack.
    await chat.refreshInfo(room);
  });
  // Before the status line (ChatModeration's).
  slot.prepend(toggle, form);

  function renderSettings() {
    const room = currentRoom();
    const may = !!room && chat.canModerate(room);
    slot.hidden = !may;
    if (!may) form.hidden = true;
    if (room && may) {
      renderBans(room);
      void mod.readLog(room);
    }
  }

  chat.on("view", () => {
    setFormOpen(false);
    renderSettings();
  });
  chat.on("room-info", (info) => {
    if (currentRoom() === info.room) renderSettings();
  });
  mod.onChange(renderSettings);
  renderSettings();

  return { setFormOpen };
})();
