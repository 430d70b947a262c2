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
  /** @typedef {import("./globals").AckData<GameEvents, "game:replays">["replays"][number]} ReplaySummary */
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
    /** @type {"spectate" | "replay" | null} watching without a seat: a live game, or a recorded round */
    watching: null,
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
  /**
   * @param {string} text
   * @param {() => void} onClick
   */
  function button(text, onClick) {
    const b = el("button", "", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  /**
   * A table cell that names its column: on a phone the rows are laid out as cards without the header row.
   *
   * @param {string} text
   * @param {string} column
   */
  function cell(text, column) {
    const td = el("td", "", text);
    td.dataset.label = column;
    return td;
  }

  /** Game names by id, for the replay list's titles. */
  /** @type {Map<string, string>} */
  const gameNames = new Map();

  async function refreshLobby() {
    if (!S.socket || S.game || S.watching) return;
    const [res, replays] = await Promise.all([request("game:list", {}), request("game:replays", { limit: 10 })]);
    if (!res.ok) return void ($("lobby-error").textContent = ackError(res));
    const rows = res.data.games.map((g) => {
      gameNames.set(g.id, g.name);
      const tr = el("tr");
      tr.append(
        el("td", "", g.name),
        cell(`${g.players} / ${g.maxPlayers}`, "Players"),
        cell(String(g.spectators), "Watching"),
        el("td", "", g.status),
      );
      const td = el("td", "row-actions");
      const join = button("Join", () => enter(request("game:join", { gameId: g.id, extrapolate: true })));
      join.disabled = g.players >= g.maxPlayers;
      td.append(
        join,
        button("Spectate", () => spectate(g)),
      );
      tr.append(td);
      return tr;
    });
    $("games").replaceChildren(...rows);
    $("lobby-empty").hidden = rows.length > 0;
    if (replays.ok) renderReplays(replays.data.replays);
  }

  /** @param {ReplaySummary[]} replays */
  function renderReplays(replays) {
    const rows = replays.map((r) => {
      const tr = el("tr");
      const title = `${gameNames.get(r.gameId) || r.gameId} · round ${r.round}`;
      const seconds = Math.round(r.ticks / rules.tickHz);
      tr.append(
        el("td", "", title),
        cell(r.winner.name, "Winner"),
        cell(`${seconds} s`, "Length"),
        cell(new Date(r.endedAt).toLocaleTimeString(), "Ended"),
      );
      const td = el("td", "row-actions");
      td.append(button("Play", () => replay(r, title)));
      tr.append(td);
      return tr;
    });
    $("replays").replaceChildren(...rows);
    $("replays-empty").hidden = rows.length > 0;
  }

  function toLobby() {
    const fromPlay = !$("play").hidden;
    S.game = null;
    S.watching = null;
    sessionStorage.removeItem(GAME_KEY);
    show("lobby");
    if (fromPlay) $("quickplay").focus();
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
    S.watching = null;
    $("play").classList.remove("watching");
    $("mode").textContent = "Arrow keys, WASD or the arrows to move.";
    $("leave").textContent = "Leave game";
    S.seq = 0; // the server numbers a (re)joined seat's inputs afresh
    sessionStorage.setItem(GAME_KEY, S.game.id);
    $("game-title").textContent = S.game.name;
    $("play-error").textContent = "";
    onSnapshot(res.data.state);
    show("play");
    // Keyboard focus goes with the view (the button that was pressed is hidden now); the keys steer from anywhere.
    if (!document.activeElement || document.activeElement === document.body || !$("play").contains(document.activeElement))
      $("canvas").focus();
    // Keys held while joining count from now on.
    S.dir = { x: 0, y: 0 };
    steer();
  }

  /**
   * The play area without a seat: no input is sent, no circle is predicted.
   *
   * @param {"spectate" | "replay"} mode
   * @param {string} title
   */
  function watch(mode, title) {
    $("lobby-error").textContent = "";
    clearInterval(S.lobbyTimer);
    S.watching = mode;
    $("play").classList.add("watching");
    S.playerId = null;
    S.state = null;
    $("game-title").textContent = title;
    $("mode").textContent = mode === "spectate" ? "Spectating." : `Replay at ${field("replay-speed").value}×.`;
    $("leave").textContent = "Back to lobby";
    $("play-error").textContent = "";
    $("banner").hidden = true;
    show("play");
    $("canvas").focus();
  }

  /** @param {GameSummary} game */
  async function spectate(game) {
    const res = await request("game:spectate", { gameId: game.id, extrapolate: true });
    if (!res.ok) return void ($("lobby-error").textContent = ackError(res));
    watch("spectate", `${res.data.game.name} (spectating)`);
    onSnapshot(res.data.state);
  }

  /**
   * The round's game:state, deltas and game:over follow the ack.
   *
   * @param {ReplaySummary} summary
   * @param {string} title
   */
  async function replay(summary, title) {
    const speed = Number(field("replay-speed").value) || 1;
    // Before the request: the stream's game:state may come right after the ack.
    watch("replay", `${title} (replay)`);
    const res = await request("game:replay", { id: summary.id, speed, extrapolate: true });
    if (!res.ok) {
      toLobby();
      $("lobby-error").textContent = ackError(res);
    }
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
    banner.textContent =
      S.watching === "replay" ? `${winner.name} wins! (end of the replay)` : `${winner.name} wins! New round in a moment…`;
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
    let x = padDir[0];
    let y = padDir[1];
    for (const k of held) {
      x += KEYS[k][0];
      y += KEYS[k][1];
    }
    const dir = { x: axis(x), y: axis(y) };
    if (dir.x === S.dir.x && dir.y === S.dir.y) return;
    S.dir = dir;
    lightPad();
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
    buttonKeys.clear();
    padDir = [0, 0];
    steer();
  });

  // ---- touch -------------------------------------------------------------
  // A finger on the pad steers toward where it is from the pad's centre: the arrows, and the corners between them
  // for the diagonals; sliding turns without lifting. It is held like a key: the same steer() as the keyboard, so
  // the same game:input. The arrows are labelled buttons, and Enter or Space on a focused one holds it too.
  const pad = $("dpad");
  const padButtons = /** @type {NodeListOf<HTMLButtonElement>} */ (pad.querySelectorAll("button"));
  /** @type {[number, number]} the pad's direction while a finger is on it */
  let padDir = [0, 0];
  /** @type {number | null} */
  let padPointer = null;
  /** Keyboard keys (Enter, Space) holding a focused arrow, and the arrow's key. */
  /** @type {Map<string, string>} */
  const buttonKeys = new Map();

  /** @param {PointerEvent} e */
  function padAt(e) {
    const r = pad.getBoundingClientRect();
    const dx = e.clientX - (r.left + r.width / 2);
    const dy = e.clientY - (r.top + r.height / 2);
    // A dead zone in the middle: a finger resting there stands still.
    if (Math.hypot(dx, dy) < Math.min(r.width, r.height) * 0.12) padDir = [0, 0];
    else {
      const sector = (Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) * Math.PI) / 4;
      padDir = [Math.round(Math.cos(sector)), Math.round(Math.sin(sector))];
    }
    steer();
  }

  function padRelease() {
    padPointer = null;
    padDir = [0, 0];
    steer();
  }

  pad.addEventListener("pointerdown", (e) => {
    if (!S.game || padPointer !== null) return;
    e.preventDefault();
    padPointer = e.pointerId;
    // The pad keeps the finger when it slides off an arrow or off the pad.
    if (e.isTrusted) pad.setPointerCapture(e.pointerId);
    padAt(e);
  });
  pad.addEventListener("pointermove", (e) => {
    if (e.pointerId === padPointer) padAt(e);
  });
  for (const type of /** @type {const} */ (["pointerup", "pointercancel", "lostpointercapture"]))
    pad.addEventListener(type, (e) => {
      if (e.pointerId === padPointer) padRelease();
    });
  pad.addEventListener("contextmenu", (e) => e.preventDefault());
  for (const b of padButtons) {
    b.addEventListener("keydown", (e) => {
      if ((e.key !== "Enter" && e.key !== " ") || !S.game) return;
      e.preventDefault();
      e.stopPropagation();
      buttonKeys.set(e.key, b.dataset.key || "");
      held.add(b.dataset.key || "");
      steer();
    });
    b.addEventListener("keyup", (e) => {
      const key = buttonKeys.get(e.key);
      if (key === undefined) return;
      e.preventDefault();
      buttonKeys.delete(e.key);
      held.delete(key);
      steer();
    });
    b.addEventListener("blur", () => {
      for (const [k, key] of buttonKeys) {
        if (key !== b.dataset.key) continue;
        buttonKeys.delete(k);
        held.delete(key);
      }
      steer();
    });
  }

  /** Lights the arrows of the current direction (the pad has no other feedback under a finger). */
  function lightPad() {
    pad.classList.toggle("active", padPointer !== null);
    for (const b of padButtons) {
      const [x, y] = KEYS[b.dataset.key || ""] || [0, 0];
      b.classList.toggle("on", (x !== 0 && x === S.dir.x) || (y !== 0 && y === S.dir.y));
    }
  }

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
      // Spectating and replays end with the connection: back to the lobby for those.
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

  /**
   * Signs in as `name` (the stored session when it is that name's) and connects; on failure, the form with the reason.
   *
   * @param {string} name
   */
  async function signIn(name) {
    try {
      connect(loadSession(name) || (await createSession(name)));
    } catch (err) {
      field("login-name").value = name;
      $("login-error").textContent = err instanceof Error ? err.message : String(err);
      show("login");
    }
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn(field("login-name").value.trim());
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
    if (S.game || S.watching) view.draw(now);
    if (now - stats.since >= 1000) {
      $("net").textContent = S.game || S.watching ? `${stats.deltas} deltas/s · ${(stats.bytes / 1024).toFixed(1)} KiB/s` : "";
      stats.deltas = stats.bytes = 0;
      stats.since = now;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // As the chat page does: /game?name=Cy (or /game?Cy) signs in as Cy without the form; otherwise the stored
  // sign-in of either page, or the form.
  const preset = app.dataset.name || "";
  const saved = loadSession(preset);
  field("login-name").value = preset || (saved ? saved.user.name : "");
  if (saved) connect(saved);
  else if (preset) signIn(preset);
  else show("login");
})();
