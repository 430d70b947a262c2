// @ts-check
// Parlor chat page: signing in, the page's parts made and wired together, what the user does in the
// conversation and the composer, and the hook. Every user string is shown through textContent
// (static/chat-dom.js), never innerHTML.
//
// Modules (classic scripts, loaded in this order by views/chat.ejs; each one top-level const):
//   chat-dom.js          ChatDom           elements, names with guest tags, dates
//   chat-errors.js       ChatErrors        error acks as sentences
//   chat-message.js      ChatMessage       one item of #messages: a message with quote, reactions, actions
//   chat-conversation.js ChatConversation  #messages: one room's or DM's conversation, separators, divider,
//                                          seen by, scrolling (and the RoomView / DmView / Pending types)
//   chat-model.js        ChatModel         what the page holds: views, unread counts, roles, edits, tombstones
//   chat-outbox.js       ChatOutbox        sends as pending until acked, failed with Retry, same clientId
//   chat-typing.js       ChatTyping        typing sent and shown
//   chat-composer.js     ChatComposer      #send-form: reply / edit modes, hold with a countdown
//   chat-sidebar.js      ChatSidebar       #sidebar: rooms with unread badges, DMs, members
//   chat-search.js       ChatSearch        #search-form: highlighted results, arrow keys, jump
//   chat-hook.js         ChatHook          the hook's events (ParlorChat.on) and their payload types
//   chat-read-state.js   ChatReadState     read cursor (room:read), unread badges and title, room:mine,
//                                          dm:list, seen by (room:receipts, polled while visible)
//   chat-views.js        ChatViews         the view on screen: switching, header, members, rendering once
//                                          per task, leaving, older messages, jumps
//   chat-socket.js       ChatSocketEvents  RoomSync joins and catch-up, live socket events into the model
//   chat.js              ParlorChat        this file: sign-in, wiring, user actions, the hook
// Then the hook's add-ons (see below), each subscribing to ParlorChat itself:
//   chat-moderation.js   ChatModeration    what they share: who is muted or banned (mod:log), a mod:* request
//                                          with its result in #room-settings' status line
//   chat-mod-menu.js     ChatModMenu       the "Moderate" menu on members, a confirmation with a reason
//   chat-room-settings.js ChatRoomSettings #room-settings: topic, slow mode, bans with Unban
//   chat-send-hold.js    ChatSendHold      the composer held for slow mode and mutes (from "sent")
// Room catch-up (rejoins with sinceSeq/sinceRev, paging, gap repair, each seq once) is
// static/room-sync.js, shared with the SDK.
//
// Hook for the add-ons loaded after this file (static/chat-moderation.js and its parts): the
// moderation menu on members, topic and slow-mode editing, the slow-mode countdown. `ParlorChat` gives them
//   me()                       the signed-in user
//   view()                     the view on screen: { kind: "room", room, info, members, … } or { kind: "dm", with, … } or null
//   roomInfo(room)             RoomInfo from the join ack / room:info / room:updated (owner, moderators, topic, slowModeMs)
//   roleOf(room, userId)       "owner" | "moderator" | "member" (from RoomInfo; global roles are not known to the page)
//   canModerate(room)          whether the current user is the room's owner or one of its moderators
//   request(event, payload)    an ack'd /chat request (ParlorSession.request on the page's socket)
//   friendly(res, action)      an error ack as a sentence (ChatErrors.friendly); showError(text) shows one
//   composer.hold(untilMs, reason) / composer.release()   disable the input with a countdown
//   refreshInfo(room)          room:info again (after a promote, say), re-rendering header and members
//   on(event, fn)              "view" (view), "room-info" (info), "members" (items: li[data-user][data-role]
//                              with an empty span.member-tools each, users, room), "moderation" (ModAction),
//                              "removed" ({ room, action }), "sent" ({ room, clientId, res }: each answer to a
//                              room's message:send, ok or not, TIMEOUT included, before the page shows it);
//                              returns an unsubscribe function (payload types: chat-hook.js)
// and the DOM: #room-settings (an empty slot in the header for room settings), #chat[data-room]
// [data-my-role], #members > li[data-user][data-role] > span.member-tools, #composer-note.
/* exported ParlorChat */
/* global ChatDom, ChatErrors, ChatConversation, ChatModel, ChatOutbox, ChatTyping, ChatComposer, ChatSidebar, ChatSearch,
   ChatHook, ChatReadState, ChatViews, ChatSocketEvents */
