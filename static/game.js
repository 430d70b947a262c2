// @ts-check
// Orbs page: session, lobby, /game socket and keyboard. Every user-provided
// string goes through textContent (or canvas fillText), never innerHTML.
(function () {
  "use strict";
  /** @typedef {import("../server/protocol").GameClientToServerEvents} GameEvents */
  /** @typedef {import("../server/protocol").GameDelta} GameDelta */
  /** @typedef {import("../server/protocol").GameJoinData} GameJoinData */
  /** @typedef {import("../server/protocol").GameOver} GameOver */
  /** @typedef {import("../server/protocol").GameSummary} GameSummary */
  /** @typedef {import("../server/protocol").Snapshot} Snapshot */
  /** @typedef {import("./game-sync").SyncState} SyncState */
  /** @typedef {import("./globals").GameSocket} GameSocket */
  /** @typedef {import("./globals").StoredSession} StoredSession */
  /** @typedef {import("./globals").AckEvent<GameEvents>} GameAckEvent */
  /**
   * @template T
   * @typedef {import("./globals").PageAck<T>} PageAck
   */

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @param {string} id */
  const field = (id) => /** @type {HTMLInputElement} */ ($(id));
  const app = $("app");
  const GAME_KEY = "parlor.game";
  const rules = {
    world: Number(app.dataset.world),
    tickHz: Number(app.dataset.tickHz),
    playerSpeed: Number(app.dataset.speed),
    playerRadius: Number(app.dataset.playerRadius),
    orbRadius: Number(app.dataset.orbRadius),
  };
  const view = window.OrbsView.create(/** @type {HTMLCanvasElement} */ ($("canvas")), rules);
  const S = {
    /** @type {StoredSession | null} */
    session: null,
    /** @type {GameSocket | null} */
    socket: null,
    /** @type {GameSummary | null} the game this page has a seat in */
    game: null,
    /** @type {string | null} */
    playerId: null,
    /** @type {SyncState | null} */
    state: null,
    joining: false,
    seq: 0,
    /** @type {import("../server/protocol").Direction} */
    dir: { x: 0, y: 0 },
    lobbyTimer: 0,
  };
  const stats = { deltas: 0, bytes: 0, since: performance.now() };

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string} [className]
   * @param {string} [text]
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {"login" | "lobby" | "play"} section */
  function show(section) {
    for (const id of ["login", "lobby", "play"]) $(id).hidden = id !== section;
  }

  const { SESSION_KEY, ackError } = window.ParlorSession; // one sign-in for the chat and game pages
  const loadSession = window.ParlorSession.load;
  const createSession = window.ParlorSession.create;
  /** Set before anything is requested (connect() sets it; the lobby and the game are shown after). */
  const socket = () => /** @type {GameSocket} */ (S.socket);
  /**
   * @template {GameAckEvent} E
   * @param {E} event
   * @param {import("./globals").EventPayload<GameEvents, E>} payload
   */
  const request = (event, payload) => window.ParlorSession.request(socket(), event, payload);

  // ---- lobby -----------------------------------------------------------
  async function refreshLobby() {
    if (!S.socket || S.game) return;
    const res = await request("game:list", {});
    if (!res.ok) return void ($("lobby-error").textContent = ackError(res));
    const rows = res.data.games.map((g) => {
      const tr = el("tr");
      tr.append(el("td", "", g.name), el("td", "", `${g.players} / ${g.maxPlayers}`), el("td", "", g.status));
      const td = el("td");
      const join = el("button", "", "Join");
      join.type = "button";
      join.disabled = g.players >= g.maxPlayers;
      join.addEventListener("click", () => enter(request("game:join", { gameId: g.id, extrapolate: true })));
      td.append(join);
      tr.append(td);
      return tr;
    });
    $("games").replaceChildren(...rows);
    $("lobby-empty").hidden = rows.length > 0;
  }

  function toLobby() {
    S.game = null;
    sessionStorage.removeItem(GAME_KEY);
    show("lobby");
    refreshLobby();
    clearInterval(S.lobbyTimer);
    S.lobbyTimer = setInterval(refreshLobby, 2000);
  }

  // ---- game ------------------------------------------------------------
  /**
   * Takes a seat from a join or quickplay request; on failure (the game is gone or full) back to the lobby.
   * The page asks for extrapolated deltas: OrbsSync moves every player on by its velocity between them.
   *
   * @param {Promise<PageAck<GameJoinData>>} pending
   */
  async function enter(pending) {
    S.joining = true;
    const res = await pending;
    S.joining = false;
    if (!res.ok) {
      $("lobby-error").textContent = ackError(res);
      toLobby();
      return;
    }
    $("lobby-error").textContent = "";
    clearInterval(S.lobbyTimer);
    S.game = res.data.game;
    S.playerId = res.data.playerId;
    S.seq = 0; // the server numbers a (re)joined seat's inputs afresh
    sessionStorage.setItem(GAME_KEY, S.game.id);
    $("game-title").textContent = S.game.name;
    $("play-error").textContent = "";
    onSnapshot(res.data.state);
    show("play");
    // Keys held while joining count from now on.
    S.dir = { x: 0, y: 0 };
    steer();
  }

  /** @param {Snapshot} snapshot */
  function onSnapshot(snapshot) {
    S.state = window.OrbsSync.fromSnapshot(snapshot, rules.tickHz);
    view.reset(S.state, S.playerId || "", performance.now());
    $("banner").hidden = true;
    renderScores();
  }

  /** @param {GameDelta} delta */
  function onDelta(delta) {
    stats.deltas++;
    if (!S.state || !window.OrbsSync.applyDelta(S.state, delta)) return;
    view.applied(delta, performance.now());
    if (delta.scores || delta.joined || delta.left) renderScores();
  }

  /** @param {GameOver} over */
  function onOver({ winner }) {
    view.freeze();
    const banner = $("banner");
    banner.textContent = `${winner.name} wins! New round in a moment…`;
    banner.hidden = false;
    renderScores();
  }

  function renderScores() {
    if (!S.state) return;
    const players = [...S.state.players.values()].sort((a, b) => b.score - a.score);
    $("scores").replaceChildren(
      ...players.map((p) => {
        const li = el("li", p.id === S.playerId ? "me-row" : "", p.name);
        li.append(el("span", "pts", String(p.score)));
        return li;
      }),
    );
  }

  // ---- keyboard ----------------------------------------------------------
  /** @type {Record<string, [number, number]>} */
  const KEYS = {
    ArrowLeft: [-1, 0],
    a: [-1, 0],
    ArrowRight: [1, 0],
    d: [1, 0],
    ArrowUp: [0, -1],
    w: [0, -1],
    ArrowDown: [0, 1],
    s: [0, 1],
  };
  /** @type {Set<string>} */
  const held = new Set();

  /**
   * @param {number} v
   * @returns {-1 | 0 | 1}
   */
  const axis = (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);

  function steer() {
    let x = 0;
    let y = 0;
    for (const k of held) {
      x += KEYS[k][0];
      y += KEYS[k][1];
    }
    const dir = { x: axis(x), y: axis(y) };
    if (dir.x === S.dir.x && dir.y === S.dir.y) return;
    S.dir = dir;
    // Only changes are sent: far below the server's 60 per second cap.
    if (!S.game || !S.socket || !S.socket.connected) return;
    S.seq++;
    S.socket.emit("game:input", { seq: S.seq, dir });
    view.input(S.seq, dir);
  }

  /** @param {KeyboardEvent} e */
  function keyName(e) {
    return e.key.length === 1 ? e.key.toLowerCase() : e.key;
  }

  document.addEventListener("keydown", (e) => {
    const k = keyName(e);
    if (!KEYS[k] || !S.game || e.target instanceof HTMLInputElement) return;
    e.preventDefault();
    held.add(k);
    steer();
  });
  document.addEventListener("keyup", (e) => {
    held.delete(keyName(e));
    steer();
  });
  window.addEventListener("blur", () => {
    held.clear();
    steer();
  });

  // ---- socket ------------------------------------------------------------
  /** @param {StoredSession} session */
  function connect(session) {
    S.session = session;
    $("me").textContent = session.user.name;
    /** @type {GameSocket} */
    const socket = io("/game", { auth: { token: session.token } });
    S.socket = socket;
    socket.io.on("open", () => socket.io.engine.on("packet", (p) => (stats.bytes += typeof p.data === "string" ? p.data.length : 0)));
    socket.on("connect", () => {
      $("status").textContent = "online";
      $("status").className = "status online";
      // After a reload or a dropped connection, take the held seat back (same playerId, same score).
      const gameId = (S.game && S.game.id) || sessionStorage.getItem(GAME_KEY);
      if (gameId) enter(request("game:join", { gameId, extrapolate: true }));
      else toLobby();
    });
    socket.on("disconnect", () => {
      $("status").textContent = "reconnecting…";
      $("status").className = "status";
    });
    socket.on("connect_error", (err) => {
      if (err.message !== "UNAUTHORIZED") return;
      sessionStorage.removeItem(SESSION_KEY);
      socket.close();
      show("login");
    });
    // While a join is in flight its ack brings this same snapshot, with the playerId to go with it.
    socket.on("game:state", (snapshot) => S.joining || onSnapshot(snapshot));
    socket.on("game:delta", onDelta);
    socket.on("game:over", onOver);
  }

  $("login").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      connect(loadSession(field("login-name").value.trim()) || (await createSession(field("login-name").value)));
    } catch (err) {
      $("login-error").textContent = err instanceof Error ? err.message : String(err);
    }
  });
  $("quickplay").addEventListener("click", () => enter(request("game:quickplay", { extrapolate: true })));
  $("create-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = field("create-name").value.trim();
    const res = await request("game:create", { ...(name ? { name } : {}), maxPlayers: Number(field("create-seats").value) || 8 });
    if (!res.ok) return void ($("lobby-error").textContent = ackError(res));
    enter(request("game:join", { gameId: res.data.game.id, extrapolate: true }));
  });
  $("leave").addEventListener("click", async () => {
    await request("game:leave", {});
    S.state = null;
    toLobby();
  });

  /** @param {number} now */
  function frame(now) {
    if (S.game) view.draw(now);
    if (now - stats.since >= 1000) {
      $("net").textContent = S.game ? `${stats.deltas} deltas/s · ${(stats.bytes / 1024).toFixed(1)} KiB/s` : "";
      stats.deltas = stats.bytes = 0;
      stats.since = now;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  const preset = app.dataset.name;
  const saved = loadSession(preset);
  field("login-name").value = preset || (saved ? saved.user.name : "");
  if (saved) connect(saved);
  else show("login");
})();
