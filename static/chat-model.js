// @ts-check
// Chat page, what the page holds: one RoomView per joined room and one DmView
// per direct conversation (types in chat-conversation.js), and the rules over
// them: unread counts, roles from RoomInfo, edits and tombstones (reply quotes
// follow), DMs kept once each, which DMs were seen (localStorage), and the
// sentences of notices. No DOM, no socket.
/* exported ChatModel */
/* global ChatDom */
const ChatModel = (() => {
  "use strict";

  /** @param {() => User} me */
  function create(me) {
    /** @type {Map<string, RoomView>} room name -> what the page holds of it */
    const rooms = new Map();
    /** @type {Map<string, DmView>} the other user's id -> the conversation */
    const dms = new Map();

    /** @param {string} room */
    function roomView(room) {
      let v = rooms.get(room);
      if (!v) {
        v = {
          kind: "room",
          key: `room:${room}`,
          room,
          msgs: new Map(),
          notices: [],
          hasOlder: false,
          loadingOlder: false,
          readSeq: 0,
          dividerSeq: null,
          receipts: [],
          info: null,
          pending: [],
          pickerSeq: null,
          highlightSeq: null,
          mine: null,
          members: [],
        };
        rooms.set(room, v);
      }
      return v;
    }

    /** @param {User} user */
    function dmView(user) {
      ChatDom.noteUser(user);
      let v = dms.get(user.id);
      if (!v) {
        v = {
          kind: "dm",
          key: `dm:${user.id}`,
          with: user,
          msgs: [],
          hasOlder: false,
          loadingOlder: false,
          loaded: false,
          unread: 0,
          pending: [],
        };
        dms.set(user.id, v);
      }
      return v;
    }

    /**
     * @param {string | null} key "room:<name>" or "dm:<userId>"
     * @returns {ChatView | null}
     */
    function view(key) {
      if (!key) return null;
      return key.startsWith("room:") ? (rooms.get(key.slice(5)) ?? null) : (dms.get(key.slice(3)) ?? null);
    }

    /** @param {RoomView} v */
    const minSeq = (v) => Math.min(Infinity, ...v.msgs.keys());

    /**
     * Others' live messages after the read cursor. Exact over what is held; when older unread ones are
     * not held, room:mine's count plus what arrived since.
     *
     * @param {RoomView} v
     */
    function unreadOf(v) {
      const id = me().id;
      const counts = (/** @type {Message} */ m) => m.user.id !== id && !m.deleted;
      let n = 0;
      if (v.mine && minSeq(v) > v.readSeq + 1 && v.readSeq <= v.mine.readSeq) {
        n = v.mine.unread;
        for (const m of v.msgs.values()) if (m.seq > v.mine.lastSeq && counts(m)) n++;
        return n;
      }
      for (const m of v.msgs.values()) if (m.seq > v.readSeq && counts(m)) n++;
      return n;
    }

    /**
     * The user's role in the room, from its RoomInfo (global roles are not known to the page).
     *
     * @param {string} room
     * @param {string} userId
     * @returns {"owner" | "moderator" | "member"}
     */
    function roleOf(room, userId) {
      const info = rooms.get(room)?.info;
      if (info && info.owner && info.owner.id === userId) return "owner";
      if (info && info.moderators.some((u) => u.id === userId)) return "moderator";
      return "member";
    }

    /**
     * Holds a message (new, or in its current form).
     *
     * @param {RoomView} v
     * @param {Message} m
     */
    function put(v, m) {
      ChatDom.noteUser(m.user);
      v.msgs.set(m.seq, m);
      // Sending moves the sender's own cursor (PROTOCOL "Read state").
      if (m.user.id === me().id) v.readSeq = Math.max(v.readSeq, m.seq);
    }

    /**
     * A held message changed (edit, deletion, reactions, a catch-up's update): replies quoting it follow.
     *
     * @param {RoomView} v
     * @param {Message} m
     */
    function replace(v, m) {
      if (v.msgs.has(m.seq)) put(v, m);
      for (const other of v.msgs.values()) {
        if (!other.replyTo || other.replyTo.seq !== m.seq) continue;
        const replyTo = m.deleted
          ? { seq: m.seq, user: m.user, text: "", deleted: /** @type {true} */ (true) }
          : { ...other.replyTo, text: m.text.slice(0, 140) };
        v.msgs.set(other.seq, { ...other, replyTo });
      }
    }

    /**
     * The tombstone of a held message (PROTOCOL "Message lifecycle"), or null when it is not held.
     *
     * @param {RoomView} v
     * @param {number} seq
     * @param {number | undefined} rev
     * @returns {Message | null}
     */
    function tombstoneOf(v, seq, rev) {
      const old = v.msgs.get(seq);
      return old ? { id: old.id, room: v.room, seq, user: old.user, text: "", ts: old.ts, rev: rev ?? old.rev, deleted: true } : null;
    }

    /**
     * @param {RoomView} v
     * @param {{ room: string; seq: number; rev: number; reactions?: Message["reactions"] }} r
     * @returns {Message | null}
     */
    function withReactions(v, r) {
      const old = v.msgs.get(r.seq);
      if (!old) return null;
      const next = { ...old, rev: r.rev };
      if (r.reactions && r.reactions.length) next.reactions = r.reactions;
      else delete next.reactions;
      return next;
    }

    /**
     * A line in the conversation after the newest message held now.
     *
     * @param {RoomView} v
     * @param {string} text
     */
    function notice(v, text) {
      v.notices.push({ ts: Date.now(), afterSeq: Math.max(0, ...v.msgs.keys()), text });
    }

    /**
     * @param {DmView} v
     * @param {DirectMessage[]} messages
     */
    function addDms(v, messages) {
      const ids = new Set(v.msgs.map((m) => m.id));
      for (const m of messages) {
        if (ids.has(m.id)) continue;
        ChatDom.noteUser(m.from);
        v.msgs.push(m);
      }
      v.msgs.sort((a, b) => a.ts - b.ts);
    }

    const seenKey = () => `parlor.dmSeen.${me().id}`;
    /** @returns {Record<string, number>} the other user's id -> the newest DM's ts seen (there is no DM read state on the server) */
    function dmSeen() {
      try {
        return JSON.parse(localStorage.getItem(seenKey()) || "{}");
      } catch (_) {
        return {};
      }
    }
    /** @param {DmView} v */
    function rememberDmSeen(v) {
      v.unread = 0;
      const seen = dmSeen();
      seen[v.with.id] = Math.max(seen[v.with.id] ?? 0, v.msgs[v.msgs.length - 1]?.ts ?? Date.now());
      localStorage.setItem(seenKey(), JSON.stringify(seen));
    }

    return {
      rooms,
      dms,
      roomView,
      dmView,
      view,
      minSeq,
      unreadOf,
      roleOf,
      put,
      replace,
      tombstoneOf,
      withReactions,
      notice,
      addDms,
      dmSeen,
      rememberDmSeen,
    };
  }

  /**
   * A moderation action as the room reads it.
   *
   * @param {ModAction} a
   */
  function moderationText(a) {
    const who = a.target ? a.target.name : "";
    const by = a.by.name;
    const until = a.until ? ` until ${new Date(a.until).toLocaleString()}` : "";
    const reason = a.reason ? ` (${a.reason})` : "";
    /** @type {Record<ModAction["action"], string>} */
    const texts = {
      mute: `${who} was muted by ${by}${until}`,
      unmute: `${who} was unmuted by ${by}`,
      kick: `${who} was removed by ${by}`,
      ban: `${who} was banned by ${by}${until}`,
      unban: `${who} was unbanned by ${by}`,
      promote: `${who} is now a moderator (by ${by})`,
      demote: `${who} is no longer a moderator (by ${by})`,
      delete: `${by} deleted a message`,
      update: `${by} changed the room settings`,
    };
    return texts[a.action] + reason;
  }

  /**
   * What changed in the room's settings, as notices.
   *
   * @param {RoomInfo} before
   * @param {RoomInfo} after
   */
  function settingsTexts(before, after) {
    const texts = [];
    if (before.topic !== after.topic) texts.push(after.topic ? `The topic is now “${after.topic}”` : "The topic was cleared");
    if (before.slowModeMs !== after.slowModeMs)
      texts.push(after.slowModeMs ? `Slow mode is on: one message every ${Math.round(after.slowModeMs / 1000)} s` : "Slow mode is off");
    return texts;
  }

  return { create, moderationText, settingsTexts };
})();
