/**
 * The chat page (static/chat.js) in Chromium fills the gaps of a broken
 * connection: after a server restart (only `sinceSeq` can help) and after a
 * short drop (Socket.IO recovery or `sinceSeq`, whichever wins), it shows
 * every message once, in seq order. And its search box works.
 */
import type { Browser, Page } from "playwright-core";
import { createParlor, type Parlor } from "../../server/app";
import type { User } from "../../server/protocol";
import { emitAck, okData, type ChatSocket, type TestServer } from "../helpers";
import { launchChromium } from "../browser/chromium";
import { range, setupUnlimited } from "./support";

let t: TestServer;
let browser: Browser;
let restarted: Parlor | undefined;
let pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  t = await setupUnlimited();
  pageErrors = [];
});
afterEach(async () => {
  for (const context of browser.contexts()) await context.close();
  await t.cleanup();
  await restarted?.close();
  restarted = undefined;
  expect(pageErrors).toEqual([]);
});

async function openChat(name: string, room: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${t.url}/?name=${name}&room=${room}`);
  await page.locator("#status.online").waitFor();
  return page;
}

/** The seqs of the messages the page shows, top to bottom (day separators and notices are not messages). */
const shownSeqs = (page: Page) =>
  page.locator("#messages li.msg[data-seq]").evaluateAll((lis) => lis.map((li) => Number(li.getAttribute("data-seq"))));

async function sender(room: string): Promise<{ bob: ChatSocket; user: User }> {
  const { socket, session } = await t.connectUser("Bob");
  okData(await emitAck(socket, "room:join", { room }));
  return { bob: socket, user: session.user };
}

test("after a server restart the page rejoins with sinceSeq and shows the missed messages once, in order", async () => {
  const page = await openChat("Ada", "gaps");
  const { bob, user } = await sender("gaps");
  for (const i of range(1, 3)) okData(await emitAck(bob, "message:send", { room: "gaps", text: `before ${i}` }));
  await page.locator("#messages li", { hasText: "before 3" }).waitFor();

  // Restart on the same port and file; 30 messages are stored before anyone can reconnect.
  const port = Number(new URL(t.url).port);
  await t.parlor.close();
  await page.locator("#status", { hasText: /reconnecting|offline/ }).waitFor();
  // Sent while offline: it must wait for the rejoin, then land after the gap.
  await page.locator("#text").fill("sent while offline");
  await page.locator("#text").press("Enter");
  restarted = await createParlor(t.config);
  const stored = await Promise.all(range(1, 30).map((i) => restarted!.store.appendMessage({ room: "gaps", user, text: `missed ${i}` })));
  expect(stored.map((s) => s.message.seq)).toEqual(range(4, 33));
  await restarted.listen(port, "127.0.0.1");

  await page.locator("#messages li", { hasText: "sent while offline" }).waitFor({ timeout: 15_000 });
  await page.locator("#messages li", { hasText: "missed 30" }).waitFor();
  expect(await shownSeqs(page)).toEqual(range(1, 34));
  expect(await page.locator("#messages li", { hasText: "sent while offline" }).getAttribute("data-seq")).toBe("34");
  await expect(page.locator("#error").textContent()).resolves.toBe("");
  expect(await page.locator("#messages li.msg.pending").count()).toBe(0);

  // A reload (fresh page state) shows the same history.
  await page.reload();
  await page.locator("#status.online").waitFor();
  expect(await shownSeqs(page)).toEqual(range(1, 34).slice(-50));
});

test("after a short drop while others keep sending, the page ends with every message once, in order", async () => {
  const page = await openChat("Ada", "drops");
  const { bob } = await sender("drops");
  okData(await emitAck(bob, "message:send", { room: "drops", text: "first" }));
  await page.locator("#messages li", { hasText: "first" }).waitFor();

  // Cut Ada's transport from the server side, as a network drop would.
  for (const socket of await t.parlor.io.of("/chat").fetchSockets()) {
    if (socket.data.user.name === "Ada") t.parlor.io.of("/chat").sockets.get(socket.id)?.conn.close();
  }
  for (const i of range(2, 40)) okData(await emitAck(bob, "message:send", { room: "drops", text: `m${i}` }));

  await page.locator("#messages li", { hasText: "m40" }).waitFor({ timeout: 15_000 });
  expect(await shownSeqs(page)).toEqual(range(1, 40));
});

test("the search box shows ranked matches with their snippet marked, and a sentence for a query with no words", async () => {
  const page = await openChat("Ada", "finds");
  const { bob } = await sender("finds");
  for (const text of ["apple pie recipe", "nothing to see", "apple banana cherry"])
    okData(await emitAck(bob, "message:send", { room: "finds", text }));
  await page.locator("#messages li", { hasText: "apple banana cherry" }).waitFor();

  await page.locator("#search-q").fill("apple OR cherry");
  await page.locator("#search-q").press("Enter");
  const results = page.locator("#search-results button.result");
  await results.first().waitFor();
  // Ranked, each naming its room and author, the matches as <mark> and no raw [ ] markers.
  expect(await results.evaluateAll((bs) => bs.map((b) => [b.getAttribute("data-room"), b.querySelectorAll("mark").length]))).toEqual([
    ["finds", 2],
    ["finds", 1],
  ]);
  expect(await page.locator("#search-results mark").allTextContents()).toEqual(["apple", "cherry", "apple"]);
  const shown = (await page.locator("#search-results").textContent()) ?? "";
  expect(shown).toContain("Bob");
  expect(shown).toContain("apple banana cherry");
  expect(shown).not.toMatch(/[[\]]/);

  await page.locator("#search-q").fill("AND");
  await page.locator("#search-q").press("Enter");
  const error = page.locator("#search-results li.error");
  await error.waitFor();
  expect(await error.textContent()).not.toMatch(/BAD_REQUEST/);
});