const ParlorChat = (() => {
  "use strict";
  /** @typedef {import("./globals").ChatSocket} ChatSocket */
  /** @typedef {import("./globals").StoredSession} StoredSession */

  const { $, field, noteUser } = ChatDom;
  const app = $("app");
  const state = {
    /** @type {StoredSession | null} */
    session: null,
    /** @type {ChatSocket | null} */
    socket: null,
  };
  const session = () => /** @type {StoredSession} */ (state.session);
  const socket = () => /** @type {ChatSocket} */ (state.socket);
  const me = () => session().user;
  const connected = () => !!state.socket && state.socket.connected;
  const model = ChatModel.create(me);
  const hook = ChatHook.create();
  const currentView = () => views.view();
  const currentRoom = () => views.room();
  /** @param {string} room */
  const roomInfo = (room) => model.rooms.get(room)?.info ?? null;
  /** @param {string} room */
  const canModerate = (room) => model.roleOf(room, me().id) !== "member";

  /** @param {string} [message] */
  const showError = (message) => ($("error").textContent = message || "");
  /** @type {import("./globals").ChatRequest} */
  const request = (event, payload) => window.ParlorSession.request(socket(), event, payload);

  // ---- the parts of the page (each made before the ones that use it; later ones are reached lazily) ----
  const conversation = ChatConversation.create({
    list: $("messages"),
    me,
    canModerate: () => {
      const v = currentRoom();
      return !!v && canModerate(v.room);
    },
    onAction: (a) => void act(a),
    onScroll: () => views.onScroll(),
  });
  const sidebar = ChatSidebar.create({
    me,
    onOpenRoom: (room) => void views.openRoom(room),
    onLeave: (room) => void views.leave(room),
    onOpenDm: (user) => void views.openDm(user),
  });
  const typing = ChatTyping.create({
    emit: (room, on) => connected() && socket().emit("typing", { room, typing: on }),
    room: () => currentRoom()?.room ?? null,
  });
  const composer = ChatComposer.create({
    onSubmit: submit,
    onInput: () => connected() && composer.mode.type !== "edit" && typing.typed(),
  });
  const search = ChatSearch.create({
    search: (q) => request("message:search", { q }),
    open: (room, seq) => void views.jumpTo(room, seq),
  });
  const outbox = ChatOutbox.create({
    async send(v, p) {
      if (v.kind === "dm") return request("dm:send", { to: v.with.id, text: p.text, clientId: p.clientId });
      /** @type {import("../server/protocol").MessageSendInput} */
      const payload = { room: v.room, text: p.text, clientId: p.clientId };
      if (p.replyTo !== undefined) payload.replyTo = p.replyTo;
      const res = await request("message:send", payload);
      // Before the outbox takes the answer: a slow-mode hold is on when the message shows.
      hook.emit("sent", { room: v.room, clientId: p.clientId, res });
      return res;
    },
    sent(v, message) {
      if (v.kind === "room") {
        const m = /** @type {Message} */ (message);
        // Unless a catch-up brought it already (a lost ack, retried).
        if (live.rooms.markSeen(m)) live.hold(m);
        else views.render(v);
        readState.scheduleReceipts();
      } else {
        model.addDms(v, [/** @type {DirectMessage} */ (message)]);
        model.rememberDmSeen(v);
        views.render(v, "bottom");
      }
    },
    changed: (v) => views.render(v),
  });
  const readState = ChatReadState.create({
    model,
    sidebar,
    request,
    connected,
    me,
    current: () => views.current(),
    lastVisibleSeq: () => conversation.lastVisibleSeq(),
    join: (room) => views.join(room),
    render: (v) => views.render(v),
  });
  const views = ChatViews.create({
    model,
    conversation,
    sidebar,
    composer,
    typing,
    readState,
    rooms: () => live.rooms,
    request,
    connected,
    me,
    showError,
    emit: hook.emit,
    startRoom: app.dataset.room || "lobby",
  });
  const live = ChatSocketEvents.create({
    model,
    views,
    readState,
    typing,
    outbox,
    request,
    connected,
    me,
    showError,
    emit: hook.emit,
    signOut: () => signOut(),
  });

  // ---- what the user does ------------------------------------------------------------
  /**
   * @param {string} text
   * @param {ComposerMode} mode
   */
  async function submit(text, mode) {
    const v = currentView();
    if (!v) return false;
    typing.stop();
    if (mode.type === "edit" && v.kind === "room") {
      const res = await request("message:edit", { room: v.room, seq: mode.message.seq, text });
      if (!res.ok) return (showError(ChatErrors.friendly(res, "edit")), false);
      live.rooms.noteRev(v.room, res.data.message.rev);
      live.replace(res.data.message);
      return true;
    }
    outbox.add(v, text, mode.type === "reply" && v.kind === "room" ? mode.message.seq : undefined);
    views.render(v, "bottom");
    return true;
  }

  /** @param {ConversationAction} a */
  async function act(a) {
    const v = currentView();
    if (!v) return;
    if (a.type === "older") return void views.loadOlder(v);
    if (a.type === "retry" || a.type === "discard") return a.type === "retry" ? outbox.retry(v, a.clientId) : outbox.discard(v, a.clientId);
    if (v.kind !== "room") return;
    if (a.type === "quote") return void views.jumpTo(v.room, a.seq);
    if (a.type === "reply") return composer.reply(a.message);
    if (a.type === "edit") return composer.edit(a.message);
    if (a.type === "delete") {
      const res = await request("message:delete", { room: v.room, seq: a.message.seq });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "delete"));
      return live.replace(model.tombstoneOf(v, a.message.seq, undefined));
    }
    if (a.type !== "react") return;
    const res = await request("message:react", { room: v.room, seq: a.message.seq, emoji: a.emoji, on: a.on });
    if (!res.ok) return void showError(ChatErrors.friendly(res, "react"));
    live.setReactions(res.data);
  }

  // ---- signing in --------------------------------------------------------------------
  /** @param {string} message */
  function showLogin(message) {
    $("chat").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    field("login-name").value = app.dataset.name || "";
  }

  /** @param {string} [message] */
  function signOut(message) {
    sessionStorage.removeItem(window.ParlorSession.SESSION_KEY);
    state.socket?.close();
    showLogin(message || "Your session expired. Enter your name again.");
  }

  /** @param {string} name */
  async function start(name) {
    state.session = window.ParlorSession.load(name) || (await window.ParlorSession.create(name));
    noteUser(state.session.user);
    $("login").hidden = true;
    $("chat").hidden = false;
    $("me").textContent = `signed in as ${state.session.user.name}`;
    /** @type {ChatSocket} */
    const s = io("/chat", { auth: { token: state.session.token } });
    state.socket = s;
    live.listen(s);
    composer.focus();
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    start(field("login-name").value.trim()).catch((err) => ($("login-error").textContent = err.message));
  });
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = field("join-room").value.trim();
    if (room) views.openRoom(room).then((ok) => ok && (field("join-room").value = ""));
  });

  const existing = window.ParlorSession.load(app.dataset.name || "");
  const startName = app.dataset.name || (existing ? existing.user.name : "");
  if (startName) start(startName).catch((err) => showLogin(err.message));
  else showLogin("");

  return {
    on: hook.on,
    me,
    view: currentView,
    roomInfo,
    roleOf: model.roleOf,
    canModerate,
    request,
    friendly: ChatErrors.friendly,
    showError,
    refreshInfo: (/** @type {string} */ room) => views.refreshInfo(room),
    composer,
    search,
  };
})();
