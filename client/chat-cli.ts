/**
 * Terminal chat on the SDK:
 *   npm run chat -- --url http://localhost:3000 --name Ada --room lobby
 * A readline prompt; incoming messages print above it, each with its seq
 * (`[3]`), edits marked "(edited)" and deletions "[deleted]". Commands: /join,
 * /leave, /reply, /edit, /delete, /react, /dm, /search, /who, /rooms, /mute,
 * /kick, /ban, /topic, /slow, /help, /quit.
 */
import readline from "node:readline";
import { parseArgs } from "node:util";
import { describeAction, MODERATION_COMMANDS, MODERATION_HELP, runModeration } from "./chat-moderation";
import { connectParlor, ParlorError, type DirectMessage, type Message, type User } from "./sdk";

export interface ChatOptions {
  url: string;
  name: string;
  room: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const HELP = [
  "/join <room>           join a room and make it current",
  "/leave [room]          leave a room (default: the current one)",
  "/reply <seq> <text>    reply to message [seq] of the current room",
  "/edit <seq> <text>     replace the text of your message [seq]",
  "/delete <seq>          delete message [seq] (yours, or any as a moderator)",
  "/react <seq> <emoji>   react to message [seq] (/unreact <seq> <emoji> takes it back)",
  "/dm <name|id> <text>   direct message to someone in your rooms",
  "/search <words>        search the rooms you are in (prefix*: words starting with prefix)",
  "/who                   who is in the current room",
  "/rooms                 your rooms with unread counts, and rooms with members now",
  ...MODERATION_HELP,
  "/quit                  leave (Ctrl-D too)",
  "anything else          a message to the current room",
].join("\n");

/**
 * Other people's text must not drive the terminal: an escape sequence could
 * rewrite the screen, and a newline (or CR, U+2028) followed by
 * "[12:00:00] #lobby Admin: ..." would forge a line from someone else. So
 * every control character, line separator and bidi/invisible format
 * character is shown escaped, as `\n`, `\x1b`, `\u202e`: visible, on the
 * sender's own line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const escapeChar = (c: string) => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
};
/** `s` with every character that could move the cursor, start a line or reorder text escaped. */
export const safe = (s: string) => s.replace(UNSAFE, escapeChar);
const time = (ts: number) => new Date(ts).toTimeString().slice(0, 8);
const REPLY_PREVIEW = 40;
const preview = (text: string) => (text.length > REPLY_PREVIEW ? `${text.slice(0, REPLY_PREVIEW)}…` : text);
/** What a reply shows of its original: `(re [1] Ada: lunch at noon?) `. */
const formatReplyTo = (r: NonNullable<Message["replyTo"]>) =>
  `(re [${r.seq}] ${safe(r.user.name)}: ${r.deleted ? "[deleted]" : safe(preview(r.text))}) `;
const formatReactions = (reactions: Message["reactions"]) => (reactions ?? []).map((r) => `${safe(r.emoji)} ${r.count}`).join(", ");
/** `[12:00:00] #lobby Ada: (re [1] Bob: …) text (edited)  [3]`; a tombstone reads `[deleted]`. */
const formatMessage = (m: Message) => {
  const body = m.deleted ? "[deleted]" : `${m.replyTo ? formatReplyTo(m.replyTo) : ""}${safe(m.text)}${m.editedAt ? " (edited)" : ""}`;
  const reactions = m.reactions?.length ? `  {${formatReactions(m.reactions)}}` : "";
  return `[${time(m.ts)}] #${m.room} ${safe(m.user.name)}: ${body}${reactions}  [${m.seq}]`;
};
/** A seq typed by the user: a positive integer, or an error naming the command's usage. */
const parseSeq = (raw: string | undefined, usage: string) => {
  const seq = Number(raw);
  if (!raw || !Number.isSafeInteger(seq) || seq < 1) throw new Error(`usage: ${usage}`);
  return seq;
};
/** Messages kept so a deletion or a reaction can be shown with its author (the newest SEEN_MAX). */
const SEEN_MAX = 1000;

/**
 * Runs one chat session until /quit or end of input; resolves when done.
 *
 * @example
 * await runChat({ url: "http://localhost:3000", name: "Ada", room: "lobby", input: process.stdin, output: process.stdout });
 */
export async function runChat(opts: ChatOptions): Promise<void> {
  const parlor = await connectParlor({ url: opts.url, name: opts.name });
  const tty = (opts.output as { isTTY?: boolean }).isTTY === true;
  const rl = readline.createInterface({ input: opts.input, output: opts.output, terminal: tty });
  let current = opts.room;
  const known = new Map<string, User>();
  const seen = new Map<string, Message>();
  const key = (room: string, seq: number) => `${room}\u0000${seq}`;
  /** Remembers `m` (its current form) and returns it. */
  const keep = (m: Message) => {
    seen.delete(key(m.room, m.seq));
    seen.set(key(m.room, m.seq), m);
    if (seen.size > SEEN_MAX) seen.delete(seen.keys().next().value as string);
    return m;
  };
  /** Shown means read: the current room's cursor follows what was printed of it (fire and forget). */
  const markShown = (m: Message) => {
    if (m.room === current) parlor.markRead(m.room, m.seq).catch(() => undefined);
  };
  const show = (m: Message) => (print(formatMessage(keep(m))), markShown(m));

  /** Prints a line above the prompt, keeping whatever is being typed. */
  const print = (line: string) => {
    if (tty) {
      readline.clearLine(opts.output, 0);
      readline.cursorTo(opts.output, 0);
    }
    opts.output.write(`${line}\n`);
    if (tty) rl.prompt(true);
  };
  const setPrompt = () => rl.setPrompt(`[#${current}] > `);
  const fail = (err: unknown) => print(err instanceof ParlorError ? `! ${err.code}: ${err.message}` : `! ${(err as Error).message}`);
  const remember = (users: User[]) => users.forEach((u) => u.id !== parlor.user.id && known.set(u.id, u));
  const printDm = (m: DirectMessage) =>
    print(`[${time(m.ts)}] DM ${m.from.id === parlor.user.id ? `to ${safe(m.to.name)}` : `from ${safe(m.from.name)}`}: ${safe(m.text)}`);

  parlor.on("message", show);
  parlor.on("message-updated", (m) => print(formatMessage(keep(m))));
  parlor.on("message-deleted", ({ room, seq, rev, by }) => {
    const was = seen.get(key(room, seq));
    const tombstone: Message | undefined = was && { ...was, text: "", deleted: true, rev, reactions: undefined, editedAt: undefined };
    print(tombstone ? `${formatMessage(keep(tombstone))} (by ${safe(by.name)})` : `* #${room} [${seq}] [deleted] by ${safe(by.name)}`);
  });
  parlor.on("reactions", ({ room, seq, rev, reactions }) => {
    const was = seen.get(key(room, seq));
    if (was) keep({ ...was, rev, reactions: reactions.length ? reactions : undefined });
    print(`* #${room} [${seq}] reactions: ${formatReactions(reactions) || "none"}`);
  });
  parlor.on("dm", (m) => (remember([m.from, m.to]), printDm(m)));
  parlor.on("member-joined", ({ room, user }) => (remember([user]), print(`* ${safe(user.name)} joined #${room}`)));
  parlor.on("member-left", ({ room, user }) => print(`* ${safe(user.name)} left #${room}`));
  parlor.on("disconnect", ({ reason }) => print(`* disconnected (${reason}), reconnecting…`));
  parlor.on("reconnect", () => print("* reconnected"));
  parlor.on("shutdown", ({ reconnectAfterMs }) => print(`* server restarting; back in about ${Math.round(reconnectAfterMs / 1000)} s`));
  parlor.on("error", fail);
  parlor.on("moderation", (a) => print(safe(describeAction(a))));
  parlor.on("removed", ({ room, action }) =>
    print(safe(`* you were ${action.action === "ban" ? "banned from" : "removed from"} #${room} by ${action.by.name}`)),
  );
  parlor.on("room-updated", (info) => print(safe(`* #${info.room}: topic "${info.topic}", slow mode ${info.slowModeMs / 1000} s`)));

  async function join(room: string) {
    const data = await parlor.join(room);
    remember(data.members);
    current = room;
    setPrompt();
    for (const m of data.messages.slice(-20)) print(formatMessage(keep(m)));
    const last = data.messages[data.messages.length - 1];
    if (last) markShown(last);
    print(`* joined #${room} as ${safe(parlor.user.name)}; here: ${data.members.map((u) => safe(u.name)).join(", ")}`);
  }

  /** A user by id, or by name among people seen in joined rooms and DMs. */
  async function findUser(who: string): Promise<User> {
    for (const room of parlor.joinedRooms) remember(await parlor.members(room));
    const byId = known.get(who);
    if (byId) return byId;
    const named = [...known.values()].filter((u) => u.name.toLowerCase() === who.toLowerCase());
    if (named.length === 1) return named[0];
    if (named.length > 1) throw new Error(`${named.length} people are called ${who}: use an id (${named.map((u) => u.id).join(", ")})`);
    throw new Error(`nobody called ${who} in your rooms; /dm also takes a user id`);
  }

  async function handle(line: string): Promise<boolean> {
    const [command, ...rest] = line.split(/\s+/);
    const arg = line.slice(command.length).trim();
    switch (command) {
      case "/quit":
      case "/exit":
        return false;
      case "/help":
        print(HELP);
        break;
      case "/join":
        if (!arg) print("usage: /join <room>");
        else await join(arg);
        break;
      case "/leave": {
        const room = arg || current;
        await parlor.leave(room);
        print(`* left #${room}`);
        if (room === current) {
          current = parlor.joinedRooms[0] ?? current;
          setPrompt();
        }
        break;
      }
      case "/reply": {
        const seq = parseSeq(rest[0], "/reply <seq> <text>");
        const text = rest.slice(1).join(" ");
        if (!text) print("usage: /reply <seq> <text>");
        else print(formatMessage(keep(await parlor.reply(current, seq, text))));
        break;
      }
      case "/edit": {
        const seq = parseSeq(rest[0], "/edit <seq> <text>");
        const text = rest.slice(1).join(" ");
        if (!text) print("usage: /edit <seq> <text>");
        else print(formatMessage(keep(await parlor.edit(current, seq, text))));
        break;
      }
      case "/delete": {
        const seq = parseSeq(rest[0], "/delete <seq>");
        await parlor.delete(current, seq);
        const was = seen.get(key(current, seq));
        print(
          was
            ? formatMessage(keep({ ...was, text: "", deleted: true, reactions: undefined, editedAt: undefined }))
            : `* #${current} [${seq}] [deleted]`,
        );
        break;
      }
      case "/react":
      case "/unreact": {
        const usage = `${command} <seq> <emoji>`;
        const seq = parseSeq(rest[0], usage);
        if (!rest[1]) return (print(`usage: ${usage}`), true);
        const { reactions, rev } = await parlor.react(current, seq, rest[1], command === "/react");
        const was = seen.get(key(current, seq));
        if (was) keep({ ...was, rev, reactions: reactions.length ? reactions : undefined });
        print(`* #${current} [${seq}] reactions: ${formatReactions(reactions) || "none"}`);
        break;
      }
      case "/dm": {
        const text = rest.slice(1).join(" ");
        if (!rest[0] || !text) print("usage: /dm <name|id> <text>");
        else printDm(await parlor.dm((await findUser(rest[0])).id, text));
        break;
      }
      case "/search": {
        if (!arg) return (print("usage: /search <words>"), true);
        const results = await parlor.search(arg);
        if (results.length === 0) print("* no matches");
        for (const r of results) print(`  ${formatMessage(r.message)}`);
        break;
      }
      case "/who":
        print(`* in #${current}: ${(await parlor.members(current)).map((u) => safe(u.name)).join(", ")}`);
        break;
      case "/rooms": {
        const [mine, live] = await Promise.all([parlor.myRooms(), parlor.listRooms()]);
        const here = new Map(live.map((r) => [r.room, r.members]));
        const lines = mine.map((r) => `  #${r.room} (${here.get(r.room) ?? 0} here, ${r.unread} unread)`);
        for (const r of live) if (!mine.some((m) => m.room === r.room)) lines.push(`  #${r.room} (${r.members} here)`);
        print(lines.join("\n") || "* no rooms");
        break;
      }
      default:
        if (MODERATION_COMMANDS.has(command)) print(safe(await runModeration(parlor, command, rest, current, findUser)));
        else if (command.startsWith("/")) print(`! unknown command ${safe(command)}; /help lists them`);
        else print(formatMessage(keep(await parlor.send(current, line))));
    }
    return true;
  }

  // Lines are read from the start: one typed while the first join is in flight waits for it, not lost.
  const started = join(current);
  // One line at a time, in order: a message typed while the previous one is in flight waits its turn.
  const done = new Promise<void>((resolve) => {
    let queue = started.then(
      () => true,
      () => false,
    );
    const finish = () => {
      parlor.close();
      resolve();
    };
    rl.on("line", (raw) => {
      const line = raw.trim();
      queue = queue.then(async (alive) => {
        if (!alive || !line) return alive;
        const keepGoing = await handle(line).catch((err) => (fail(err), true));
        if (!keepGoing) rl.close();
        else rl.prompt();
        return keepGoing;
      });
    });
    rl.on("close", () => void queue.then(finish));
  });
  try {
    await started;
  } catch (err) {
    rl.close();
    parlor.close();
    throw err;
  }
  rl.prompt();
  return done;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env.PARLOR_URL ?? "http://localhost:3000" },
      name: { type: "string" },
      room: { type: "string", default: "lobby" },
      help: { type: "boolean", short: "h" },
    },
  });
  const name = values.name ?? process.env.PARLOR_NAME;
  if (values.help || !name) {
    console.log("usage: npm run chat -- --name <name> [--url http://localhost:3000] [--room lobby]\n\nIn the chat:\n" + HELP);
    process.exit(values.help ? 0 : 2);
  }
  await runChat({ url: values.url, name, room: values.room, input: process.stdin, output: process.stdout });
  process.exit(0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof ParlorError ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  });
}
