// @ts-check
// Parlor chat page: what the page holds and the socket. Every user string is
// shown through textContent (static/chat-dom.js), never innerHTML.
//
// Modules (classic scripts, loaded in this order by views/chat.ejs; each one top-level const):
//   chat-dom.js          ChatDom           elements, names with guest tags, dates
//   chat-errors.js       ChatErrors        error acks as sentences
//   chat-conversation.js ChatConversation  #messages: one room's or DM's conversation, message actions
//   chat-composer.js     ChatComposer      #send-form: reply / edit modes, hold with a countdown
//   chat-sidebar.js      ChatSidebar       #sidebar: rooms with unread badges, DMs, members
//   chat-search.js       ChatSearch        #search-form: highlighted results, arrow keys, jump
//   chat.js              ParlorChat        this file: state, socket events, sending, read cursor
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
//                              "removed" ({ room, action }); returns an unsubscribe function
// and the DOM: #room-settings (an empty slot in the header for room settings), #chat[data-room]
// [data-my-role], #members > li[data-user][data-role] > span.member-tools, #composer-note.
/* exported ParlorChat */
/* global ChatDom, ChatErrors, ChatConversation, ChatComposer, ChatSidebar, ChatSearch */
const ParlorChat = (() => {
  "use strict";
  /** @typedef {import("../server/protocol").RoomJoinData} RoomJoinData */
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
    /** @type {Map<string, RoomView>} room name -> what the page holds of it */
    rooms: new Map(),
    /** @type {Map<string, DmView>} the other user's id -> the conversation */
    dms: new Map(),
    /** @type {string | null} the view on screen: "room:<name>" or "dm:<userId>" */
    current: null,
    /** @type {Map<string, { room: string; name: string; timer: ReturnType<typeof setTimeout> }>} `${room}|${userId}` -> who is typing */
    typing: new Map(),
    opened: false,
  };
  const session = () => /** @type {StoredSession} */ (state.session);
  const socket = () => /** @type {ChatSocket} */ (state.socket);
  const me = () => session().user;
  const connected = () => !!state.socket && state.socket.connected;

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

  // ---- what the page holds -------------------------------------------------
  /** @param {string} room */
  function roomView(room) {
    let v = state.rooms.get(room);
    if (!v) {
      v = {
        kind: "room",
        key: `room:${room}`,
        room,
        msgs: new Map(),
        notices: [],
        hasOlder: false,
        loadingOlder: false,
        readSeq: 0,
        dividerSeq: null,
        receipts: [],
        info: null,
        pending: [],
        pickerSeq: null,
        highlightSeq: null,
        mine: null,
        members: [],
      };
      state.rooms.set(room, v);
    }
    return v;
  }

  /** @param {User} user */
  function dmView(user) {
    let v = state.dms.get(user.id);
    if (!v) {
      v = {
        kind: "dm",
        key: `dm:${user.id}`,
        with: user,
        msgs: [],
        hasOlder: false,
        loadingOlder: false,
        loaded: false,
        unread: 0,
        pending: [],
      };
      state.dms.set(user.id, v);
    }
    noteUser(user);
    return v;
  }

  /** @returns {ChatView | null} */
  function currentView() {
    const key = state.current;
    if (!key) return null;
    return key.startsWith("room:") ? (state.rooms.get(key.slice(5)) ?? null) : (state.dms.get(key.slice(3)) ?? null);
  }
  const currentRoom = () => {
    const v = currentView();
    return v && v.kind === "room" ? v : null;
  };

  /** @param {RoomView} v */
  const minSeq = (v) => Math.min(Infinity, ...v.msgs.keys());

  /**
   * Others' live messages after the read cursor. Exact over what is held; when older unread ones are not
   * held, room:mine's count plus what arrived since.
   *
   * @param {RoomView} v
   */
  function unreadOf(v) {
    const id = me().id;
    const counts = (/** @type {Message} */ m) => m.user.id !== id && !m.deleted;
    if (v.mine && minSeq(v) > v.readSeq + 1 && v.readSeq <= v.mine.readSeq) {
      let n = v.mine.unread;
      for (const m of v.msgs.values()) if (m.seq > v.mine.lastSeq && counts(m)) n++;
      return n;
    }
    let n = 0;
    for (const m of v.msgs.values()) if (m.seq > v.readSeq && counts(m)) n++;
    return n;
  }

  /** @param {string} room */
  const roomInfo = (room) => state.rooms.get(room)?.info ?? null;
  /**
   * @param {string} room
   * @param {string} userId
   * @returns {"owner" | "moderator" | "member"}
   */
  function roleOf(room, userId) {
    const info = roomInfo(room);
    if (info && info.owner && info.owner.id === userId) return "owner";
    if (info && info.moderators.some((u) => u.id === userId)) return "moderator";
    return "member";
  }
  /** @param {string} room */
  const canModerate = (room) => roleOf(room, me().id) !== "member";

  // ---- rendering -----------------------------------------------------------
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
  const composer = ChatComposer.create({ onSubmit: submit, onInput });
  const search = ChatSearch.create({
    search: (q) => request("message:search", { q }),
    open: (room, seq) => void jumpTo(room, seq),
  });

  /**
   * @param {ChatView} v
   * @param {"keep" | "bottom" | "prepend"} [mode]
   */
  function renderIfCurrent(v, mode = "keep") {
    if (v.key === state.current) {
      conversation.render(v, mode);
      maybeRead();
    }
    renderSidebar();
  }

  function renderSidebar() {
    const rooms = [...state.rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
    sidebar.renderRooms(rooms.map((v) => ({ room: v.room, unread: unreadOf(v), active: v.key === state.current })));
    const lastTs = (/** @type {DmView} */ v) => v.msgs[v.msgs.length - 1]?.ts ?? 0;
    const dms = [...state.dms.values()].sort((a, b) => lastTs(b) - lastTs(a));
    sidebar.renderDms(dms.map((v) => ({ user: v.with, unread: v.unread, active: v.key === state.current })));
    const total = rooms.reduce((n, v) => n + unreadOf(v), 0) + dms.reduce((n, v) => n + v.unread, 0);
    document.title = total ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
  }

  function renderHeader() {
    const v = currentView();
    const chat = $("chat");
    const title = $("room-title");
    const topic = $("room-topic");
    if (!v) {
      title.textContent = "No room";
      topic.textContent = "";
      delete chat.dataset.room;
      return;
    }
    if (v.kind === "room") {
      title.textContent = `#${v.room}`;
      topic.textContent = v.info?.topic ?? "";
      chat.dataset.room = v.room;
      chat.dataset.myRole = roleOf(v.room, me().id);
      delete chat.dataset.dm;
    } else {
      title.textContent = `@${label(v.with)}`;
      topic.textContent = "Direct messages";
      chat.dataset.dm = v.with.id;
      delete chat.dataset.room;
      delete chat.dataset.myRole;
    }
    topic.hidden = !topic.textContent;
    chat.dataset.view = v.kind;
  }

  function renderMembers() {
    const v = currentRoom();
    if (!v) return void $("members").replaceChildren();
    const items = sidebar.renderMembers(v.members, (u) => roleOf(v.room, u.id));
    emit("members", items, v.members, v.room);
  }

  function renderTyping() {
    const v = currentRoom();
    const names = [...state.typing.values()].filter((t) => v && t.room === v.room).map((t) => t.name);
    $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
  }

  /** @param {string} text */
  function announce(text) {
    $("announcer").textContent = text;
  }

  // ---- holding messages ----------------------------------------------------
  /**
   * @param {RoomView} v
   * @param {Message} m
   */
  function put(v, m) {
    noteUser(m.user);
    v.msgs.set(m.seq, m);
    // Sending moves the sender's own cursor (PROTOCOL "Read state").
    if (m.user.id === me().id) v.readSeq = Math.max(v.readSeq, m.seq);
  }

  /**
   * A new message of a room (live or from a catch-up); RoomSync hands each seq over once.
   *
   * @param {Message} m
   */
  function hold(m) {
    const v = roomView(m.room);
    put(v, m);
    if (m.user.id !== me().id && v.key === state.current) announce(`${m.user.name}: ${m.text}`);
    renderIfCurrent(v);
    if (v.key === state.current) scheduleReceipts();
  }

  /** @param {Message} m a message in its current form (edit, catch-up update) */
  function replace(m) {
    const v = state.rooms.get(m.room);
    if (!v) return;
    if (v.msgs.has(m.seq)) put(v, m);
    for (const other of v.msgs.values()) {
      if (other.replyTo && other.replyTo.seq === m.seq) {
        const replyTo = m.deleted
          ? { seq: m.seq, user: m.user, text: "", deleted: /** @type {true} */ (true) }
          : { ...other.replyTo, text: m.text.slice(0, 140) };
        v.msgs.set(other.seq, { ...other, replyTo });
      }
    }
    renderIfCurrent(v);
  }

  /**
   * @param {string} room
   * @param {number} seq
   * @param {number | undefined} rev
   */
  function tombstone(room, seq, rev) {
    const old = state.rooms.get(room)?.msgs.get(seq);
    if (old) replace({ id: old.id, room, seq, user: old.user, text: "", ts: old.ts, rev: rev ?? old.rev, deleted: true });
  }

  /**
   * @param {RoomView} v
   * @param {string} text
   */
  function notice(v, text) {
    const last = Math.max(0, ...v.msgs.keys());
    v.notices.push({ ts: Date.now(), afterSeq: last, text });
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
      const v = roomView(room);
      v.info = res.data.info;
      v.readSeq = Math.max(v.readSeq, res.data.readSeq);
      v.members = res.data.members;
      for (const u of res.data.members) noteUser(u);
      if (sinceSeq === undefined) {
        // A first join's answer is returned, not delivered: it is held here.
        for (const m of res.data.messages) put(v, m);
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

  // ---- views ---------------------------------------------------------------
  /** @param {string} key */
  function setView(key) {
    state.current = key;
    const v = currentView();
    if (composer.mode.type !== "send") composer.clear();
    if (v && v.kind === "room") {
      v.dividerSeq = unreadOf(v) > 0 ? v.readSeq : null;
      v.pickerSeq = null;
      const url = new URL(location.href);
      url.searchParams.set("room", v.room);
      history.replaceState(null, "", url);
      void refreshMembers(v);
      void refreshReceipts();
    }
    if (v && v.kind === "dm") v.unread = 0;
    renderHeader();
    renderMembers();
    conversation.render(v, "bottom");
    if (v && v.kind === "room" && v.dividerSeq !== null) $("unread-divider")?.scrollIntoView({ block: "start" });
    if (v && v.kind === "dm") rememberDmSeen(v);
    renderTyping();
    renderSidebar();
    maybeRead();
    emit("view", v);
  }

  /**
   * Joins `room` if this socket has not (RoomSync shares a join in flight).
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

  /** @param {string} room */
  function forgetRoom(room) {
    rooms.forget(room);
    state.rooms.delete(room);
    if (state.current === `room:${room}`) {
      const next = [...state.rooms.keys()].sort()[0];
      if (next) setView(`room:${next}`);
      else {
        state.current = null;
        renderHeader();
        renderMembers();
        conversation.render(null);
        emit("view", null);
      }
    }
    renderSidebar();
  }

  /** @param {User} user */
  async function openDm(user) {
    showError("");
    const v = dmView(user);
    setView(v.key);
    if (!v.loaded) {
      const res = await request("dm:history", { with: user.id, limit: 50 });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "dm"));
      v.loaded = true;
      addDms(v, res.data.messages);
      v.hasOlder = res.data.hasMore;
      renderIfCurrent(v, "bottom");
    }
  }

  /**
   * @param {DmView} v
   * @param {DirectMessage[]} messages
   */
  function addDms(v, messages) {
    const ids = new Set(v.msgs.map((m) => m.id));
    for (const m of messages) {
      if (ids.has(m.id)) continue;
      noteUser(m.from);
      v.msgs.push(m);
    }
    v.msgs.sort((a, b) => a.ts - b.ts);
  }

  const DM_SEEN_KEY = () => `parlor.dmSeen.${me().id}`;
  /** @returns {Record<string, number>} the other user's id -> newest DM ts seen */
  function dmSeen() {
    try {
      return JSON.parse(localStorage.getItem(DM_SEEN_KEY()) || "{}");
    } catch (_) {
      return {};
    }
  }
  /** @param {DmView} v */
  function rememberDmSeen(v) {
    const seen = dmSeen();
    seen[v.with.id] = Math.max(seen[v.with.id] ?? 0, v.msgs[v.msgs.length - 1]?.ts ?? Date.now());
    localStorage.setItem(DM_SEEN_KEY(), JSON.stringify(seen));
  }

  /** @param {ChatView} v */
  async function loadOlder(v) {
    if (v.loadingOlder || !v.hasOlder || !connected()) return false;
    v.loadingOlder = true;
    try {
      if (v.kind === "room") {
        const res = await request("message:history", { room: v.room, beforeSeq: minSeq(v), limit: 100 });
        if (!res.ok) return (void showError(ChatErrors.friendly(res, "history")), false);
        for (const m of res.data.messages) if (!v.msgs.has(m.seq)) put(v, m);
        v.hasOlder = res.data.hasMore && minSeq(v) > 1;
      } else {
        const res = await request("dm:history", { with: v.with.id, before: v.msgs[0]?.ts ?? Date.now(), limit: 50 });
        if (!res.ok) return (void showError(ChatErrors.friendly(res, "dm")), false);
        addDms(v, res.data.messages);
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
    const v = roomView(room);
    while (!v.msgs.has(seq) && v.hasOlder && minSeq(v) > seq) if (!(await loadOlder(v))) break;
    if (!v.msgs.has(seq)) return void showError("That message is no longer there.");
    v.highlightSeq = seq;
    conversation.render(v);
    conversation.scrollToSeq(seq);
    sidebar.setOpen(false);
  }

  function onScroll() {
    const v = currentView();
    if (v && $("messages").scrollTop < 120) void loadOlder(v);
    maybeRead();
  }

  // ---- read state ----------------------------------------------------------
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let readTimer;
  /** Moves the read cursor to the newest message on screen while the page is visible and focused. */
  function maybeRead() {
    const v = currentRoom();
    if (!v || document.visibilityState !== "visible" || !document.hasFocus()) return;
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
  document.addEventListener("visibilitychange", maybeRead);
  window.addEventListener("focus", maybeRead);

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
    const v = state.rooms.get(room);
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
      const v = roomView(entry.room);
      v.mine = { lastSeq: entry.lastSeq, readSeq: entry.readSeq, unread: entry.unread };
      v.readSeq = Math.max(v.readSeq, entry.readSeq);
    }
    renderSidebar();
  }

  async function refreshDms() {
    const res = await request("dm:list", {});
    if (!res.ok) return;
    const seen = dmSeen();
    for (const c of res.data.conversations) {
      const v = dmView(c.with);
      if (!v.msgs.some((m) => m.id === c.last.id)) {
        if (c.last.from.id !== me().id && c.last.ts > (seen[c.with.id] ?? 0) && v.key !== state.current) v.unread = Math.max(v.unread, 1);
        addDms(v, [c.last]);
      }
    }
    renderSidebar();
  }

  // ---- sending ---------------------------------------------------------------
  /** Resolves once connected and every room is rejoined; sends wait for it. */
  /** @type {Promise<void>} */
  let ready;
  /** @type {() => void} */
  let markReady = () => undefined;
  const resetReady = () => (ready = new Promise((resolve) => (markReady = resolve)));
  resetReady();
  let isReady = false;

  /**
   * @param {string} text
   * @param {ComposerMode} mode
   */
  async function submit(text, mode) {
    const v = currentView();
    if (!v) return false;
    stopTyping();
    if (mode.type === "edit" && v.kind === "room") {
      const res = await request("message:edit", { room: v.room, seq: mode.message.seq, text });
      if (!res.ok) return (showError(ChatErrors.friendly(res, "edit")), false);
      rooms.noteRev(v.room, res.data.message.rev);
      replace(res.data.message);
      return true;
    }
    /** @type {Pending} */
    const p = { clientId: ChatDom.clientId(), text, ts: Date.now(), status: isReady ? "sending" : "waiting" };
    if (mode.type === "reply" && v.kind === "room") p.replyTo = mode.message.seq;
    v.pending.push(p);
    renderIfCurrent(v, "bottom");
    void deliver(v, p);
    return true;
  }

  /**
   * Sends a pending message until it is stored or refused. Every attempt reuses its clientId, so a lost ack
   * never stores it twice; a dropped connection fails the request at once and the retry waits for the rejoin.
   *
   * @param {ChatView} v
   * @param {Pending} p
   */
  async function deliver(v, p) {
    for (let attempt = 0; attempt < 8; attempt++) {
      if (!isReady) {
        p.status = "waiting";
        renderIfCurrent(v);
      }
      await ready;
      if (!v.pending.includes(p)) return;
      p.status = "sending";
      renderIfCurrent(v);
      /** @type {import("./globals").PageAck<{ message: Message }> | import("./globals").PageAck<{ message: DirectMessage }>} */
      let res;
      if (v.kind === "room") {
        /** @type {import("../server/protocol").MessageSendInput} */
        const payload = { room: v.room, text: p.text, clientId: p.clientId };
        if (p.replyTo !== undefined) payload.replyTo = p.replyTo;
        res = await request("message:send", payload);
      } else res = await request("dm:send", { to: v.with.id, text: p.text, clientId: p.clientId });
      if (res.ok) {
        v.pending = v.pending.filter((x) => x !== p);
        if (v.kind === "room") {
          const m = /** @type {Message} */ (res.data.message);
          // Unless a catch-up brought it already (a lost ack, retried).
          if (rooms.markSeen(m)) hold(m);
          else renderIfCurrent(v);
          scheduleReceipts();
        } else {
          addDms(v, [/** @type {DirectMessage} */ (res.data.message)]);
          rememberDmSeen(v);
          renderIfCurrent(v, "bottom");
        }
        return;
      }
      if (res.error.code !== "TIMEOUT") {
        p.status = "failed";
        p.error = ChatErrors.friendly(res, v.kind === "room" ? "send" : "dm");
        return void renderIfCurrent(v);
      }
    }
    p.status = "failed";
    p.error = "the server did not answer.";
    renderIfCurrent(v);
  }

  /** @param {ConversationAction} a */
  async function act(a) {
    const v = currentView();
    if (!v) return;
    if (a.type === "older") return void loadOlder(v);
    if (a.type === "retry" || a.type === "discard") {
      const p = v.pending.find((x) => x.clientId === a.clientId);
      if (!p) return;
      if (a.type === "discard") {
        v.pending = v.pending.filter((x) => x !== p);
        return renderIfCurrent(v);
      }
      p.status = "sending";
      return void deliver(v, p);
    }
    if (v.kind !== "room") return;
    if (a.type === "quote") return void jumpTo(v.room, a.seq);
    if (a.type === "reply") return composer.reply(a.message);
    if (a.type === "edit") return composer.edit(a.message);
    if (a.type === "delete") {
      const res = await request("message:delete", { room: v.room, seq: a.message.seq });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "delete"));
      tombstone(v.room, a.message.seq, undefined);
      return;
    }
    if (a.type === "react") {
      const res = await request("message:react", { room: v.room, seq: a.message.seq, emoji: a.emoji, on: a.on });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "react"));
      setReactions(res.data);
    }
  }

  /** @param {{ room: string; seq: number; rev: number; reactions: import("../server/protocol").Message["reactions"] }} r */
  function setReactions(r) {
    rooms.noteRev(r.room, r.rev);
    const old = state.rooms.get(r.room)?.msgs.get(r.seq);
    if (!old) return;
    const next = { ...old, rev: r.rev };
    if (r.reactions && r.reactions.length) next.reactions = r.reactions;
    else delete next.reactions;
    replace(next);
  }

  // ---- typing ------------------------------------------------------------------
  let typingSent = false;
  /** @type {string | null} */
  let typingRoom = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;
  function onInput() {
    const v = currentRoom();
    if (!v || !connected() || composer.mode.type === "edit") return;
    if (!typingSent || typingRoom !== v.room) {
      stopTyping();
      typingSent = true;
      typingRoom = v.room;
      socket().emit("typing", { room: v.room, typing: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 2500);
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSent && typingRoom && connected()) socket().emit("typing", { room: typingRoom, typing: false });
    typingSent = false;
  }

  // ---- socket ------------------------------------------------------------------
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

  /** @type {(v: RoomView, text: string) => void} */
  const roomNotice = (v, text) => notice(v, text);

  /** @param {ModAction} a */
  function moderationText(a) {
    const who = a.target ? a.target.name : "";
    const by = a.by.name;
    const until = a.until ? ` until ${new Date(a.until).toLocaleString()}` : "";
    const reason = a.reason ? ` (${a.reason})` : "";
    /** @type {Record<ModAction["action"], string>} */
    const texts = {
      mute: `${who} was muted by ${by}${until}`,
      unmute: `${who} was unmuted by ${by}`,
      kick: `${who} was removed by ${by}`,
      ban: `${who} was banned by ${by}${until}`,
      unban: `${who} was unbanned by ${by}`,
      promote: `${who} is now a moderator (by ${by})`,
      demote: `${who} is no longer a moderator (by ${by})`,
      delete: `${by} deleted a message`,
      update: `${by} changed the room settings`,
    };
    return texts[a.action] + reason;
  }

  function connect() {
    /** @type {ChatSocket} */
    const s = io("/chat", { auth: { token: session().token } });
    state.socket = s;

    s.on("connect", async () => {
      // Rejoin (with sinceSeq) before anything is sent: on a new server our socket is in no room yet,
      // and what we missed must come first.
      const { errors } = await rooms.rejoinAll();
      if (!state.opened) {
        state.opened = await openRoom(state.startRoom);
        if (!state.opened) state.opened = state.startRoom !== "lobby" && (await openRoom("lobby"));
      } else {
        const v = currentView();
        if (v) conversation.render(v);
        if (v && v.kind === "room") void refreshMembers(v);
      }
      for (const err of errors) showError(errorText(err));
      setOffline(false);
      isReady = true;
      markReady();
      await refreshMine();
      await refreshDms();
      void refreshReceipts();
    });
    s.on("disconnect", () => {
      isReady = false;
      resetReady();
      setOffline(true);
      stopTyping();
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
      state.typing.delete(`${m.room}|${m.user.id}`);
      renderTyping();
    });
    s.on("message:updated", (m) => {
      rooms.noteRev(m.room, m.rev);
      replace(m);
    });
    s.on("message:deleted", ({ room, seq, rev }) => {
      rooms.noteRev(room, rev);
      tombstone(room, seq, rev);
    });
    s.on("message:reactions", (r) => setReactions(r));
    s.on("room:read", ({ room, readSeq }) => {
      const v = state.rooms.get(room);
      if (!v || readSeq <= v.readSeq) return;
      v.readSeq = readSeq;
      renderSidebar();
    });
    s.on("room:member-joined", ({ room, user }) => {
      noteUser(user);
      const v = state.rooms.get(room);
      if (!v || user.id === me().id) return;
      roomNotice(v, `${label(user)} joined`);
      if (v.key === state.current) void refreshMembers(v);
    });
    s.on("room:member-left", ({ room, user }) => {
      state.typing.delete(`${room}|${user.id}`);
      renderTyping();
      const v = state.rooms.get(room);
      if (!v || user.id === me().id) return;
      roomNotice(v, `${label(user)} left`);
      if (v.key === state.current) void refreshMembers(v);
    });
    s.on("room:updated", (info) => {
      const v = state.rooms.get(info.room);
      if (!v) return;
      const before = v.info;
      v.info = info;
      if (before && before.topic !== info.topic) roomNotice(v, info.topic ? `The topic is now “${info.topic}”` : "The topic was cleared");
      if (before && before.slowModeMs !== info.slowModeMs)
        roomNotice(v, info.slowModeMs ? `Slow mode is on: one message every ${Math.round(info.slowModeMs / 1000)} s` : "Slow mode is off");
      emit("room-info", info);
      if (v.key !== state.current) return;
      renderHeader();
      renderMembers();
    });
    s.on("room:moderation", (a) => {
      const v = state.rooms.get(a.room);
      if (v && a.action !== "delete" && a.action !== "update") roomNotice(v, moderationText(a));
      if (v && (a.action === "promote" || a.action === "demote")) void refreshInfo(a.room);
      emit("moderation", a);
    });
    s.on("room:removed", ({ room, action }) => {
      showError(`${action.action === "ban" ? "You were banned from" : "You were removed from"} #${room} by ${action.by.name}.`);
      forgetRoom(room);
      emit("removed", { room, action });
    });
    s.on("typing", ({ room, user, typing }) => {
      const key = `${room}|${user.id}`;
      const prev = state.typing.get(key);
      if (prev) clearTimeout(prev.timer);
      if (typing)
        state.typing.set(key, { room, name: user.name, timer: setTimeout(() => (state.typing.delete(key), renderTyping()), 5000) });
      else state.typing.delete(key);
      renderTyping();
    });
    s.on("dm:new", (m) => {
      // A DM has its own view: it never shows inside a room's conversation.
      const other = m.from.id === me().id ? m.to : m.from;
      const v = dmView(other);
      addDms(v, [m]);
      if (v.key === state.current && document.visibilityState === "visible") rememberDmSeen(v);
      else if (m.from.id !== me().id) v.unread++;
      if (m.from.id !== me().id) announce(`Direct message from ${m.from.name}: ${m.text}`);
      renderIfCurrent(v);
    });
    s.on("system:shutdown", (p) => {
      $("status").textContent = `server restarting, reconnecting in ${Math.round(p.reconnectAfterMs / 1000)} s`;
    });
  }

  // ---- wiring ------------------------------------------------------------------
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
    connect();
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
    roleOf,
    canModerate,
    request,
    friendly: ChatErrors.friendly,
    showError,
    refreshInfo,
    composer,
    search,
  };
})();
