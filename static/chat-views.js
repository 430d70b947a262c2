// @ts-check
// Chat page, the views: which room or DM is on screen (?room= follows it), its
// header and members, rendering it once per task, opening, leaving and
// forgetting rooms, DM history, older messages as the reader scrolls up, and a
// jump to one message (search, quotes). The first view opens on the first
// connect; later connects only catch up.
/* exported ChatViews */
/* global ChatDom, ChatErrors */
const ChatViews = (() => {
  "use strict";

  const { $, noteUser, label } = ChatDom;
  /** Scrolled this near the top, older messages are fetched. */
  const OLDER_AT_PX = 120;

  /**
   * @param {{
   *   model: ReturnType<typeof ChatModel.create>;
   *   conversation: ReturnType<typeof ChatConversation.create>;
   *   sidebar: ReturnType<typeof ChatSidebar.create>;
   *   composer: ReturnType<typeof ChatComposer.create>;
   *   typing: ReturnType<typeof ChatTyping.create>;
   *   readState: ReturnType<typeof ChatReadState.create>;
   *   rooms: () => import("./room-sync").RoomSync;
   *   request: import("./globals").ChatRequest;
   *   connected: () => boolean;
   *   me: () => User;
   *   showError: (text?: string) => void;
   *   emit: ReturnType<typeof ChatHook.create>["emit"];
   *   startRoom: string;
   * }} deps `startRoom` is the room opened first (?room=); `rooms` is made after the views
   */
  function create(deps) {
    const { model, conversation, sidebar, readState, request, showError } = deps;
    /** @type {string | null} the view on screen: "room:<name>" or "dm:<userId>" */
    let current = null;
    /** The first view was opened (later connects only catch up). */
    let opened = false;
    const currentView = () => model.view(current);
    const currentRoom = () => {
      const v = currentView();
      return v && v.kind === "room" ? v : null;
    };

    // ---- rendering -----------------------------------------------------------------------
    /** @type {{ v: ChatView; mode: "keep" | "bottom" } | null} */
    let queued = null;
    /**
     * Renders the view if it is on screen, and the sidebar, once per task: a catch-up of 500 messages
     * renders once, not 500 times.
     *
     * @param {ChatView} v
     * @param {"keep" | "bottom"} [mode] "bottom" wins over "keep" within one task
     */
    function render(v, mode = "keep") {
      if (!queued) queueMicrotask(flushRender);
      const prev = queued;
      queued = {
        v: prev && prev.v !== v && prev.v.key === current ? prev.v : v,
        mode: prev && prev.mode === "bottom" ? "bottom" : mode,
      };
    }
    function flushRender() {
      const q = queued;
      queued = null;
      if (q && q.v.key === current) {
        conversation.render(q.v, q.mode);
        readState.markRead();
      }
      readState.renderSidebar();
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
        chat.dataset.myRole = model.roleOf(v.room, deps.me().id);
      }
    }

    function renderMembers() {
      const v = currentRoom();
      // Members are a room's: a DM view has none to show.
      $("members-heading").hidden = !v;
      if (!v) return void $("members").replaceChildren();
      const items = sidebar.renderMembers(v.members, (u) => model.roleOf(v.room, u.id));
      deps.emit("members", items, v.members, v.room);
    }

    /** @param {RoomView} v */
    async function refreshMembers(v) {
      const res = await request("room:members", { room: v.room });
      if (!res.ok) return;
      for (const u of res.data.members) noteUser(u);
      v.members = res.data.members;
      if (v.key === current) renderMembers();
    }

    /** @param {string} room */
    async function refreshInfo(room) {
      const res = await request("room:info", { room });
      const v = model.rooms.get(room);
      if (!res.ok || !v) return;
      v.info = res.data.info;
      deps.emit("room-info", v.info);
      if (v.key !== current) return;
      renderHeader();
      renderMembers();
      conversation.render(v);
    }

    // ---- switching -----------------------------------------------------------------------
    /** @param {string | null} key */
    function setView(key) {
      current = key;
      const v = currentView();
      queued = null;
      if (deps.composer.mode.type !== "send") deps.composer.clear();
      if (v && v.kind === "room") {
        v.dividerSeq = model.unreadOf(v) > 0 ? v.readSeq : null;
        v.pickerSeq = null;
        const url = new URL(location.href);
        url.searchParams.set("room", v.room);
        history.replaceState(null, "", url);
        void refreshMembers(v);
      }
      readState.viewChanged();
      renderHeader();
      renderMembers();
      conversation.render(v, "bottom");
      if (v && v.kind === "room" && v.dividerSeq !== null) $("unread-divider")?.scrollIntoView({ block: "start" });
      deps.typing.render();
      readState.markRead();
      readState.renderSidebar();
      deps.emit("view", v);
    }

    /**
     * Joins `room` unless this socket has (RoomSync shares a join in flight).
     *
     * @param {string} room
     */
    async function join(room) {
      const rooms = deps.rooms();
      if (rooms.has(room) && rooms.sinceSeq(room) !== undefined) return true;
      try {
        await rooms.join(room);
        return true;
      } catch (err) {
        showError(ChatErrors.joinFailed(err));
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

    /** (Re)connected and rejoined: the first view opens (the lobby if ?room= fails), a later one catches up. */
    async function connected() {
      if (!opened) {
        opened = await openRoom(deps.startRoom);
        if (!opened) opened = deps.startRoom !== "lobby" && (await openRoom("lobby"));
        return;
      }
      const v = currentView();
      if (v) render(v);
      if (v && v.kind === "room") void refreshMembers(v);
    }

    /** @param {string} room */
    async function leave(room) {
      const res = await request("room:leave", { room });
      if (!res.ok) return void showError(ChatErrors.friendly(res, "leave"));
      forgetRoom(room);
    }

    /** @param {string} room left, kicked or banned: gone from the page */
    function forgetRoom(room) {
      deps.rooms().forget(room);
      model.rooms.delete(room);
      if (current === `room:${room}`) setView([...model.rooms.keys()].sort().map((r) => `room:${r}`)[0] ?? null);
      readState.renderSidebar();
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
      render(v, "bottom");
      readState.markRead();
    }

    // ---- older messages ------------------------------------------------------------------
    /** @param {ChatView} v */
    async function loadOlder(v) {
      if (v.loadingOlder || !v.hasOlder || !deps.connected()) return false;
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
        if (v.key === current) conversation.render(v, "prepend");
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
      if (current !== `room:${room}` && !(await openRoom(room))) return;
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
      if (v && $("messages").scrollTop < OLDER_AT_PX) void loadOlder(v);
      readState.markRead();
    }

    return {
      /** The key of the view on screen ("room:<name>" or "dm:<userId>"), or null. */
      current: () => current,
      view: currentView,
      room: currentRoom,
      render,
      renderHeader,
      renderMembers,
      refreshMembers,
      refreshInfo,
      join,
      openRoom,
      openDm,
      connected,
      leave,
      forgetRoom,
      loadOlder,
      jumpTo,
      onScroll,
    };
  }

  return { create };
})();
