// @ts-check
// Chat page, the composer (#send-form): the input and Send, "replying to …" and
// "editing" with Cancel (Escape too), and a hold on the input with a countdown.
//
// Hook for static/chat-send-hold.js (slow mode, mutes): `ParlorChat.composer.hold(untilMs, reason)`
// disables the input and Send and shows "<reason> — 12 s" in #composer-note until then
// (or until `release()`); `held` says whether it is on. The page itself sends nothing here.
/* exported ChatComposer */
/* global ChatDom */
/**
 * What Enter does: send, send as a reply to a message, or replace one's own message's text.
 * @typedef {{ type: "send" } | { type: "reply"; message: Message } | { type: "edit"; message: Message }} ComposerMode
 */
const ChatComposer = (() => {
  "use strict";

  const { $, field, el, button } = ChatDom;

  /**
   * @param {{ onSubmit: (text: string, mode: ComposerMode) => Promise<boolean>; onInput: () => void }} deps
   */
  function create(deps) {
    const form = /** @type {HTMLFormElement} */ ($("send-form"));
    const input = field("text");
    const send = /** @type {HTMLButtonElement} */ ($("send"));
    const context = $("composer-context");
    const note = $("composer-note");
    /** @type {ComposerMode} */
    let mode = { type: "send" };
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let timer;
    let holdUntil = 0;
    /** The draft typed before an edit replaced the input (given back on cancel). */
    let draft = "";

    function renderContext() {
      if (mode.type === "send") {
        context.hidden = true;
        context.replaceChildren();
        return;
      }
      const m = mode.message;
      const what = mode.type === "reply" ? `Replying to ${m.user.name}: ` : "Editing your message: ";
      const cancel = button("Cancel", mode.type === "reply" ? "Cancel the reply" : "Cancel editing", "cancel");
      cancel.addEventListener("click", () => clear(true));
      context.replaceChildren(el("span", "what", what), el("span", "quote-text", m.text.slice(0, 140)), cancel);
      context.dataset.mode = mode.type;
      context.dataset.seq = String(m.seq);
      context.hidden = false;
    }

    /** @param {Message} message */
    function reply(message) {
      if (mode.type === "edit") input.value = draft;
      mode = { type: "reply", message };
      renderContext();
      input.focus();
    }

    /** @param {Message} message */
    function edit(message) {
      if (mode.type !== "edit") draft = input.value;
      mode = { type: "edit", message };
      input.value = message.text;
      renderContext();
      input.focus();
    }

    /** @param {boolean} [restoreDraft] */
    function clear(restoreDraft = false) {
      if (mode.type === "edit") input.value = restoreDraft ? draft : "";
      mode = { type: "send" };
      draft = "";
      renderContext();
      input.focus();
    }

    /**
     * Disables the input and Send until `untilMs` (epoch ms), counting down in #composer-note.
     *
     * @param {number} untilMs
     * @param {string} reason e.g. "Slow mode"
     */
    function hold(untilMs, reason) {
      clearInterval(timer);
      holdUntil = untilMs;
      const tick = () => {
        const left = Math.ceil((holdUntil - Date.now()) / 1000);
        if (left <= 0) return release();
        note.textContent = `${reason} — you can send again in ${left} s`;
      };
      input.disabled = true;
      send.disabled = true;
      note.hidden = false;
      tick();
      timer = setInterval(tick, 250);
    }

    function release() {
      clearInterval(timer);
      holdUntil = 0;
      input.disabled = false;
      send.disabled = false;
      note.textContent = "";
      note.hidden = true;
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text || input.disabled) return;
      const current = mode;
      input.value = "";
      // After an edit, the draft typed before it comes back.
      if (current.type !== "send") clear(true);
      // A send shows as pending at once (the page keeps it); an edit that fails gives its text back.
      if (!(await deps.onSubmit(text, current)) && current.type === "edit") {
        edit(current.message);
        input.value = text;
      }
    });
    input.addEventListener("input", () => deps.onInput());
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && mode.type !== "send") {
        e.preventDefault();
        clear(true);
      }
    });

    return {
      reply,
      edit,
      clear,
      hold,
      release,
      focus: () => input.focus(),
      get mode() {
        return mode;
      },
      get held() {
        return holdUntil > Date.now();
      },
    };
  }

  return { create };
})();
