// @ts-check
// Chat page, read state: the room's read cursor (room:read, moved to the newest
// message on screen while the reader sees the page), DM conversations seen, the
// unread badges and the title's count, the user's rooms and DMs with what they
// have not read (room:mine, dm:list), and "seen by" (room:receipts).
// Receipts have no push event to others, so the room on screen asks now and
// then, only while the page is visible: a background tab asks nothing and asks
// at once when it is back.
/* exported ChatReadState */
/* global ChatDom */
const ChatReadState = (() => {
  "use strict";

  const BASE_TITLE = document.title;
  /** How soon a moved cursor is told to the server (scrolling moves it many times). */
  const READ_DELAY_MS = 150;
  /** How soon after a new message in the room on screen its receipts are asked for. */
  const RECEIPTS_DELAY_MS = 700;
  const RECEIPTS_POLL_MS = 4000;

  /**
   * @param {{
   *   model: ReturnType<typeof ChatModel.create>;
   *   sidebar: ReturnType<typeof ChatSidebar.create>;
   *   request: import("./globals").ChatRequest;
   *   connected: () => boolean;
   *   me: () => User;
   *   current: () => string | null;
   *   lastVisibleSeq: () => number;
   *   join: (room: string) => Promise<boolean>;
   *   render: (v: ChatView) => void;
   * }} deps `current` is the key of the view on screen, `lastVisibleSeq` the newest message of it in sight,
   *   `join` joins a room on this socket, `render` renders a view if it is on screen
   */
  function create(deps) {
    const { model } = deps;
    const currentView = () => model.view(deps.current());
    const currentRoom = () => {
      const v = currentView();
      return v && v.kind === "room" ? v : null;
    };
    const visible = () => document.visibilityState === "visible";

    /** Whether the reader can see the page: it is visible and has the focus. */
    const pageSeen = () => visible() && document.hasFocus();

    /** The sidebar's rooms and DMs with their unread badges, and the total in the title. */
    function renderSidebar() {
      const current = deps.current();
      const rooms = [...model.rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
      deps.sidebar.renderRooms(rooms.map((v) => ({ room: v.room, unread: model.unreadOf(v), active: v.key === current })));
      const lastTs = (/** @type {DmView} */ v) => v.msgs[v.msgs.length - 1]?.ts ?? 0;
      const dms = [...model.dms.values()].sort((a, b) => lastTs(b) - lastTs(a));
      deps.sidebar.renderDms(dms.map((v) => ({ user: v.with, unread: v.unread, active: v.key === current })));
      const total = rooms.reduce((n, v) => n + model.unreadOf(v), 0) + dms.reduce((n, v) => n + v.unread, 0);
      document.title = total ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
    }

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
      const seq = deps.lastVisibleSeq();
      if (seq <= v.readSeq) return;
      v.readSeq = seq;
      renderSidebar();
      clearTimeout(readTimer);
      readTimer = setTimeout(async () => {
        if (!deps.connected()) return;
        const res = await deps.request("room:read", { room: v.room, seq: v.readSeq });
        if (res.ok) v.readSeq = Math.max(v.readSeq, res.data.readSeq);
      }, READ_DELAY_MS);
    }

    /**
     * The cursor moved in another tab of the user (the room:read event).
     *
     * @param {{ room: string; readSeq: number }} r
     */
    function readElsewhere({ room, readSeq }) {
      const v = model.rooms.get(room);
      if (!v || readSeq <= v.readSeq) return;
      v.readSeq = readSeq;
      renderSidebar();
    }

    // ---- seen by -------------------------------------------------------------------------
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let receiptsTimer;
    const scheduleReceipts = () => {
      clearTimeout(receiptsTimer);
      receiptsTimer = setTimeout(refreshReceipts, RECEIPTS_DELAY_MS);
    };
    async function refreshReceipts() {
      const v = currentRoom();
      if (!v || !deps.connected() || !visible()) return;
      const res = await deps.request("room:receipts", { room: v.room });
      if (!res.ok) return;
      for (const r of res.data.receipts) ChatDom.noteUser(r.user);
      v.receipts = res.data.receipts;
      deps.render(v);
    }

    /** @type {ReturnType<typeof setInterval> | undefined} */
    let pollTimer;
    /** Polls while the page is visible with a room on screen; says whether it started now. */
    function syncPolling() {
      const want = visible() && !!currentRoom();
      if (want === (pollTimer !== undefined)) return false;
      if (want) pollTimer = setInterval(() => void refreshReceipts(), RECEIPTS_POLL_MS);
      else {
        clearInterval(pollTimer);
        pollTimer = undefined;
      }
      return want;
    }

    /** Another view is on screen: a room's receipts are asked for at once. */
    function viewChanged() {
      syncPolling();
      if (currentRoom()) void refreshReceipts();
    }

    document.addEventListener("visibilitychange", () => {
      markRead();
      if (syncPolling()) void refreshReceipts();
    });
    window.addEventListener("focus", markRead);

    // ---- what the user has not read, from the server -------------------------------------
    /** The user's rooms (room:mine): joined on this socket too, so their badges follow live. */
    async function refreshMine() {
      const res = await deps.request("room:mine", {});
      if (!res.ok) return;
      for (const entry of res.data.rooms) {
        if (!(await deps.join(entry.room))) continue;
        const v = model.roomView(entry.room);
        v.mine = { lastSeq: entry.lastSeq, readSeq: entry.readSeq, unread: entry.unread };
        v.readSeq = Math.max(v.readSeq, entry.readSeq);
      }
      renderSidebar();
    }

    async function refreshDms() {
      const res = await deps.request("dm:list", {});
      if (!res.ok) return;
      const seen = model.dmSeen();
      const current = deps.current();
      for (const c of res.data.conversations) {
        const v = model.dmView(c.with);
        if (v.msgs.some((m) => m.id === c.last.id)) continue;
        if (c.last.from.id !== deps.me().id && c.last.ts > (seen[c.with.id] ?? 0) && v.key !== current) v.unread = Math.max(v.unread, 1);
        model.addDms(v, [c.last]);
      }
      renderSidebar();
    }

    return { pageSeen, markRead, readElsewhere, renderSidebar, scheduleReceipts, refreshReceipts, viewChanged, refreshMine, refreshDms };
  }

  return { create };
})();
