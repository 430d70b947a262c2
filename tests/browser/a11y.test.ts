/**
 * axe-core (the npm package, run inside Debian's Chromium) over every page in the state a person
 * sees it: the chat signed in, and with a conversation and the moderation menu open, the game's sign-in form, its lobby with a game listed (desktop and
 * phone) and its play view (on a phone, with the touch pad shown), and /docs. No violation of impact serious or critical is allowed; a failure
 * lists each one with its rule, help text and the elements at fault.
 */
import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Message } from "../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../helpers";
import { launchChromium } from "./chromium";

/** axe's source, evaluated in the page: helmet's CSP refuses an inline <script>, not a DevTools evaluation. */
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  t = await setup();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function open(path: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${t.url}${path}`);
  return page;
}

/** The serious and critical violations axe finds on the page as it is now. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) })))`);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A game in the lobby's list, created once by a protocol client. */
let arena: Promise<unknown> | undefined;
const lobbyGame = () =>
  (arena ??= t.connectPlayer("Host").then(async (host) => okData(await emitAck(host.socket, "game:create", { name: "Arena" }))));

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** Each page, brought to the state that is scanned. */
const pages: [string, () => Promise<Page>][] = [
  [
    "/ (the chat, signed in)",
    async () => {
      const page = await open("/?name=Ada");
      await page.locator("#chat").waitFor({ timeout: 15_000 });
      await page.locator("#status", { hasText: /online/i }).waitFor({ timeout: 15_000 });
      return page;
    },
  ],
  [
    "/ (a conversation with a reply and a reaction, the moderation menu open)",
    async () => {
      // Ada joins first, so she owns the room and may moderate Bob.
      const page = await open("/?name=Ada&room=talk");
      await page.locator("#status", { hasText: /online/i }).waitFor({ timeout: 15_000 });
      const bob = await t.connectUser("Bob");
      okData(await emitAck(bob.socket, "room:join", { room: "talk" }));
      const first = okData(await emitAck<{ message: Message }>(bob.socket, "message:send", { room: "talk", text: "hello" })).message;
      okData(await emitAck(bob.socket, "message:send", { room: "talk", text: "a reply", replyTo: first.seq }));
      okData(await emitAck(bob.socket, "message:react", { room: "talk", seq: first.seq, emoji: "👍", on: true }));
      await page.locator("#messages li", { hasText: "a reply" }).first().waitFor();
      await page.locator(`#members li[data-user="${bob.session.user.id}"] .mod-open-menu`).click();
      await page.getByRole("menu").waitFor();
      return page;
    },
  ],
  [
    "/game (the sign-in form)",
    async () => {
      const page = await open("/game");
      await page.locator("#login").waitFor();
      return page;
    },
  ],
  [
    "/game (signed in, the lobby with a game)",
    async () => {
      await lobbyGame();
      const page = await open("/game?name=Ada");
      await page.locator("#games tr").first().waitFor();
      return page;
    },
  ],
  [
    "/game (the lobby on a phone, rows as cards)",
    async () => {
      await lobbyGame();
      const page = await open("/game?name=Cy", PHONE);
      await page.locator("#games tr").first().waitFor();
      return page;
    },
  ],
  [
    "/game (playing on a phone, the touch pad shown)",
    async () => {
      const page = await open("/game?name=Bo", PHONE);
      await page.locator("#status.online").waitFor();
      await page.locator("#quickplay").click();
      await page.locator("#dpad").waitFor();
      await page.locator("#scores li").first().waitFor();
      return page;
    },
  ],
  [
    "/docs",
    async () => {
      const page = await open("/docs");
      await page.locator("#models").waitFor();
      return page;
    },
  ],
];

test.each(pages)(
  "%s has no serious or critical axe violation",
  async (_name, load) => {
    const page = await load();
    expect(await seriousViolations(page)).toEqual([]);
  },
  45_000,
);
