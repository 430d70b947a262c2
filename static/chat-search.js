// @ts-check
// Chat page, search (#search-form, #search-results): results with the
// matching words highlighted (the snippet's [ ] markers become <mark> nodes,
// never markup from a string), arrow keys move through them, Enter or a click
// opens one (the page jumps to the message in its room).
//
// DOM: #search-results > li > button.result[data-room][data-seq] (.result-where, .result-author, .snippet > mark)
/* exported ChatSearch */
/* global ChatDom, ChatErrors */
const ChatSearch = (() => {
  "use strict";
  /** @typedef {import("../server/protocol").SearchResult} SearchResult */
  /** @typedef {import("./globals").PageAck<{ results: SearchResult[] }>} SearchAck */

  const { $, field, el } = ChatDom;

  /**
   * The snippet as nodes: text between `[` and `]` in <mark>, the rest as text; markers never shown.
   *
   * @param {string} snippet
   */
  function highlight(snippet) {
    /** @type {Node[]} */
    const nodes = [];
    const re = /\[([^\]]*)\]/g;
    let at = 0;
    for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
      if (m.index > at) nodes.push(document.createTextNode(snippet.slice(at, m.index)));
      nodes.push(el("mark", "", m[1]));
      at = m.index + m[0].length;
    }
    if (at < snippet.length) nodes.push(document.createTextNode(snippet.slice(at)));
    return nodes;
  }

  /**
   * @param {{ search: (q: string) => Promise<SearchAck>; open: (room: string, seq: number) => void }} deps
   */
  function create(deps) {
    const list = $("search-results");
    const input = field("search-q");

    const buttons = () => /** @type {HTMLButtonElement[]} */ ([...list.querySelectorAll("button.result")]);

    /** @param {number} step */
    function move(step) {
      const all = buttons();
      if (!all.length) return;
      const i = all.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
      const next = i < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, i + step));
      all[next].focus();
    }

    /** @param {string} q */
    async function run(q) {
      list.setAttribute("aria-busy", "true");
      const res = await deps.search(q);
      list.removeAttribute("aria-busy");
      if (!res.ok) {
        const li = el("li", "error", ChatErrors.friendly(res, "search"));
        li.setAttribute("role", "alert");
        return list.replaceChildren(li);
      }
      if (!res.data.results.length) return list.replaceChildren(el("li", "none", "No messages match."));
      list.replaceChildren(
        ...res.data.results.map((r) => {
          const li = el("li");
          const b = /** @type {HTMLButtonElement} */ (el("button", "result"));
          b.type = "button";
          b.dataset.room = r.message.room;
          b.dataset.seq = String(r.message.seq);
          b.append(el("span", "result-where", `#${r.message.room}`), ...ChatDom.nameNodes(r.message.user, "result-author"));
          const snippet = el("span", "snippet");
          snippet.append(...highlight(r.snippet || r.message.text));
          b.appendChild(snippet);
          b.addEventListener("click", () => deps.open(r.message.room, r.message.seq));
          li.appendChild(b);
          return li;
        }),
      );
    }

    $("search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (q) run(q);
    });
    // Down from the box enters the results; up and down move through them (Enter and Space press the button).
    for (const node of [input, list])
      node.addEventListener("keydown", (e) => {
        const key = /** @type {KeyboardEvent} */ (e).key;
        if (key === "ArrowDown" || key === "ArrowUp") {
          e.preventDefault();
          if (node === input && key === "ArrowUp") return;
          move(key === "ArrowDown" ? 1 : -1);
        } else if (key === "Home" && node === list) {
          e.preventDefault();
          buttons()[0]?.focus();
        } else if (key === "End" && node === list) {
          e.preventDefault();
          buttons().at(-1)?.focus();
        }
      });

    return { run, highlight };
  }

  return { create, highlight };
})();
