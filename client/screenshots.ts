/**
 * `npm run screenshots`: renders the pages into docs/screenshots/ for the README. Starts a real
 * Parlor on an ephemeral port with a temporary data folder, drives Debian's Chromium
 * (playwright-core, CHROMIUM_PATH to use another) and writes:
 *
 *   chat-desktop.png     1280 × 800: Ada and Bob chatting in a room, with a reply and reactions
 *   chat-phone.png       390 × 844: the same room on Bob's phone
 *   chat-dm.png          Ada's direct-message conversation with Bob
 *   chat-moderation.png  the moderation menu on a member (skipped, and said so, when the page has none)
 *   game.png             a round of Orbs played by bots (client/bots.ts), watched from the lobby's Spectate
 *
 * Ada is a browser page; Bob speaks through the protocol (socket.io-client), so the pictures depend
 * only on the selectors in CHAT below. Prints a line per step; exits non-zero on a real error.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { io } from "socket.io-client";
import { createParlor, type Parlor } from "../server/app";
import { defaultConfig } from "../server/config";
import type { Ack } from "../server/protocol";
import { runBots } from "./bots";
import type { ChatSocket } from "./sdk";
import { createSession, type ParlorSession } from "./sdk/session";

const OUT_DIR = path.join(__dirname, "..", "docs", "screenshots");
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ROOM = "design";
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
/** Larger pictures are still written, with a warning: the README should stay light. */
const MAX_BYTES = 300 * 1024;
/** Debian's colour emoji font: without it Chromium draws the reactions as empty boxes. */
const EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

/**
 * The chat page's DOM as the scenarios use it: the one place to update when views/chat.ejs or
 * static/chat*.js change.
 */
const CHAT = {
  /** The conversation view, shown once signed in. */
  ready: "#chat",
  online: "#status.online",
  input: "#text",
  message: (seq: number) => `#messages li.msg[data-seq="${seq}"]`,
  quoteIn: (seq: number) => `#messages li.msg[data-seq="${seq}"] .quote`,
  reactionsOn: (seq: number) => `#messages li.msg[data-seq="${seq}"] .reactions button`,
  roomLink: (room: string) => `#rooms li[data-room="${room}"] button.room-link`,
  dmLink: (userId: string) => `#dms li[data-user="${userId}"] button.dm-link`,
  dmMessage: "#messages li.msg[data-id]",
  member: (userId: string) => `#members li[data-user="${userId}"]`,
  /** The button that opens the moderation menu on a member (static/chat-moderation.js). */
  moderationOpener: (userId: string) => `#members li[data-user="${userId}"] .mod-open-menu`,
  moderationMenu: '[role="menu"]',
  sidebarToggle: "#sidebar-toggle",
};

const log = (line: string) => console.log(`screenshots: ${line}`);

async function shot(page: Page, file: string): Promise<void> {
  const target = path.join(OUT_DIR, file);
  await page.screenshot({ path: target });
  const bytes = fs.statSync(target).size;
  log(`wrote docs/screenshots/${file} (${Math.round(bytes / 1024)} KB)${bytes > MAX_BYTES ? " — larger than 300 KB" : ""}`);
}

/** Waits for `selector`; false (and a note) instead of an error when it is only a nice-to-have. */
async function soft(page: Page, selector: string, what: string, timeout = 3000): Promise<boolean> {
  try {
    await page.locator(selector).first().waitFor({ timeout });
    return true;
  } catch {
    log(`note: ${what} not shown (${selector}); the picture is taken without it`);
    return false;
  }
}

