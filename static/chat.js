// @ts-check
// Parlor chat page. Every user-provided string goes through textContent, never innerHTML.
// Room catch-up (rejoins with sinceSeq, paging, gap repair, each seq once) is
// static/room-sync.js, the module the SDK uses too; this file renders.
(function () {
  "use strict";
  /** @typedef {import("../server/protocol").Message} Message */
  /** @typedef {import("../server/protocol").DirectMessage} DirectMessage */
  /** @typedef {import("../server/protocol").ChatClientToServerEvents} ChatEvents */
  /** @typedef {import("./globals").AckEvent<ChatEvents>} ChatAckEvent */
  /** @typedef {import("./globals").ChatSocket} ChatSocket */
  /** @typedef {import("./globals").StoredSession} StoredSession */

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @param {string} id */
  const field = (id) => /** @type {HTMLInputElement} */ ($(id));
  const app = $("app");
  const state = {
    /** @type {StoredSession | null} */
    session: null,
    /** @type {ChatSocket | null} */
    socket: null,
    current: app.dataset.room || "lobby",
    /** @type {Map<string, Message[]>} room -> the messages this page holds, in arrival order */
    messages: new Map(),
    /** @type {Map<string, { room: string; name: string; timer: ReturnType<typeof setTimeout> }>} `${room}|${userId}` -> who is typing */
    typing: new Map(),
  };
  /** Set before anything uses it (start() signs in, then connects). */
  const session = () => /** @type {StoredSession} */ (state.session);
  const socket = () => /** @type {ChatSocket} */ (state.socket);

  /**
   * @param {string} tag
   * @param {string} [className]
   * @param {string} [text]
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {string} [message] */
  function showError(message) {
    $("error").textContent = message || "";
  }

  const { SESSION_KEY, ackError } = window.ParlorSession;
  const loadSession = window.ParlorSession.load;
  const createSession = window.ParlorSession.create;
  /**
   * Emits with an ack and a timeout; resolves with the ack or a synthetic error.
   *
   * @template {ChatAckEvent} E
   * @param {E} event
   * @param {import("./globals").EventPayload<ChatEvents, E>} payload
   */
  const request = (event, payload) => window.ParlorSession.request(socket(), event, payload);

  const rooms = new window.ParlorRoomSync.RoomSync({
    async join(room, sinceSeq) {
      const res = await request("room:join", sinceSeq === undefined ? { room } : { room, sinceSeq });
      if (!res.ok) throw new Error(ackError(res));
      return res.data;
    },
    deliver: (m) => hold(m),
    onError: (err) => showError(err instanceof Error ? err.message : String(err)),
    isReady: () => !!state.socket && state.socket.connected,
    // A page shows a hole soon; the SDK waits longer (1 s) before it fetches.
    gapCheckMs: 250,
  });

  // ---- rendering ---------------------------------------------------------
  /** @param {Message} m */
  function renderMessage(m) {
    const li = el("li");
    li.dataset.seq = String(m.seq);
    li.appendChild(el("span", "time", new Date(m.ts).toLocaleTimeString()));
    li.appendChild(el("span", "author", m.user.name));
    li.appendChild(el("span", "text", m.text));
    return li;
  }

  /** @param {DirectMessage} m */
  function renderDirect(m) {
    const li = el("li", "dm");
    const who = m.from.id === session().user.id ? `to ${m.to.name}` : `from ${m.from.name}`;
    li.appendChild(el("span", "time", new Date(m.ts).toLocaleTimeString()));
    li.appendChild(el("span", "author", `DM ${who}`));
    li.appendChild(el("span", "text", m.text));
    return li;
  }

  /** @param {HTMLElement} node */
  function appendToView(node) {
    const list = $("messages");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    // A gap filled late puts older messages after newer ones: keep the list in seq order.
    const seq = node.dataset.seq === undefined ? NaN : Number(node.dataset.seq);
    const items = /** @type {HTMLElement[]} */ ([...list.children]);
    const after = Number.isNaN(seq) ? null : items.find((li) => li.dataset.seq !== undefined && Number(li.dataset.seq) > seq);
    list.insertBefore(node, after || null);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  /**
   * Keeps a message of a room and renders it when the room is on screen.
   * RoomSync hands each seq over once, so nothing here dedupes.
   *
   * @param {Message} m
   */
  function hold(m) {
    let list = state.messages.get(m.room);
    if (!list) state.messages.set(m.room, (list = []));
    list.push(m);
    if (m.room === state.current) appendToView(renderMessage(m));
  }

  function renderRoomView() {
    $("room-title").textContent = `#${state.current}`;
    const list = $("messages");
    const held = state.messages.get(state.current) ?? [];
    list.replaceChildren(
      ...held
        .slice()
        .sort((a, b) => a.seq - b.seq)
        .map(renderMessage),
    );
    list.scrollTop = list.scrollHeight;
    renderTyping();
    refreshMembers();
    refreshRooms();
  }

  function renderTyping() {
    const names = [...state.typing.values()].filter((t) => t.room === state.current).map((t) => t.name);
    $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
  }

  async function refreshMembers() {
    const res = await request("room:members", { room: state.current });
    if (!res.ok) return;
    $("members").replaceChildren(...res.data.members.map((u) => el("li", "", u.name + (u.id === session().user.id ? " (you)" : ""))));
  }

  async function refreshRooms() {
    const res = await request("room:list", {});
    if (!res.ok) return;
    const names = new Set(res.data.rooms.map((r) => r.room));
    for (const room of rooms.names()) if (!names.has(room)) res.data.rooms.push({ room, members: 0 });
    $("rooms").replaceChildren(
      ...res.data.rooms.map((r) => {
        const li = el("li", r.room === state.current ? "active" : "", `#${r.room} (${r.members})`);
        li.addEventListener("click", () => switchRoom(r.room));
        return li;
      }),
    );
  }

  // ---- rooms -------------------------------------------------------------
  /**
   * Joins `room` (RoomSync shares a join in flight); a first join's answer is
   * shown here, a catch-up's new messages arrive through `hold`.
   *
   * @param {string} room
   */
  async function join(room) {
    const first = !rooms.has(room);
    try {
      const data = await rooms.join(room);
      if (first) for (const m of data.messages) hold(m);
      return true;
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  /** @param {string} room */
  async function switchRoom(room) {
    showError("");
    if (await join(room)) {
      state.current = room;
      const url = new URL(location.href);
      url.searchParams.set("room", room);
      history.replaceState(null, "", url);
      renderRoomView();
    }
  }

  // ---- socket ------------------------------------------------------------
  /** Resolves once connected and every room is rejoined; sends wait for it. */
  /** @type {Promise<void>} */
  let ready;
  /** @type {() => void} */
  let markReady = () => undefined;
  const resetReady = () => (ready = new Promise((resolve) => (markReady = resolve)));
  resetReady();

  function connect() {
    /** @type {ChatSocket} */
    const socket = io("/chat", { auth: { token: session().token } });
    state.socket = socket;

    socket.on("connect", async () => {
      // Rejoin (with sinceSeq) before anything is sent: on a new server our
      // socket is in no room yet, and what we missed must come first.
      const { errors } = await rooms.rejoinAll();
      if (rooms.has(state.current)) renderRoomView();
      else await switchRoom(state.current);
      for (const err of errors) showError(err instanceof Error ? err.message : String(err));
      $("status").textContent = "online";
      $("status").className = "status online";
      markReady();
    });
    socket.on("disconnect", () => {
      resetReady();
      $("status").textContent = "reconnecting…";
      $("status").className = "status";
    });
    socket.on("connect_error", (err) => {
      if (err.message === "UNAUTHORIZED") {
        sessionStorage.removeItem(SESSION_KEY);
        socket.close();
        showLogin("Your session expired. Enter your name again.");
      } else {
        $("status").textContent = "offline, retrying…";
      }
    });
    socket.on("message:new", (m) => {
      // RoomSync notices a hole below m (e.g. after a short disconnect) and fetches it.
      rooms.received(m);
      state.typing.delete(`${m.room}|${m.user.id}`);
      renderTyping();
    });
    socket.on("room:member-joined", ({ room }) => {
      refreshRooms();
      if (room === state.current) refreshMembers();
    });
    socket.on("room:member-left", ({ room, user }) => {
      state.typing.delete(`${room}|${user.id}`);
      renderTyping();
      refreshRooms();
      if (room === state.current) refreshMembers();
    });
    socket.on("typing", ({ room, user, typing }) => {
      const key = `${room}|${user.id}`;
      const prev = state.typing.get(key);
      if (prev) clearTimeout(prev.timer);
      if (typing)
        state.typing.set(key, { room, name: user.name, timer: setTimeout(() => (state.typing.delete(key), renderTyping()), 5000) });
      else state.typing.delete(key);
      renderTyping();
    });
    socket.on("dm:new", (m) => appendToView(renderDirect(m)));
    socket.on("system:shutdown", (p) => {
      $("status").textContent = `server restarting, reconnecting in ${Math.round(p.reconnectAfterMs / 1000)} s`;
    });
  }

  // ---- sending -----------------------------------------------------------
  let typingSent = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;
  function onInput() {
    if (!state.socket || !state.socket.connected) return;
    if (!typingSent) {
      typingSent = true;
      state.socket.emit("typing", { room: state.current, typing: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 2500);
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSent && state.socket) state.socket.emit("typing", { room: state.current, typing: false });
    typingSent = false;
  }

  /** @param {string} text */
  async function send(text) {
    const room = state.current;
    const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    // Retries reuse the clientId, so a lost ack never stores the message twice.
    // A dropped connection fails the request at once; the retry waits for the rejoin.
    for (let attempt = 0; attempt < 5; attempt++) {
      await ready;
      const res = await request("message:send", { room, text, clientId });
      if (res.ok) {
        // Unless a catch-up brought it already (a lost ack, retried).
        if (rooms.markSeen(res.data.message)) hold(res.data.message);
        return true;
      }
      if (res.error.code !== "TIMEOUT") {
        showError(ackError(res));
        return false;
      }
    }
    showError("message not sent: the server did not answer");
    return false;
  }

  /** @param {string} q */
  async function search(q) {
    const res = await request("message:search", { q });
    const list = $("search-results");
    if (!res.ok) {
      list.replaceChildren(el("li", "error", ackError(res)));
      return;
    }
    if (res.data.results.length === 0) list.replaceChildren(el("li", "", "no matches"));
    else
      list.replaceChildren(
        ...res.data.results.map((r) => el("li", "", `#${r.message.room} ${r.message.user.name}: ${r.snippet || r.message.text}`)),
      );
  }

  // ---- wiring ------------------------------------------------------------
  /** @param {string} message */
  function showLogin(message) {
    $("chat").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    field("login-name").value = app.dataset.name || "";
  }

  /** @param {string} name */
  async function start(name) {
    state.session = loadSession(name) || (await createSession(name));
    $("login").hidden = true;
    $("chat").hidden = false;
    $("me").textContent = `signed in as ${state.session.user.name}`;
    connect();
    $("text").focus();
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    start(field("login-name").value.trim()).catch((err) => ($("login-error").textContent = err.message));
  });
  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = field("text");
    const text = input.value.trim();
    if (!text) return;
    stopTyping();
    input.value = "";
    if (!(await send(text))) input.value = text;
  });
  $("text").addEventListener("input", onInput);
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = field("join-room").value.trim();
    if (room) switchRoom(room).then(() => (field("join-room").value = ""));
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = field("search-q").value.trim();
    if (q) search(q);
  });
  setInterval(() => state.socket && state.socket.connected && refreshRooms(), 10_000);

  const existing = loadSession(app.dataset.name || "");
  const startName = app.dataset.name || (existing ? existing.user.name : "");
  if (startName) start(startName).catch((err) => showLogin(err.message));
  else showLogin("");
})();
