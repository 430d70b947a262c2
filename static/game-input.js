// @ts-check
// Orbs steering: the keyboard (arrows, WASD), the touch pad and the pad's buttons as one direction.
// A finger on the pad steers toward where it is from the pad's centre: the arrows, and the corners
// between them for the diagonals; sliding turns without lifting, and the pad keeps the finger
// (pointer capture) when it slides off. The arrows are labelled buttons: Enter or Space on a focused
// one holds it like a key. The page is told of every change of direction, whatever it came from, so
// a finger and a key send the same game:input.
(function (root) {
  "use strict";
  /** @typedef {import("../server/protocol").Direction} Direction */
  /** @typedef {import("./globals").OrbsInput} OrbsInput */

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

  /**
   * @param {number} v
   * @returns {-1 | 0 | 1}
   */
  const axis = (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);

  /** @param {KeyboardEvent} e */
  const keyName = (e) => (e.key.length === 1 ? e.key.toLowerCase() : e.key);

  /**
   * @param {{ pad: HTMLElement; enabled(): boolean; onChange(dir: Direction): void }} options
   *   `enabled`: whether keys and fingers steer now (a seat in a live game); `onChange`: each new direction
   * @returns {OrbsInput}
   */
  function create({ pad, enabled, onChange }) {
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (pad.querySelectorAll("button[data-key]"));
    /** Keys held down (KEYS names). */
    /** @type {Set<string>} */
    const held = new Set();
    /** Keyboard keys (Enter, Space) holding a focused arrow, and that arrow's key. */
    /** @type {Map<string, string>} */
    const buttonKeys = new Map();
    /** @type {[number, number]} the pad's direction while a finger is on it */
    let padDir = [0, 0];
    /** @type {number | null} */
    let padPointer = null;
    /** @type {Direction} */
    let current = { x: 0, y: 0 };

    function update() {
      let x = padDir[0];
      let y = padDir[1];
      // A key and the arrow button of the same key count once.
      for (const k of new Set([...held, ...buttonKeys.values()])) {
        x += KEYS[k][0];
        y += KEYS[k][1];
      }
      const dir = { x: axis(x), y: axis(y) };
      pad.classList.toggle("active", padPointer !== null);
      if (dir.x === current.x && dir.y === current.y) return;
      current = dir;
      // The arrows of the direction light up: under a finger there is no other feedback.
      for (const b of buttons) {
        const [bx, by] = KEYS[b.dataset.key || ""] || [0, 0];
        b.classList.toggle("on", (bx !== 0 && bx === dir.x) || (by !== 0 && by === dir.y));
      }
      onChange(dir);
    }

    function releaseAll() {
      held.clear();
      buttonKeys.clear();
      padDir = [0, 0];
      update();
    }

    document.addEventListener("keydown", (e) => {
      const k = keyName(e);
      if (!KEYS[k] || !enabled() || e.target instanceof HTMLInputElement) return;
      e.preventDefault();
      held.add(k);
      update();
    });
    document.addEventListener("keyup", (e) => {
      held.delete(keyName(e));
      update();
    });
    window.addEventListener("blur", releaseAll);

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
      update();
    }

    pad.addEventListener("pointerdown", (e) => {
      if (!enabled() || padPointer !== null) return;
      e.preventDefault();
      padPointer = e.pointerId;
      // A synthetic event has no pointer to capture.
      if (e.isTrusted) pad.setPointerCapture(e.pointerId);
      padAt(e);
    });
    pad.addEventListener("pointermove", (e) => {
      if (e.pointerId === padPointer) padAt(e);
    });
    for (const type of /** @type {const} */ (["pointerup", "pointercancel", "lostpointercapture"]))
      pad.addEventListener(type, (e) => {
        if (e.pointerId !== padPointer) return;
        padPointer = null;
        padDir = [0, 0];
        update();
      });
    pad.addEventListener("contextmenu", (e) => e.preventDefault());

    for (const b of buttons) {
      const key = b.dataset.key || "";
      b.addEventListener("keydown", (e) => {
        if ((e.key !== "Enter" && e.key !== " ") || !enabled()) return;
        e.preventDefault();
        buttonKeys.set(e.key, key);
        update();
      });
      b.addEventListener("keyup", (e) => {
        if (buttonKeys.get(e.key) !== key) return;
        e.preventDefault();
        buttonKeys.delete(e.key);
        update();
      });
      b.addEventListener("blur", () => {
        for (const [k, v] of buttonKeys) if (v === key) buttonKeys.delete(k);
        update();
      });
    }

    return {
      restart() {
        current = { x: 0, y: 0 };
        update();
      },
    };
  }

  root.OrbsInput = { create };
})(window);
