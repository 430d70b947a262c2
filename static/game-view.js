// @ts-check
// Orbs canvas view: draws the world at 60 fps from 20 Hz deltas. Other players
// are interpolated between the positions the server sent (drawn a little in the
// past, so there is usually a next position to move toward) and, past the last
// one, moved on at their velocity (so a late delta does not freeze them). The local player is predicted from the
// local input and reconciled with the server's ackSeq.
// Names are drawn with fillText: never parsed as HTML. The canvas's pixels follow its size on the page times
// devicePixelRatio (crisp on a phone and on a large screen alike); drawing stays in world units.
(function (root) {
  "use strict";
  /** @typedef {import("./game-sync").SyncState} SyncState */
  /** @typedef {import("./globals").GameRules} GameRules */
  /** @typedef {import("./globals").OrbsView} OrbsView */
  /** @typedef {import("../server/protocol").GameDelta} GameDelta */
  /** @typedef {import("../server/protocol").PlayerMove} PlayerMove */
  /** @typedef {{ x: number; y: number }} Point */
  /** @typedef {{ x: number; y: number }} Dir */
  /** @typedef {{ t: number; x: number; y: number; vx: number; vy: number }} Sample a position at tick `t` */

  /** How far in the past others are drawn, in ticks: enough to absorb one late delta. */
  const INTERP_TICKS = 2;

  /**
   * @param {HTMLCanvasElement} canvas
   * @param {GameRules} rules
   * @returns {OrbsView}
   */
  function create(canvas, rules) {
    const ctx = /** @type {CanvasRenderingContext2D} a 2d context is always available on a canvas */ (canvas.getContext("2d"));
    const tickMs = 1000 / rules.tickHz;
    /** The local player as predicted, and the correction still to be spread over the next frames. */
    const me = { id: "", x: 0, y: 0, errX: 0, errY: 0 };
    /** @type {SyncState | null} the OrbsSync state: authoritative, as of the last delta */
    let state = null;
    /** @type {Map<string, Sample[]>} playerId -> the positions the server sent, oldest first */
    let samples = new Map();
    /** @type {{ seq: number; dir: Dir }[]} inputs sent but not yet applied by the server */
    let pending = [];
    /** @type {Dir} */
    let dir = { x: 0, y: 0 };
    let frozen = false;
    /** @type {number | null} server time (tick × tickMs) minus local time */
    let offsetMs = null;
    let lastFrame = 0;
    /** CSS pixels per world unit, as of the last fit. */
    let cssScale = 1;

    /** Sizes the canvas's pixels to its box × devicePixelRatio and maps world units onto them. */
    function fit() {
      const css = canvas.clientWidth || rules.world;
      const px = Math.max(1, Math.round(css * (window.devicePixelRatio || 1)));
      if (canvas.width !== px || canvas.height !== px) canvas.width = canvas.height = px;
      cssScale = css / rules.world;
      ctx.setTransform(px / rules.world, 0, 0, px / rules.world, 0, 0);
    }

    /**
     * Where sample `s` is at tick `t` at its velocity, kept inside the walls.
     *
     * @param {Sample} s
     * @param {number} t
     * @returns {Point}
     */
    function extrapolate(s, t) {
      const k = (t - s.t) / rules.tickHz;
      const r = rules.playerRadius;
      /** @param {number} v */
      const clamp = (v) => Math.min(rules.world - r, Math.max(r, v));
      return { x: clamp(s.x + s.vx * k), y: clamp(s.y + s.vy * k) };
    }

    /**
     * @param {Omit<Sample, "t"> & { id: string }} p
     * @param {number} t
     */
    function record(p, t) {
      let list = samples.get(p.id);
      if (!list) samples.set(p.id, (list = []));
      const last = list[list.length - 1];
      if (last && last.t >= t) return;
      // Until the tick before this one it went straight on: keep that corner sharp.
      if (last && t - last.t > 1) list.push({ t: t - 1, vx: last.vx, vy: last.vy, ...extrapolate(last, t - 1) });
      list.push({ t, x: p.x, y: p.y, vx: p.vx, vy: p.vy });
      if (list.length > 40) list.splice(0, list.length - 40);
    }

    /**
     * @param {number} tick
     * @param {number} now
     */
    function observeTick(tick, now) {
      const sample = tick * tickMs - now;
      // Follow the least delayed delivery at once, later ones only slowly (jitter is not drift).
      offsetMs = offsetMs === null || sample > offsetMs ? sample : offsetMs + (sample - offsetMs) * 0.02;
    }

    /** @type {OrbsView["reset"]} */
    function reset(snapshotState, playerId, now) {
      state = snapshotState;
      me.id = playerId;
      samples = new Map();
      for (const p of state.players.values()) record(p, state.tick);
      const self = state.players.get(playerId);
      if (self) Object.assign(me, { x: self.x, y: self.y, errX: 0, errY: 0 });
      pending = [];
      frozen = false;
      observeTick(state.tick, now);
    }

    /** @type {OrbsView["applied"]} */
    function applied(delta, now) {
      if (!state) return;
      observeTick(delta.tick, now);
      // The state is at delta.tick for everyone (moved or not); only changes need a sample.
      for (const p of delta.joined || []) record(p, delta.tick);
      for (const m of delta.moved || []) record(state.players.get(m.id) || m, delta.tick);
      for (const id of delta.left || []) samples.delete(id);
      pending = pending.filter((p) => p.seq > delta.ackSeq);
      const self = state.players.get(me.id);
      if (!self || pending.length) return;
      // Every input is applied: the server and the prediction now steer alike. A moving prediction
      // runs ahead of the server by about the latency; only correct what exceeds that lead, and
      // everything once the player stands still.
      const ex = self.x - me.x;
      const ey = self.y - me.y;
      const standing = self.vx === 0 && self.vy === 0 && dir.x === 0 && dir.y === 0;
      const lead = rules.playerSpeed * 0.25;
      if (standing || ex * ex + ey * ey > lead * lead) {
        me.errX = ex;
        me.errY = ey;
      }
    }

    /** @type {OrbsView["input"]} */
    function input(seq, newDir) {
      pending.push({ seq, dir: newDir });
      dir = newDir;
    }

    function freeze() {
      frozen = true;
    }

    /**
     * Where player `id` is drawn at (fractional) tick `t`: between its samples, or past the last one at its velocity.
     *
     * @param {string} id
     * @param {number} t
     * @returns {Point | null}
     */
    function positionAt(id, t) {
      const list = samples.get(id);
      if (!list || !list.length) return null;
      if (t <= list[0].t) return list[0];
      for (let i = list.length - 1; i >= 0; i--) {
        const a = list[i];
        if (a.t > t) continue;
        const b = list[i + 1];
        if (!b) return extrapolate(a, t);
        const k = (t - a.t) / (b.t - a.t);
        return { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
      }
      return list[list.length - 1];
    }

    /** @param {number} dt seconds since the previous frame */
    function predict(dt) {
      const r = rules.playerRadius;
      const max = rules.world - r;
      if (!frozen) {
        const scale = dir.x && dir.y ? Math.SQRT1_2 : 1;
        me.x = Math.min(max, Math.max(r, me.x + dir.x * rules.playerSpeed * scale * dt));
        me.y = Math.min(max, Math.max(r, me.y + dir.y * rules.playerSpeed * scale * dt));
      }
      // Corrections are spread over ~100 ms so the circle glides instead of jumping.
      const k = Math.min(1, dt * 10);
      me.x += me.errX * k;
      me.y += me.errY * k;
      me.errX -= me.errX * k;
      me.errY -= me.errY * k;
    }

    /** @param {string} id */
    function colorOf(id) {
      let h = 0;
      for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
      return `hsl(${(h * 47) % 360} 70% 60%)`;
    }

    /** @param {number} now */
    function draw(now) {
      const dt = lastFrame ? Math.min(0.1, (now - lastFrame) / 1000) : 0;
      lastFrame = now;
      fit();
      ctx.clearRect(0, 0, rules.world, rules.world);
      if (!state) return;
      predict(dt);
      const renderTick = (now + (offsetMs || 0)) / tickMs - INTERP_TICKS;

      ctx.fillStyle = "#f5c542";
      for (const o of state.orbs.values()) {
        ctx.beginPath();
        ctx.arc(o.x, o.y, rules.orbRadius, 0, Math.PI * 2);
        ctx.fill();
      }
      // Names stay readable (at least 12 CSS px) when the arena is phone-sized.
      const fontSize = Math.max(18, 12 / cssScale);
      ctx.font = `bold ${fontSize}px system-ui, sans-serif`;
      ctx.textAlign = "center";
      for (const p of state.players.values()) {
        const pos = p.id === me.id ? me : positionAt(p.id, renderTick) || p;
        ctx.beginPath();
        ctx.arc(pos.x, pos.y, rules.playerRadius, 0, Math.PI * 2);
        ctx.fillStyle = colorOf(p.id);
        ctx.fill();
        if (p.id === me.id) {
          ctx.lineWidth = Math.max(4, 2 / cssScale);
          ctx.strokeStyle = "#fff";
          ctx.stroke();
        }
        ctx.fillStyle = "#e8e8f0";
        const label = `${p.name} · ${p.score}`;
        // Keep labels on the canvas: beside a wall the name would be cut off.
        const half = ctx.measureText(label).width / 2 + 4;
        const lx = Math.min(rules.world - half, Math.max(half, pos.x));
        const above = pos.y - rules.playerRadius - fontSize * 0.45;
        ctx.fillText(label, lx, above > fontSize ? above : pos.y + rules.playerRadius + fontSize * 1.2);
      }
    }

    return {
      reset,
      applied,
      input,
      freeze,
      draw,
      get pendingInputs() {
        return pending.length;
      },
    };
  }

  root.OrbsView = { create };
})(window);
