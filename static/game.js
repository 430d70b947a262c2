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
    input.restart();
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

  // ---- input -------------------------------------------------------------
  // Keys, the touch pad and its buttons (static/game-input.js) steer; only changes are sent, far below the
  // server's 60 per second cap.
  const input = window.OrbsInput.create({
    pad: $("dpad"),
    enabled: () => !!S.game,
    onChange(dir) {
      if (!S.game || !S.socket || !S.socket.connected) return;
      S.seq++;
      S.socket.emit("game:input", { seq: S.seq, dir });
      view.input(S.seq, dir);
    },
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
