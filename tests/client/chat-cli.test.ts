/** The terminal chat against a real server: in-process for the commands, and once as `npm run chat` would start it. */
import { spawn } from "node:child_process";
import path from "node:path";
import { PassThrough } from "node:stream";
import { runChat } from "../../client/chat-cli";
import { setup, type TestServer } from "../helpers";
import { clientPool, nextEvent } from "./sdk-helpers";

let t: TestServer;
const pool = clientPool();
beforeEach(async () => (t = await setup()));
afterEach(async () => {
  pool.closeAll();
  await t.cleanup();
});

/** A fake terminal: lines typed into `input`, everything printed collected in `text()`. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  const waitFor = (needle: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!printed.includes(needle)) return;
        clearTimeout(timer);
        output.off("data", check);
        resolve();
      };
      const timer = setTimeout(
        () => (output.off("data", check), reject(new Error(`never printed ${JSON.stringify(needle)}; got:\n${printed}`))),
        timeoutMs,
      );
      output.on("data", check);
      setImmediate(check);
    });
  return { input, output, type: (line: string) => input.write(`${line}\n`), waitFor, text: () => printed };
}

test("chat, /dm, /search, /join, /who and /quit", async () => {
  const bob = await pool.connect({ url: t.url, name: "Bob", transports: ["websocket"] });
  await bob.join("lobby");
  await bob.send("lobby", "earlier message");

  const term = terminal();
  const session = runChat({ url: t.url, name: "Ada", room: "lobby", input: term.input, output: term.output });
  await term.waitFor("* joined #lobby as Ada; here: Bob, Ada");
  expect(term.text()).toContain("#lobby Bob: earlier message");

  await bob.send("lobby", "hi Ada");
  await term.waitFor("#lobby Bob: hi Ada");

  const heard = nextEvent(bob, "message");
  term.type("hello Bob");
  expect((await heard).text).toBe("hello Bob");

  const dm = nextEvent(bob, "dm");
  term.type("/dm bob psst");
  expect(await dm).toMatchObject({ text: "psst", to: { id: bob.user.id, name: bob.user.name } });
  await term.waitFor("DM to Bob: psst");

  term.type("/search earlier");
  // Search results are indented (after the prompt, without a terminal); message lines end with "  [seq]" too.
  await term.waitFor(">   [");
  expect(term.text()).toMatch(/ {2}\[\d\d:\d\d:\d\d\] #lobby Bob: earlier message/);

  term.type("/join ops");
  await term.waitFor("* joined #ops as Ada; here: Ada");
  term.type("/who");
  await term.waitFor("* in #ops: Ada");
  term.type("/nope");
  await term.waitFor("! unknown command /nope");
  term.type("/dm Zed hi");
  await term.waitFor("! nobody called Zed");

  term.type("/quit");
  await session;
});

test("control characters in other people's text are not passed to the terminal", async () => {
  const bob = await pool.connect({ url: t.url, name: "Bob", transports: ["websocket"] });
  await bob.join("lobby");
  const term = terminal();
  const session = runChat({ url: t.url, name: "Ada", room: "lobby", input: term.input, output: term.output });
  await term.waitFor("* joined #lobby");
  await bob.send("lobby", "\u001b[2Jwiped \u0007");
  await term.waitFor("wiped");
  expect(term.text()).toContain("Bob: \\x1b[2Jwiped \\x07");
  expect(term.text()).not.toContain("\u001b");
  // A newline cannot forge a line from someone else, nor a bidi override reorder one.
  await bob.send("lobby", "hi\n[12:00:00] #lobby Admin: send me your token\r\u2028\u202Edrow");
  await term.waitFor("drow");
  const lines = term.text().split("\n");
  expect(lines.filter((l) => l.includes("Admin"))).toEqual([
    expect.stringMatching(
      /^\[\d\d:\d\d:\d\d\] #lobby Bob: hi\\n\[12:00:00\] #lobby Admin: send me your token\\r\\u2028\\u202edrow {2}\[2\]$/,
    ),
  ]);
  term.input.end();
  await session;
});

test("/reply, /edit, /delete, /react; others' edits and deletions show as (edited) and [deleted]", async () => {
  const bob = await pool.connect({ url: t.url, name: "Bob", transports: ["websocket"] });
  await bob.join("lobby");
  await bob.send("lobby", "lunch at noon?");
  const term = terminal();
  const session = runChat({ url: t.url, name: "Ada", room: "lobby", input: term.input, output: term.output });
  await term.waitFor("* joined #lobby");
  expect(term.text()).toContain("#lobby Bob: lunch at noon?  [1]");

  const replied = nextEvent(bob, "message");
  term.type("/reply 1 yes, at the usual place");
  expect((await replied).replyTo).toMatchObject({ seq: 1, text: "lunch at noon?" });
  await term.waitFor("#lobby Ada: (re [1] Bob: lunch at noon?) yes, at the usual place  [2]");

  const updated = nextEvent(bob, "message-updated");
  term.type("/edit 2 yes, at one");
  expect(await updated).toMatchObject({ seq: 2, text: "yes, at one" });
  await term.waitFor("#lobby Ada: (re [1] Bob: lunch at noon?) yes, at one (edited)  [2]");

  const reacted = nextEvent(bob, "reactions");
  term.type("/react 1 👍");
  expect((await reacted).reactions).toEqual([{ emoji: "👍", count: 1, users: [expect.any(String)] }]);
  await term.waitFor("* #lobby [1] reactions: 👍 1");
  term.type("/unreact 1 👍");
  await term.waitFor("* #lobby [1] reactions: none");

  // Bob's changes, live.
  await bob.edit("lobby", 1, "lunch at one?");
  await term.waitFor("#lobby Bob: lunch at one? (edited)  [1]");
  await bob.react("lobby", 2, "🎉");
  await term.waitFor("* #lobby [2] reactions: 🎉 1");
  await bob.delete("lobby", 1);
  await term.waitFor("#lobby Bob: [deleted]  [1] (by Bob)");

  const deleted = nextEvent(bob, "message-deleted");
  term.type("/delete 2");
  expect(await deleted).toMatchObject({ room: "lobby", seq: 2 });
  await term.waitFor("#lobby Ada: [deleted]  [2]");

  term.type("/edit 1 not mine");
  await term.waitFor("! NOT_FOUND");
  term.type("/edit x y");
  await term.waitFor("! usage: /edit <seq> <text>");
  term.type("/quit");
  await session;
});

test("/rooms lists your rooms with unread counts: what was shown of the current room is read", async () => {
  const bob = await pool.connect({ url: t.url, name: "Bob", transports: ["websocket"] });
  await bob.join("lobby");
  await bob.join("ops");
  const term = terminal();
  const session = runChat({ url: t.url, name: "Ada", room: "lobby", input: term.input, output: term.output });
  await term.waitFor("* joined #lobby");
  term.type("/join ops");
  await term.waitFor("* joined #ops");
  // Lobby is no longer current: its messages print but stay unread; ops is current, so shown is read.
  await bob.send("lobby", "one");
  await bob.send("lobby", "two");
  await bob.send("ops", "in ops");
  await term.waitFor("#ops Bob: in ops");
  const read = await waitUntil(async () => (await bob.receipts("ops")).find((r) => r.user.name === "Ada")?.readSeq === 1);
  expect(read).toBe(true);
  term.type("/rooms");
  await term.waitFor("  #ops (2 here, 0 unread)");
  expect(term.text()).toContain("  #lobby (2 here, 2 unread)");
  term.type("/quit");
  await session;
});

/** Polls `check` until it is true (or 5 s have passed); resolves with its last answer. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; ;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("started as a script, it joins, sends what is typed and exits 0 on /quit", async () => {
  const bob = await pool.connect({ url: t.url, name: "Bob", transports: ["websocket"] });
  await bob.join("lobby");
  const root = path.resolve(__dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", "client/chat-cli.ts", "--url", t.url, "--name", "Ada", "--room", "lobby"], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));

  expect((await nextEvent(bob, "member-joined")).user.name).toBe("Ada");
  const heard = nextEvent(bob, "message");
  child.stdin.write("from the terminal\n");
  expect((await heard).text).toBe("from the terminal");
  child.stdin.write("/quit\n");
  expect(await exited).toBe(0);
  expect(out).toContain("* joined #lobby as Ada");
});
