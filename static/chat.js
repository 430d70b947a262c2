// Parlor chat page. Every user-provided string goes through textContent, never innerHTML.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const app = $("app");
  const state = {
    session: null,
    socket: null,
    current: app.dataset.room || "lobby",
    /** room -> { lastSeq, maxSeq, seqs, messages, synced, joining } (see roomState) */
    rooms: new Map(),
    typing: new Map(),
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message) {
    $("error").textContent = message || "";
  }

  const { SESSION_KEY, ackError } = window.ParlorSession;
  const loadSession = window.ParlorSession.load;
  const createSession = window.ParlorSession.create;
  /** Emits with an ack and a timeout; resolves with the ack or a synthetic error. */
  const request = (event, payload) => window.ParlorSession.request(state.socket, event, payload);

  // ---- rendering ---------------------------------------------------------
  /**
   * Per room: `lastSeq` is the highest seq up to which nothing is missing
   * (what a rejoin asks after, so it is only advanced over contiguous seqs:
   * our own ack or a live message past a hole must not hide the hole);
   * `maxSeq` the highest seen; `synced` once a join has answered.
   */
  function roomState(room) {
    let r = state.rooms.get(room);
    if (!r) state.rooms.set(room, (r = { lastSeq: 0, maxSeq: 0, seqs: new Set(), messages: [], synced: false, joining: null, gapTimer: null }));
    return r;
  }

  function renderMessage(m) {
    const li = el("li");
    li.dataset.seq = String(m.seq);
    li.appendChild(el("span", "time", new Date(m.ts).toLocaleTimeString()));
    li.appendChild(el("span", "author", m.user.name));
    li.appendChild(el("span", "text", m.text));
    return li;
  }

  function renderDirect(m) {
    const li = el("li", "dm");
    const who = m.from.id === state.session.user.id ? `to ${m.to.name}` : `from ${m.from.name}`;
    li.appendChild(el("span", "time", new Date(m.ts).toLocaleTimeString()));
    li.appendChild(el("span", "author", `DM ${who}`));
    li.appendChild(el("span", "text", m.text));
    return li;
  }

  function appendToView(node) {
    const list = $("messages");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    // A gap filled late puts older messages after newer ones: keep the list in seq order.
    const seq = node.dataset.seq === undefined ? NaN : Number(node.dataset.seq);
    const after = Number.isNaN(seq) ? null : [...list.children].find((li) => li.dataset.seq !== undefined && Number(li.dataset.seq) > seq);
    list.insertBefore(node, after || null);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  /**
   * Adds messages of a room once each (by seq) and renders them when the room
   * is on screen. `baseline`: the answer to a first join (the last 50), whose
   * newest seq is where this page's history starts.
   */
  function addMessages(room, messages, baseline) {
    const r = roomState(room);
    for (const m of messages) {
      if (r.seqs.has(m.seq)) continue;
      r.seqs.add(m.seq);
      r.messages.push(m);
      if (m.seq > r.maxSeq) r.maxSeq = m.seq;
      if (room === state.current) appendToView(renderMessage(m));
    }
    if (baseline) r.lastSeq = Math.max(r.lastSeq, ...messages.map((m) => m.seq));
    while (r.seqs.has(r.lastSeq + 1)) r.lastSeq++;
    if (r.synced && r.maxSeq > r.lastSeq) fillGap(room);
  }

  /** A seq is missing below one we hold: ask for everything after lastSeq (coalesced with a join in flight). */
  function fillGap(room) {
    const r = roomState(room);
    if (r.joining || r.gapTimer || !state.socket || !state.socket.connected) return;
    // Not at once: on a cluster, a message from another node may simply still be on its way.
    r.gapTimer = setTimeout(() => {
      r.gapTimer = null;
      if (r.maxSeq > r.lastSeq) join(room);
    }, 250);
  }

  function renderRoomView() {
    $("room-title").textContent = `#${state.current}`;
    const list = $("messages");
    list.replaceChildren(...roomState(state.current).messages.slice().sort((a, b) => a.seq - b.seq).map(renderMessage));
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
    $("members").replaceChildren(...res.data.members.map((u) => el("li", "", u.name + (u.id === state.session.user.id ? " (you)" : ""))));
  }

  async function refreshRooms() {
    const res = await request("room:list", {});
    if (!res.ok) return;
    const names = new Set(res.data.rooms.map((r) => r.room));
    for (const room of state.rooms.keys()) if (!names.has(room)) res.data.rooms.push({ room, members: 0 });
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
   * Joins, or re-joins after a reconnect, and fills every gap: after the first
   * join it always asks with sinceSeq (500 per answer, again while hasMore).
   * One join per room at a time; callers share it.
   */
  function join(room) {
    const r = roomState(room);
    if (r.joining) return r.joining;
    r.joining = (async () => {
      for (;;) {
        const payload = r.synced ? { room, sinceSeq: r.lastSeq } : { room };
        const res = await request("room:join", payload);
        if (!res.ok) {
          showError(ackError(res));
          return false;
        }
        const first = !r.synced;
        r.synced = true;
        addMessages(room, res.data.messages, first);
        // Without sinceSeq, hasMore means older history exists; with it, that more missed messages follow.
        if (first || !res.data.hasMore) return true;
      }
    })().finally(() => (r.joining = null));
    return r.joining;
  }

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
  let ready;
  let markReady;
  const resetReady = () => (ready = new Promise((resolve) => (markReady = resolve)));
  resetReady();

  function connect() {
    const socket = io("/chat", { auth: { token: state.session.token } });
    state.socket = socket;

    socket.on("connect", async () => {
      // Rejoin (with sinceSeq) before anything is sent: on a new server our
      // socket is in no room yet, and what we missed must come first.
      for (const room of state.rooms.keys()) if (room !== state.current) await join(room);
      await switchRoom(state.current);
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
      // addMessages notices a hole below m (e.g. after a short disconnect) and fetches it.
      addMessages(m.room, [m]);
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
      if (typing) state.typing.set(key, { room, name: user.name, timer: setTimeout(() => (state.typing.delete(key), renderTyping()), 5000) });
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
  let typingTimer = null;
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

  async function send(text) {
    const room = state.current;
    const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    // Retries reuse the clientId, so a lost ack never stores the message twice.
    // A dropped connection fails the request at once; the retry waits for the rejoin.
    for (let attempt = 0; attempt < 5; attempt++) {
      await ready;
      const res = await request("message:send", { room, text, clientId });
      if (res.ok) {
        addMessages(room, [res.data.message]);
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

  async function search(q) {
    const res = await request("message:search", { q });
    const list = $("search-results");
    if (!res.ok) {
      list.replaceChildren(el("li", "error", ackError(res)));
      return;
    }
    if (res.data.results.length === 0) list.replaceChildren(el("li", "", "no matches"));
    else list.replaceChildren(...res.data.results.map((r) => el("li", "", `#${r.message.room} ${r.message.user.name}: ${r.snippet || r.message.text}`)));
  }

  // ---- wiring ------------------------------------------------------------
  function showLogin(message) {
    $("chat").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("login-name").value = app.dataset.name || "";
  }

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
    start($("login-name").value.trim()).catch((err) => ($("login-error").textContent = err.message));
  });
  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("text");
    const text = input.value.trim();
    if (!text) return;
    stopTyping();
    input.value = "";
    if (!(await send(text))) input.value = text;
  });
  $("text").addEventListener("input", onInput);
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = $("join-room").value.trim();
    if (room) switchRoom(room).then(() => ($("join-room").value = ""));
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("search-q").value.trim();
    if (q) search(q);
  });
  setInterval(() => state.socket && state.socket.connected && refreshRooms(), 10_000);

  const existing = loadSession(app.dataset.name || "");
  if (app.dataset.name || existing) start(app.dataset.name || existing.user.name).catch((err) => showLogin(err.message));
  else showLogin("");
})();
