// @ts-check
// Chat page, the sidebar (#sidebar): the user's rooms with unread badges and a
// Leave button each, direct-message conversations with unread marks, and the
// current room's members (a member opens a DM). On a phone it slides in from
// behind #sidebar-toggle.
//
// DOM: #rooms > li[data-room] (button.room-link[aria-current] with .badge, button.leave)
//      #dms > li[data-user] (button.dm-link with .badge)
//      #members > li.member[data-user][data-role=owner|moderator|member][data-self?]
//        (button.member-link or span.member-name, then span.member-tools: empty, for static/chat-mod-menu.js)
/* exported ChatSidebar */
/* global ChatDom */
const ChatSidebar = (() => {
  "use strict";
  /** @typedef {"owner" | "moderator" | "member"} Role */

  const { $, el, button, nameNodes, label } = ChatDom;

  /**
   * The unread count: a badge for the eye, words for a screen reader (the button's name is its content).
   * @param {number} n
   */
  function unreadNodes(n) {
    const words = el("span", "visually-hidden", n ? `, ${n} unread` : "");
    return [words, badge(n)];
  }

  /** @param {number} n */
  function badge(n) {
    const b = el("span", "badge", n > 99 ? "99+" : String(n));
    b.setAttribute("aria-hidden", "true");
    b.hidden = n === 0;
    return b;
  }

  /**
   * @param {{
   *   me: () => User;
   *   onOpenRoom: (room: string) => void;
   *   onLeave: (room: string) => void;
   *   onOpenDm: (user: User) => void;
   * }} deps
   */
  function create(deps) {
    const sidebar = $("sidebar");
    const toggle = /** @type {HTMLButtonElement} */ ($("sidebar-toggle"));
    const narrow = window.matchMedia("(max-width: 760px)");

    /** @param {boolean} open */
    function setOpen(open) {
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    }
    toggle.addEventListener("click", () => {
      const open = !sidebar.classList.contains("open");
      setOpen(open);
      if (open) /** @type {HTMLElement | null} */ (sidebar.querySelector("#sidebar-close"))?.focus();
    });
    $("sidebar-close").addEventListener("click", () => {
      setOpen(false);
      toggle.focus();
    });
    // A tap on the conversation beside the open sidebar closes it.
    $("chat").addEventListener("click", (e) => {
      if (narrow.matches && sidebar.classList.contains("open") && !sidebar.contains(/** @type {Node} */ (e.target)) && e.target !== toggle)
        setOpen(false);
    });
    sidebar.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && narrow.matches && sidebar.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    /** On a phone, picking something in the sidebar shows it: the sidebar closes. */
    const picked = () => narrow.matches && setOpen(false);
    setOpen(false);

    /** @param {{ room: string; unread: number; active: boolean }[]} rooms */
    function renderRooms(rooms) {
      $("rooms").replaceChildren(
        ...rooms.map((r) => {
          const li = el("li", r.active ? "active" : "");
          li.dataset.room = r.room;
          const open = button("", undefined, "room-link");
          open.append(el("span", "room-name", `#${r.room}`), ...unreadNodes(r.unread));
          if (r.active) open.setAttribute("aria-current", "page");
          open.addEventListener("click", () => (deps.onOpenRoom(r.room), picked()));
          const leave = button("Leave", `Leave #${r.room}`, "leave");
          leave.addEventListener("click", () => deps.onLeave(r.room));
          li.append(open, leave);
          return li;
        }),
      );
    }

    /** @param {{ user: User; unread: number; active: boolean }[]} dms */
    function renderDms(dms) {
      $("dms").replaceChildren(
        ...dms.map((d) => {
          const li = el("li", d.active ? "active" : "");
          li.dataset.user = d.user.id;
          const open = button("", undefined, "dm-link");
          open.title = `Direct messages with ${label(d.user)}`;
          open.append(...nameNodes(d.user, "dm-name"), ...unreadNodes(d.unread));
          if (d.active) open.setAttribute("aria-current", "page");
          open.addEventListener("click", () => (deps.onOpenDm(d.user), picked()));
          li.appendChild(open);
          return li;
        }),
      );
      $("dms-empty").hidden = dms.length > 0;
    }

    /**
     * @param {User[]} members
     * @param {(user: User) => Role} roleOf
     * @returns {HTMLElement[]} the list items, in order (for the moderation hook)
     */
    function renderMembers(members, roleOf) {
      const me = deps.me().id;
      const items = members.map((u) => {
        const li = el("li", "member");
        li.dataset.user = u.id;
        li.dataset.role = roleOf(u);
        if (u.id === me) {
          li.dataset.self = "";
          const name = el("span", "member-name");
          name.append(...nameNodes(u, "member-label"), el("span", "you", " (you)"));
          li.appendChild(name);
        } else {
          const open = button("", undefined, "member-link");
          open.title = `Send a direct message to ${label(u)}`;
          open.append(...nameNodes(u, "member-label"), el("span", "visually-hidden", ": direct message"));
          open.addEventListener("click", () => (deps.onOpenDm(u), picked()));
          li.appendChild(open);
        }
        if (li.dataset.role !== "member") li.appendChild(el("span", "role", li.dataset.role));
        li.appendChild(el("span", "member-tools"));
        return li;
      });
      $("members").replaceChildren(...items);
      return items;
    }

    return { renderRooms, renderDms, renderMembers, setOpen };
  }

  return { create };
})();