async function ack<T>(socket: ChatSocket, event: string, payload: unknown): Promise<T> {
  const res = (await (socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(
    event,
    payload,
  )) as Ack<T>;
  if (!res.ok) throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
  return res.data;
}

/** A browser page signed in as `session` (put in its sessionStorage before the page's scripts run). */
async function pageAs(browser: Browser, url: string, session: ParlorSession, options: Parameters<Browser["newContext"]>[0]) {
  const context: BrowserContext = await browser.newContext(options);
  await context.addInitScript({ content: `sessionStorage.setItem("parlor.session", ${JSON.stringify(JSON.stringify(session))});` });
  const page = await context.newPage();
  page.on("pageerror", (err) => log(`page error: ${err.message}`));
  await page.goto(url);
  return page;
}

/** Sends `text` from Ada's page and resolves with the message's seq, as Bob receives it. */
async function adaSays(ada: Page, bob: ChatSocket, text: string): Promise<number> {
  const seen = new Promise<number>((resolve) => {
    const on = (m: { room: string; text: string; seq: number }) => {
      if (m.room !== ROOM || m.text !== text) return;
      bob.off("message:new", on);
      resolve(m.seq);
    };
    bob.on("message:new", on);
  });
  await ada.locator(CHAT.input).fill(text);
  await ada.locator(CHAT.input).press("Enter");
  const seq = await Promise.race([seen, new Promise<never>((_, no) => setTimeout(() => no(new Error(`"${text}" never arrived`)), 5000))]);
  await ada.locator(CHAT.message(seq)).waitFor({ timeout: 5000 });
  return seq;
}

async function chatScenarios(browser: Browser, url: string): Promise<void> {
  const adaSession = await createSession(url, "Ada");
  const bobSession = await createSession(url, "Bob");
  // Ada joins first: she owns the room, so the moderation menu is hers to open.
  const ada = await pageAs(browser, `${url}/?name=Ada&room=${ROOM}`, adaSession, DESKTOP);
  await ada.locator(CHAT.ready).waitFor({ timeout: 10_000 });
  await ada.locator(CHAT.online).waitFor({ timeout: 10_000 });
  log("Ada is in #design (browser, 1280 × 800)");

  const bob = io(`${url}/chat`, { auth: { token: bobSession.token }, transports: ["websocket"] }) as ChatSocket;
  try {
    await new Promise<void>((resolve, reject) => (bob.once("connect", resolve), bob.once("connect_error", reject)));
    await ack(bob, "room:join", { room: ROOM });
    log("Bob is in #design (socket.io-client)");
    const bobSays = async (text: string, replyTo?: number) =>
      (await ack<{ message: { seq: number } }>(bob, "message:send", { room: ROOM, text, ...(replyTo ? { replyTo } : {}) })).message.seq;

    const first = await bobSays("Morning! Did the 2.4 deploy go out?");
    await ada.locator(CHAT.message(first)).waitFor({ timeout: 5000 });
    const live = await adaSays(ada, bob, "Yes, it is live on all three nodes since 09:10.");
    const reply = await bobSays("Nice. Anything odd in the logs?", live);
    await ack(bob, "message:react", { room: ROOM, seq: live, emoji: "🎉", on: true });
    const calm = await adaSays(ada, bob, "Nothing so far: ack p99 is flat and the replay tests pass.");
    await ack(bob, "message:react", { room: ROOM, seq: calm, emoji: "👍", on: true });
    const last = await bobSays("Great, I'll tell the game team they can start the spectator load test.");
    await ada.locator(CHAT.message(last)).waitFor({ timeout: 5000 });
    await soft(ada, CHAT.quoteIn(reply), "the reply's quote");
    await soft(ada, CHAT.reactionsOn(calm), "the reactions");
    // The pointer on Bob's reply: its actions show as they do on hover.
    await ada.locator(CHAT.message(reply)).hover();
    await shot(ada, "chat-desktop.png");

    const phone = await pageAs(browser, `${url}/?name=Bob&room=${ROOM}`, bobSession, PHONE);
    await phone.locator(CHAT.message(last)).waitFor({ timeout: 10_000 });
    await soft(phone, CHAT.reactionsOn(calm), "the reactions on the phone");
    await shot(phone, "chat-phone.png");
    await phone.context().close();

    await ack(bob, "dm:send", { to: adaSession.user.id, text: "Got a minute to look at the moderation menu PR?" });
    await ada.locator(CHAT.dmLink(bobSession.user.id)).click({ timeout: 5000 });
    await ada.locator(CHAT.dmMessage).first().waitFor({ timeout: 5000 });
    await ada.locator(CHAT.input).fill("Sure, after lunch. Send me the link.");
    await ada.locator(CHAT.input).press("Enter");
    await ada.locator(CHAT.dmMessage).nth(1).waitFor({ timeout: 5000 });
    await shot(ada, "chat-dm.png");

    await ada.locator(CHAT.roomLink(ROOM)).click({ timeout: 5000 });
    await ada.locator(CHAT.member(bobSession.user.id)).waitFor({ timeout: 5000 });
    const opener = ada.locator(CHAT.moderationOpener(bobSession.user.id)).first();
    if (!(await opener.count())) {
      log(
        `skipped: chat-moderation.png — the chat page has no moderation menu on members yet (nothing matches ${CHAT.moderationOpener("<id>")})`,
      );
    } else {
      await opener.click();
      await soft(ada, CHAT.moderationMenu, "the open moderation menu", 2000);
      await shot(ada, "chat-moderation.png");
    }
    await ada.context().close();
  } finally {
    bob.close();
  }
}

async function gameScenario(browser: Browser, url: string): Promise<void> {
  let ready!: () => void;
  const seated = new Promise<void>((resolve) => (ready = resolve));
  const bots = runBots({ url, games: 1, players: 6, seconds: 10, onReady: () => ready() });
  await Promise.race([seated, bots.then(() => Promise.reject(new Error("the bots stopped before they were seated")))]);
  log("6 bots are playing 'bots 0'");
  const context = await browser.newContext(DESKTOP);
  try {
    const page = await context.newPage();
    page.on("pageerror", (err) => log(`page error: ${err.message}`));
    await page.goto(`${url}/game?name=Viewer`);
    await page.locator("#games tr", { hasText: "bots 0" }).getByRole("button", { name: "Spectate" }).click({ timeout: 10_000 });
    await page.locator("#scores li").nth(5).waitFor({ timeout: 5000 });
    // A few seconds of play: scores, and the players spread over the arena.
    await page.waitForTimeout(4000);
    await shot(page, "game.png");
  } finally {
    await context.close();
    await bots;
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  if (!fs.existsSync(EMOJI_FONT)) log("note: no emoji font (apt-get install fonts-noto-color-emoji): reactions will show as boxes");
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-screenshots-"));
  let parlor: Parlor | undefined;
  let browser: Browser | undefined;
  try {
    parlor = await createParlor(
      defaultConfig({ dbPath: path.join(dataDir, "parlor.db"), secret: `screenshots-${Date.now()}-secret`, logLevel: "warn", port: 0 }),
    );
    const url = `http://127.0.0.1:${await parlor.listen(0, "127.0.0.1")}`;
    log(`server on ${url} (data in ${dataDir})`);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // As tests/browser/chromium.ts.
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"],
    });
    await chatScenarios(browser, url);
    await gameScenario(browser, url);
    log("done");
  } finally {
    await browser?.close();
    await parlor?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`screenshots: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
