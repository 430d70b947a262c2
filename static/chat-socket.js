// @ts-check
// Chat page, the socket: what arrives, into the model and on screen. Rooms are
// joined and caught up through RoomSync (static/room-sync.js: rejoins with
// sinceSeq/sinceRev, gap repair, each seq once); live events (messages, edits,
// reactions, members coming and going, room settings, moderation, DMs, typing)
// update what the page holds and re-render the view they concern; the
// connection's state shows in #status and #offline-banner.
/* exported ChatSocketEvents */
/* global ChatDom, ChatErrors, ChatModel */
const ChatSocketEvents = (() => {
  "use strict";

  const { $, noteUser, label } = ChatDom;
  /** A page shows a hole soon; the SDK waits longer (1 s) before it fetches. */
  const GAP_CHECK_MS = 250;

  /**
   * @param {{
   *   model: ReturnType<typeof ChatModel.create>;
   *   views: ReturnType<typeof ChatViews.create>;
   *   readState: ReturnType<typeof ChatReadState.create>;
   *   typing: ReturnType<typeof ChatTyping.create>;
   *   outbox: ReturnType<typeof ChatOutbox.create>;
   *   request: import("./globals").ChatRequest;
   *   connected: () => boolean;
   *   me: () => User;
   *   showError: (text?: string) => void;
   *   emit: ReturnType<typeof ChatHook.create>["emit"];
   *   signOut: () => void;
   * }} deps
   */
  function create(deps) {
    const { model, views, readState, typing, request, showError, emit } = deps;
    const me = () => deps.me();
    /** @param {ChatView} v */
    const isCurrent = (v) => v.key === views.current();

    /** @param {string} text a new message from someone else, for screen readers (#announcer) */
    const announce = (text) => ($("announcer").textContent = text);
    /** @param {number} ms */
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    // ---- holding messages ----------------------------------------------------------------
    /**
     * A new message of a room (live or from a catch-up); RoomSync hands each seq over once.
     *
     * @param {Message} m
     */
    function hold(m) {
      const v = model.roomView(m.room);
      const unseen = isCurrent(v) && m.user.id !== me().id && m.seq > v.readSeq && !readState.pageSeen();
      // Arriving while the reader looks elsewhere: "new messages" starts here when they come back.
      if (unseen && v.dividerSeq === null) v.dividerSeq = v.readSeq;
      model.put(v, m);
      if (m.user.id !== me().id && isCurrent(v)) announce(`${m.user.name}: ${m.text}`);
      views.render(v);
      if (isCurrent(v)) readState.scheduleReceipts();
    }

    /** @param {Message | null | undefined} m a held message in its current form */
    function replace(m) {
      const v = m && model.rooms.get(m.room);
      if (!m || !v) return;
      model.replace(v, m);
      views.render(v);
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
      views.render(v);
    }

    // room:join goes one request at a time and waits out RATE_LIMITED: a user in many rooms (up to 100) joins
    // them all at once after a reconnect and when the page opens, past the per-user burst, and a burst of refusals
    // would count toward the flood cut-off. After the first refusal the rest follow at the refill pace.
    /** @type {Promise<unknown>} */
    let joinQueue = Promise.resolve();
    /** The gap between joins once one was refused: the budget's refill time per event (session:welcome's limits). */
    let refillMs = 50;
    let joinPaceMs = 0;
    let joinsQueued = 0;
    /** @param {import("../server/protocol").RoomJoinInput} payload */
    function requestJoin(payload) {
      joinsQueued++;
      const run = joinQueue.then(async () => {
        try {
          for (let attempt = 0; ; attempt++) {
            if (joinPaceMs) await sleep(joinPaceMs);
            const res = await request("room:join", payload);
            const details = /** @type {{ retryAfterMs?: unknown } | undefined} */ (!res.ok ? res.error.details : undefined);
            const wait = !res.ok && res.error.code === "RATE_LIMITED" && details ? Number(details.retryAfterMs) : 0;
            if (res.ok || !(wait > 0) || attempt >= 20) return res;
            await sleep(Math.min(wait, 5000));
            joinPaceMs = refillMs;
          }
        } finally {
          if (--joinsQueued === 0) joinPaceMs = 0;
        }
      });
      joinQueue = run.catch(() => undefined);
      return run;
    }

    const rooms = new window.ParlorRoomSync.RoomSync({
      async join(room, sinceSeq, _waitReady, sinceRev) {
        /** @type {import("../server/protocol").RoomJoinInput} */
        const payload = { room };
        if (sinceSeq !== undefined) payload.sinceSeq = sinceSeq;
        if (sinceSeq !== undefined && sinceRev !== undefined) payload.sinceRev = sinceRev;
        const res = await requestJoin(payload);
        if (!res.ok) throw new ChatErrors.AckFailure(res);
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
      onError: (err) => showError(ChatErrors.joinFailed(err)),
      isReady: deps.connected,
      gapCheckMs: GAP_CHECK_MS,
    });

    // ---- the connection ------------------------------------------------------------------
    /** @param {boolean} offline */
    function setOffline(offline) {
      $("offline-banner").hidden = !offline;
      $("status").textContent = offline ? "offline" : "online";
      $("status").className = offline ? "status offline" : "status online";
    }

    /** @param {import("./globals").ChatSocket} s */
    function listen(s) {
      s.on("connect", async () => {
        // Rejoin (with sinceSeq) before anything is sent: on a new server our socket is in no room yet,
        // and what we missed must come first.
        const { errors } = await rooms.rejoinAll();
        await views.connected();
        for (const err of errors) showError(ChatErrors.joinFailed(err));
        setOffline(false);
        deps.outbox.setReady(true);
        await readState.refreshMine();
        await readState.refreshDms();
        void readState.refreshReceipts();
      });
      s.on("disconnect", () => {
        deps.outbox.setReady(false);
        setOffline(true);
        typing.stop();
      });
      s.on("connect_error", (err) => {
        if (err.message === "UNAUTHORIZED") deps.signOut();
        else setOffline(true);
      });
      s.on("session:welcome", ({ user, limits }) => {
        noteUser(user);
        if (limits.ratePerSec > 0) refillMs = Math.ceil(1000 / limits.ratePerSec);
      });
      s.on("auth:expired", () => deps.signOut());
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
      s.on("room:read", (r) => readState.readElsewhere(r));
      for (const event of /** @type {const} */ (["room:member-joined", "room:member-left"]))
        s.on(event, ({ room, user }) => {
          noteUser(user);
          typing.gone(room, user.id);
          const v = model.rooms.get(room);
          if (!v || user.id === me().id) return;
          notice(room, `${label(user)} ${event === "room:member-joined" ? "joined" : "left"}`);
          if (isCurrent(v)) void views.refreshMembers(v);
        });
      s.on("room:updated", (info) => {
        const v = model.rooms.get(info.room);
        if (!v) return;
        const before = v.info;
        v.info = info;
        if (before) for (const text of ChatModel.settingsTexts(before, info)) notice(info.room, text);
        emit("room-info", info);
        if (!isCurrent(v)) return;
        views.renderHeader();
        views.renderMembers();
      });
      s.on("room:moderation", (a) => {
        if (a.action !== "delete" && a.action !== "update") notice(a.room, ChatModel.moderationText(a));
        if (a.action === "promote" || a.action === "demote") void views.refreshInfo(a.room);
        emit("moderation", a);
      });
      s.on("room:removed", ({ room, action }) => {
        showError(`${action.action === "ban" ? "You were banned from" : "You were removed from"} #${room} by ${action.by.name}.`);
        views.forgetRoom(room);
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
        views.render(v);
        readState.markRead();
      });
      s.on("system:shutdown", (p) => {
        $("status").textContent = `server restarting, reconnecting in ${Math.round(p.reconnectAfterMs / 1000)} s`;
      });
    }

    return { rooms, listen, hold, replace, setReactions };
  }

  return { create };
})();
