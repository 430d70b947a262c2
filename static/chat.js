// @ts-check
// Parlor chat page: which view is on screen, the read cursor, and the socket. Every user string is
// shown through textContent (static/chat-dom.js), never innerHTML.
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
//   chat.js              ParlorChat        this file: views, read cursor, socket events, the hook
// Room catch-up (rejoins with sinceSeq/sinceRev, paging, gap repair, each seq once) is
// static/room-sync.js, shared with the SDK.
//
// Hook for static/chat-moderation.js (load it after this file): the moderation menu on members,
// topic and slow-mode editing, the slow-mode countdown. `ParlorChat` gives it
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
//                              returns an unsubscribe function
// and the DOM: #room-settings (an empty slot in the header for room settings), #chat[data-room]
// [data-my-role], #members > li[data-user][data-role] > span.member-tools, #composer-note.
/* exported ParlorChat */
/* global ChatDom, ChatErrors, ChatConversation, ChatModel, ChatOutbox, ChatTyping, ChatComposer, ChatSidebar, ChatSearch */
const ParlorChat = (() => {
  "use strict";
  /** @typedef {import("../server/protocol").ChatClientToServerEvents} ChatEvents */
  /** @typedef {import("./globals").AckEvent<ChatEvents>} ChatAckEvent */
  /** @typedef {import("./globals").ChatSocket} ChatSocket */
  /** @typedef {import("./globals").StoredSession} StoredSession */
  /** @typedef {import("./globals").FailedAck} FailedAck */
  /**
   * @typedef {{
   *   view: [ChatView | null];
   *   "room-info": [RoomInfo];
   *   members: [HTMLElement[], User[], string];
   *   moderation: [ModAction];
   *   removed: [{ room: string; action: ModAction }];
   *   sent: [{ room: string; clientId: string; res: import("./globals").PageAck<{ message: Message }> }];
   * }} HookEvents
   */

  const { $, field, noteUser, label } = ChatDom;
  const app = $("app");
  const BASE_TITLE = document.title;
  const state = {
    /** @type {StoredSession | null} */
    session: null,
    /** @type {ChatSocket | null} */
    socket: null,
    /** The room the page opens first (?room=). */
    startRoom: app.dataset.room || "lobby",
    /** @type {string | null} the view on screen: "room:<name>" or "dm:<userId>" */
    current: null,
    /** The first view was opened (later connects only catch up). */
    opened: false,
  };
  const session = () => /** @type {StoredSession} */ (state.session);
  const socket = () => /** @type {ChatSocket} */ (state.socket);
  const me = () => session().user;
  const connected = () => !!state.socket && state.socket.connected;
  const model = ChatModel.create(me);
  const currentView = () => model.view(state.current);
  const currentRoom = () => {
    const v = currentView();
    return v && v.kind === "room" ? v : null;
  };
  /** @param {string} room */
  const roomInfo = (room) => model.rooms.get(room)?.info ?? null;
  /** @param {string} room */
  const canModerate = (room) => model.roleOf(room, me().id) !== "member";

  // ---- the hook's events ---------------------------------------------------------
  /** @type {{ [K in keyof HookEvents]?: Set<(...args: HookEvents[K]) => void> }} */
  const listeners = {};
  /**
   * @template {keyof HookEvents} K
   * @param {K} event
   * @param {(...args: HookEvents[K]) => void} fn
   */
  function on(event, fn) {
    const set = /** @type {Set<(...args: HookEvents[K]) => void>} */ (listeners[event] ??= /** @type {never} */ (new Set()));
    set.add(fn);
    return () => void set.delete(fn);
  }
  /**
   * @template {keyof HookEvents} K
   * @param {K} event
   * @param {HookEvents[K]} args
   */
  function emit(event, ...args) {
    for (const fn of /** @type {Set<(...args: HookEvents[K]) => void>} */ (listeners[event] ?? new Set())) {
      try {
        fn(...args);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** @param {string} [message] */
  const showError = (message) => ($("error").textContent = message || "");
  /**
   * @template {ChatAckEvent} E
   * @param {E} event
   * @param {import("./globals").EventPayload<ChatEvents, E>} payload
   */
  const request = (event, payload) => window.ParlorSession.request(socket(), event, payload);

  /** A failed join, carrying its ack for a friendly sentence. */
  class AckFailure extends Error {
    /** @param {FailedAck} ack */
    constructor(ack) {
      super(window.ParlorSession.ackError(ack));
      this.ack = ack;
    }
  }
  /** @param {unknown} err */
  const errorText = (err) => (err instanceof AckFailure ? ChatErrors.friendly(err.ack, "join") : "Something went wrong. Try again.");

  // ---- the parts of the page -------------------------------------------------------
  const conversation = ChatConversation.create({
    list: $("messages"),
    me,
    canModerate: () => {
      const v = currentRoom();
      return !!v && canModerate(v.room);
    },
    onAction: (a) => void act(a),
    onScroll,
  });
  const sidebar = ChatSidebar.create({
    me,
    onOpenRoom: (room) => void openRoom(room),
    onLeave: (room) => void leave(room),
    onOpenDm: (user) => void openDm(user),
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
    open: (room, seq) => void jumpTo(room, seq),
  });
  const outbox = ChatOutbox.create({
    async send(v, p) {
      if (v.kind === "dm") return request("dm:send", { to: v.with.id, text: p.text, clientId: p.clientId });
      /** @type {import("../server/protocol").MessageSendInput} */
      const payload = { room: v.room, text: p.text, clientId: p.clientId };
      if (p.replyTo !== undefined) payload.replyTo = p.replyTo;
      const res = await request("message:send", payload);
      // Before the outbox takes the answer: a slow-mode hold is on when the message shows.
      emit("sent", { room: v.room, clientId: p.clientId, res });
      return res;
    },
    sent(v, message) {
      if (v.kind === "room") {
        const m = /** @type {Message} */ (message);
        // Unless a catch-up brought it already (a lost ack, retried).
        if (rooms.markSeen(m)) hold(m);
        else renderIfCurrent(v);
        scheduleReceipts();
      } else {
        model.addDms(v, [/** @type {DirectMessage} */ (message)]);
        model.rememberDmSeen(v);
        renderIfCurrent(v, "bottom");
      }
    },
    changed: (v) => renderIfCurrent(v),
  });

  // ---- rendering -------------------------------------------------------------------
  /** @type {{ v: ChatView; mode: "keep" | "bottom" } | null} */
  let queued = null;
  /**
   * Renders the view if it is on screen, and the sidebar, once per task: a catch-up of 500 messages
   * renders once, not 500 times.
   *
   * @param {ChatView} v
   * @param {"keep" | "bottom"} [mode] "bottom" wins over "keep" within one task
   */
  function renderIfCurrent(v, mode = "keep") {
    if (!queued) queueMicrotask(flushRender);
    const prev = queued;
    queued = {
      v: prev && prev.v !== v && prev.v.key === state.current ? prev.v : v,
      mode: prev && prev.mode === "bottom" ? "bottom" : mode,
    };
  }
  function flushRender() {
    const q = queued;
    queued = null;
    if (q && q.v.key === state.current) {
      conversation.render(q.v, q.mode);
      markRead();
    }
    renderSidebar();
  }

  function renderSidebar() {
    const rooms = [...model.rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
    sidebar.renderRooms(rooms.map((v) => ({ room: v.room, unread: model.unreadOf(v), active: v.key === state.current })));
    const lastTs = (/** @type {DmView} */ v) => v.msgs[v.msgs.length - 1]?.ts ?? 0;
    const dms = [...model.dms.values()].sort((a, b) => lastTs(b) - lastTs(a));
    sidebar.renderDms(dms.map((v) => ({ user: v.with, unread: v.unread, active: v.key === state.current })));
    const total = rooms.reduce((n, v) => n + model.unreadOf(v), 0) + dms.reduce((n, v) => n + v.unread, 0);
    document.title = total ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
  }

  function renderHeader() {
    const v = currentView();
    const chat = $("chat");
    const topic = $("room-topic");
    $("room-title").textContent = !v ? "No room" : v.kind === "room" ? `#${v.room}` : `@${label(v.with)}`;
    topic.textContent = !v ? "" : v.kind === "room" ? (v.info?.topic ?? "") : "Direct messages";
    topic.hidden = !topic.textContent;
    for (const key of ["room", "myRole", "dm", "view"]) delete chat.dataset[key];
    if (!v) return;
    chat.dataset.view = v.kind;
    if (v.kind === "dm") chat.dataset.dm = v.with.id;
    else {
      chat.dataset.room = v.room;
      chat.dataset.myRole = model.roleOf(v.room, me().id);
    }
  }

  function renderMembers() {
    const v = currentRoom();
    // Members are a room's: a DM view has none to show.
    $("members-heading").hidden = !v;
    if (!v) return void $("members").replaceChildren();
    const items = sidebar.renderMembers(v.members, (u) => model.roleOf(v.room, u.id));
    emit("members", items, v.members, v.room);
  }

  /** @param {string} text a new message from someone else, for screen readers (#announcer) */
  const announce = (text) => ($("announcer").textContent = text);

  // ---- holding messages --------------------------------------------------------------
  /**
   * A new message of a room (live or from a catch-up); RoomSync hands each seq over once.
   *
   * @param {Message} m
   */
  function hold(m) {
    const v = model.roomView(m.room);
    const unseen = v.key === state.current && m.user.id !== me().id && m.seq > v.readSeq && !pageSeen();
    // Arriving while the reader looks elsewhere: "new messages" starts here when they come back.
    if (unseen && v.dividerSeq === null) v.dividerSeq = v.readSeq;
    model.put(v, m);
    if (m.user.id !== me().id && v.key === state.current) announce(`${m.user.name}: ${m.text}`);
    renderIfCurrent(v);
    if (v.key === state.current) scheduleReceipts();
  }

  /** @param {Message | null | undefined} m a held message in its current form */
  function replace(m) {
    const v = m && model.rooms.get(m.room);
    if (!m || !v) return;
    model.replace(v, m);
    renderIfCurrent(v);
  }

  /** @param {{ room: string; seq: number; rev: number; reactions?: Message["reactions"] }} r */
  function setReactions(r) {
    rooms.noteRev(r.room, r.rev);
    const v = model.rooms.get(r.room);
    if (v) replace(model.withReactions(v, r));
  }

  /**
   * @param {string} room
   * @param {string} text
   */
  function notice(room, text) {
    const v = model.rooms.get(room);
    if (!v) return;
    model.notice(v, text);
    renderIfCurrent(v);
  }

  const rooms = new window.ParlorRoomSync.RoomSync({
    async join(room, sinceSeq, _waitReady, sinceRev) {
      /** @type {import("../server/protocol").RoomJoinInput} */
      const payload = { room };
      if (sinceSeq !== undefined) payload.sinceSeq = sinceSeq;
      if (sinceSeq !== undefined && sinceRev !== undefined) payload.sinceRev = sinceRev;
      const res = await request("room:join", payload);
      if (!res.ok) throw new AckFailure(res);
      const v = model.roomView(room);
      v.info = res.data.info;
      v.readSeq = Math.max(v.readSeq, res.data.readSeq);
      v.members = res.data.members;
      for (const u of res.data.members) noteUser(u);
      if (sinceSeq === undefined) {
        // A first join's answer is returned, not delivered: it is held here.
        for (const m of res.data.messages) model.put(v, m);
        v.hasOlder = res.data.messages.length > 0 && res.data.messages[0].seq > 1;
      }
      emit("room-info", res.data.info);
      return res.data;
    },
    update: (m) => replace(m),
    deliver: (m) => hold(m),
    onError: (err) => showError(errorText(err)),
    isReady: connected,
    // A page shows a hole soon; the SDK waits longer (1 s) before it fetches.
    gapCheckMs: 250,
  });

  // ---- views -------------------------------------------------------------------------
  /** @param {string | null} key */
  function setView(key) {
    state.current = key;
    const v = currentView();
    queued = null;
    if (composer.mode.type !== "send") composer.clear();
    if (v && v.kind === "room") {
      v.dividerSeq = model.unreadOf(v) > 0 ? v.readSeq : null;
      v.pickerSeq = null;
      const url = new URL(location.href);
      url.searchParams.set("room", v.room);
      history.replaceState(null, "", url);
      void refreshMembers(v);
      void refreshReceipts();
    }
    renderHeader();
    renderMembers();
    conversation.render(v, "bottom");
    if (v && v.kind === "room" && v.dividerSeq !== null) $("unread-divider")?.scrollIntoView({ block: "start" });
    typing.render();
    markRead();
    renderSidebar();
    emit("view", v);
  }

  /**
   * Joins `room` unless this socket has (RoomSync shares a join in flight).
   *
   * @param {string} room
   */
  async function join(room) {
    if (rooms.has(room) && rooms.sinceSeq(room) !== undefined) return true;
    try {
      await rooms.join(room);
      return true;
    } catch (err) {
      showError(errorText(err));
      return false;
    }
  }

  /** @param {string} room */
  async function openRoom(room) {
    showError("");
    if (!(await join(room))) return false;
    setView(`room:${room}`);
    return true;
  }

  /** @param {string} room */
  async function leave(room) {
    const res = await request("room:leave", { room });
    if (!res.ok) return void showError(ChatErrors.friendly(res, "leave"));
    forgetRoom(room);
  }

  /** @param {string} room left, kicked or banned: gone from the page */
  function forgetRoom(room) {
    rooms.forget(room);
    model.rooms.delete(room);
    if (state.current === `room:${room}`) setView([...model.rooms.keys()].sort().map((r) => `room:${r}`)[0] ?? null);
    renderSidebar();
  }

  /** @param {User} user */
  async function openDm(user) {
    showError("");
    const v = model.dmView(user);
    setView(v.key);
    if (v.loaded) return;
    const res = await request("dm:history", { with: user.id, limit: 50 });
    if (!res.ok) return void showError(ChatErrors.friendly(res, "dm"));
    v.loaded = true;
    model.addDms(v, res.data.messages);
    v.hasOlder = res.data.hasMore;
    renderIfCurrent(v, "bottom");
    markRead();
  }

  /** @param {ChatView} v */
  async function loadOlder(v) {
    if (v.loadingOlder || !v.hasOlder || !connected()) return false;
    v.loadingOlder = true;
    try {
      if (v.kind === "room") {
        const res = await request("message:history", { room: v.room, beforeSeq: model.minSeq(v), limit: 100 });
        if (!res.ok) return (showError(ChatErrors.friendly(res, "history")), false);
        for (const m of res.data.messages) if (!v.msgs.has(m.seq)) model.put(v, m);
        v.hasOlder = res.data.hasMore && model.minSeq(v) > 1;
      } else {
        const res = await request("dm:history", { with: v.with.id, before: v.msgs[0]?.ts ?? Date.now(), limit: 50 });
        if (!res.ok) return (showError(ChatErrors.friendly(res, "dm")), false);
        model.addDms(v, res.data.messages);
        v.hasOlder = res.data.hasMore && res.data.messages.length > 0;
      }
      if (v.key === state.current) conversation.render(v, "prepend");
      return true;
    } finally {
      v.loadingOlder = false;
    }
  }

  /**
   * Opens `room` at message `seq`: pages back until it is held, scrolls to it and highlights it.
   *
   * @param {string} room
   * @param {number} seq
   */
  async function jumpTo(room, seq) {
    if (state.current !== `room:${room}` && !(await openRoom(room))) return;
    const v = model.roomView(room);
    while (!v.msgs.has(seq) && v.hasOlder && model.minSeq(v) > seq) if (!(await loadOlder(v))) break;
    if (!v.msgs.has(seq)) return void showError("That message is no longer there.");
    v.highlightSeq = seq;
    conversation.render(v);
    conversation.scrollToSeq(seq);
    sidebar.setOpen(false);
  }

  function onScroll() {
    const v = currentView();
    if (v && $("messages").scrollTop < 120) void loadOlder(v);
    markRead();
  }

  // ---- read state --------------------------------------------------------------------
  /** Whether the reader can see the page: it is visible and has the focus. */
  const pageSeen = () => document.visibilityState === "visible" && document.hasFocus();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let readTimer;
  /**
   * While the page is visible and focused: a room's read cursor moves to the newest message on screen
   * (room:read, soon after), a DM conversation is seen.
   */
  function markRead() {
    const v = currentView();
    if (!v || !pageSeen()) return;
    if (v.kind === "dm") {
      if (!v.unread) return;
      model.rememberDmSeen(v);
      renderSidebar();
      return;
    }
    const seq = conversation.lastVisibleSeq();
    if (seq <= v.readSeq) return;
    v.readSeq = seq;
    renderSidebar();
    clearTimeout(readTimer);
    readTimer = setTimeout(async () => {
      if (!connected()) return;
      const res = await request("room:read", { room: v.room, seq: v.readSeq });
      if (res.ok) v.readSeq = Math.max(v.readSeq, res.data.readSeq);
    }, 150);
  }
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let receiptsTimer;
  const scheduleReceipts = () => {
    clearTimeout(receiptsTimer);
    receiptsTimer = setTimeout(refreshReceipts, 700);
  };
  async function refreshReceipts() {
    const v = currentRoom();
    if (!v || !connected()) return;
    const res = await request("room:receipts", { room: v.room });
    if (!res.ok) return;
    for (const r of res.data.receipts) noteUser(r.user);
    v.receipts = res.data.receipts;
    renderIfCurrent(v);
  }

  /** @param {RoomView} v */
  async function refreshMembers(v) {
    const res = await request("room:members", { room: v.room });
    if (!res.ok) return;
    for (const u of res.data.members) noteUser(u);
    v.members = res.data.members;
    if (v.key === state.current) renderMembers();
  }

  /** @param {string} room */
  async function refreshInfo(room) {
    const res = await request("room:info", { room });
    const v = model.rooms.get(room);
    if (!res.ok || !v) return;
    v.info = res.data.info;
    emit("room-info", v.info);
    if (v.key !== state.current) return;
    renderHeader();
    renderMembers();
    conversation.render(v);
  }

  /** The user's rooms (room:mine): joined on this socket too, so their badges follow live. */
  async function refreshMine() {
    const res = await request("room:mine", {});
    if (!res.ok) return;
    for (const entry of res.data.rooms) {
      if (!(await join(entry.room))) continue;
      const v = model.roomView(entry.room);
      v.mine = { lastSeq: entry.lastSeq, readSeq: entry.readSeq, unread: entry.unread };
      v.readSeq = Math.max(v.readSeq, entry.readSeq);
    }
    renderSidebar();
  }

  async function refreshDms() {
    const res = await request("dm:list", {});
    if (!res.ok) return;
    const seen = model.dmSeen();
    for (const c of res.data.conversations) {
      const v = model.dmView(c.with);
      if (v.msgs.some((m) => m.id === c.last.id)) continue;
      if (c.last.from.id !== me().id && c.last.ts > (seen[c.with.id] ?? 0) && v.key !== state.current) v.unread = Math.max(v.unread, 1);
      model.addDms(v, [c.last]);
    }
    renderSidebar();
  }

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
      rooms.noteRev(v.room, res.data.message.rev);
      replace(res.data.message);
      return true;
    }
    outbox.add(v, text, mode.type === "reply" && v.kind === "room" ? mode.message.seq : undefined);
    renderIfCurrent(v, "bottom");
    return true;
  }

  /** @param {ConversationAction} a */
  async function act(a) {
    const v = currentView();
    if (!v) return;
    if (a.type === "older") return void loadOlder(v);
    if (a.type === "retry" || a.type === "discard") return a.type === "retry" ? outbox.retry(v, a.clientId) : outbox.discard(v, a.clientId);
    if (v.kind !== "room") return;
    if (a.type === "quote") return void jumpTo(v.room, a.seq);
    if (a.type === "reply") return composer.reply(a.message);
    if (a.type === "edit") return composer.edit(a.message);
    if (a.type === "delete") {
      const res = await request("message:delete", { room: v.room, seq: a.message.seq });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "delete"));
      return replace(model.tombstoneOf(v, a.message.seq, undefined));
    }
    if (a.type !== "react") return;
    const res = await request("message:react", { room: v.room, seq: a.message.seq, emoji: a.emoji, on: a.on });
    if (!res.ok) return void showError(ChatErrors.friendly(res, "react"));
    setReactions(res.data);
  }

  // ---- the socket --------------------------------------------------------------------
  /** @param {boolean} offline */
  function setOffline(offline) {
    $("offline-banner").hidden = !offline;
    $("status").textContent = offline ? "offline" : "online";
    $("status").className = offline ? "status offline" : "status online";
  }

  /** @param {string} [message] */
  function signOut(message) {
    sessionStorage.removeItem(window.ParlorSession.SESSION_KEY);
    state.socket?.close();
    showLogin(message || "Your session expired. Enter your name again.");
  }

  /** @param {ChatSocket} s */
  function listen(s) {
    s.on("connect", async () => {
      // Rejoin (with sinceSeq) before anything is sent: on a new server our socket is in no room yet,
      // and what we missed must come first.
      const { errors } = await rooms.rejoinAll();
      if (!state.opened) {
        state.opened = await openRoom(state.startRoom);
        if (!state.opened) state.opened = state.startRoom !== "lobby" && (await openRoom("lobby"));
      } else {
        const v = currentView();
        if (v) renderIfCurrent(v);
        if (v && v.kind === "room") void refreshMembers(v);
      }
      for (const err of errors) showError(errorText(err));
      setOffline(false);
      outbox.setReady(true);
      await refreshMine();
      await refreshDms();
      void refreshReceipts();
    });
    s.on("disconnect", () => {
      outbox.setReady(false);
      setOffline(true);
      typing.stop();
    });
    s.on("connect_error", (err) => {
      if (err.message === "UNAUTHORIZED") signOut();
      else setOffline(true);
    });
    s.on("session:welcome", ({ user }) => noteUser(user));
    s.on("auth:expired", () => signOut());
    s.on("message:new", (m) => {
      // RoomSync notices a hole below m (e.g. after a short disconnect) and fetches it.
      rooms.received(m);
      typing.gone(m.room, m.user.id);
    });
    s.on("message:updated", (m) => {
      rooms.noteRev(m.room, m.rev);
      replace(m);
    });
    s.on("message:deleted", ({ room, seq, rev }) => {
      rooms.noteRev(room, rev);
      const v = model.rooms.get(room);
      if (v) replace(model.tombstoneOf(v, seq, rev));
    });
    s.on("message:reactions", (r) => setReactions(r));
    s.on("room:read", ({ room, readSeq }) => {
      const v = model.rooms.get(room);
      if (!v || readSeq <= v.readSeq) return;
      v.readSeq = readSeq;
      renderSidebar();
    });
    for (const event of /** @type {const} */ (["room:member-joined", "room:member-left"]))
      s.on(event, ({ room, user }) => {
        noteUser(user);
        typing.gone(room, user.id);
        const v = model.rooms.get(room);
        if (!v || user.id === me().id) return;
        notice(room, `${label(user)} ${event === "room:member-joined" ? "joined" : "left"}`);
        if (v.key === state.current) void refreshMembers(v);
      });
    s.on("room:updated", (info) => {
      const v = model.rooms.get(info.room);
      if (!v) return;
      const before = v.info;
      v.info = info;
      if (before) for (const text of ChatModel.settingsTexts(before, info)) notice(info.room, text);
      emit("room-info", info);
      if (v.key !== state.current) return;
      renderHeader();
      renderMembers();
    });
    s.on("room:moderation", (a) => {
      if (a.action !== "delete" && a.action !== "update") notice(a.room, ChatModel.moderationText(a));
      if (a.action === "promote" || a.action === "demote") void refreshInfo(a.room);
      emit("moderation", a);
    });
    s.on("room:removed", ({ room, action }) => {
      showError(`${action.action === "ban" ? "You were banned from" : "You were removed from"} #${room} by ${action.by.name}.`);
      forgetRoom(room);
      emit("removed", { room, action });
    });
    s.on("typing", (e) => typing.received(e));
    s.on("dm:new", (m) => {
      // A DM has its own view: it never shows inside a room's conversation.
      const incoming = m.from.id !== me().id;
      const v = model.dmView(incoming ? m.from : m.to);
      model.addDms(v, [m]);
      if (incoming) v.unread++;
      if (incoming) announce(`Direct message from ${m.from.name}: ${m.text}`);
      renderIfCurrent(v);
      markRead();
    });
    s.on("system:shutdown", (p) => {
      $("status").textContent = `server restarting, reconnecting in ${Math.round(p.reconnectAfterMs / 1000)} s`;
    });
  }

  // ---- signing in --------------------------------------------------------------------
  /** @param {string} message */
  function showLogin(message) {
    $("chat").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    field("login-name").value = app.dataset.name || "";
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
    listen(s);
    composer.focus();
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    start(field("login-name").value.trim()).catch((err) => ($("login-error").textContent = err.message));
  });
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = field("join-room").value.trim();
    if (room) openRoom(room).then((ok) => ok && (field("join-room").value = ""));
  });
  // Who read what: receipts have no push event to others, so the open room asks now and then.
  setInterval(() => connected() && refreshReceipts(), 4000);

  const existing = window.ParlorSession.load(app.dataset.name || "");
  const startName = app.dataset.name || (existing ? existing.user.name : "");
  if (startName) start(startName).catch((err) => showLogin(err.message));
  else showLogin("");

  return {
    on,
    me,
    view: currentView,
    roomInfo,
    roleOf: model.roleOf,
    canModerate,
    request,
    friendly: ChatErrors.friendly,
    showError,
    refreshInfo,
    composer,
    search,
  };
})();
