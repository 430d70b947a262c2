/**
 * The chat page end to end in Debian's Chromium: two people in two browser
 * contexts chat with each other, the second sees the first typing and then
 * the message, and a reload keeps the history. Also: the /docs page under the CSP.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { setup, type TestServer } from "../helpers";
import { launchChromium } from "./chromium";

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Uncaught errors in any page: a test fails if its pages threw. */
let pageErrors: string[] = [];

beforeAll(async () => {
  t = await setup();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});
beforeEach(() => (pageErrors = []));
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  expect(pageErrors).toEqual([]);
});

/** A person on their own browser profile (own sessionStorage), signed in via `?name=&room=`. */
async function person(name: string, room = "lobby"): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${name}: ${err.message}`));
  await page.goto(`${t.url}/?name=${encodeURIComponent(name)}&room=${room}`);
  await page.locator("#status.online").waitFor();
  return page;
}

const messages = (page: Page) => page.locator("#messages li .text");

test("two pages chat: typing indicator, message, and history after a reload", async () => {
  const ada = await person("Ada");
  const bob = await person("Bob");

  await ada.locator("#text").pressSequentially("hello Bob", { delay: 5 });
  await bob.locator("#typing", { hasText: "Ada is typing" }).waitFor();

  await ada.locator("#text").press("Enter");
  await bob.locator("#messages li", { hasText: "hello Bob" }).waitFor();
  await expect(bob.locator("#messages li .author").last().textContent()).resolves.toBe("Ada");
  // Sending stops the typing indicator.
  await bob.locator("#typing", { hasText: /^$/ }).waitFor();

  await bob.locator("#text").fill("hi Ada");
  await bob.locator("#send-form button[type=submit]").click();
  await ada.locator("#messages li", { hasText: "hi Ada" }).waitFor();
  expect(await messages(ada).allTextContents()).toEqual(["hello Bob", "hi Ada"]);

  await bob.reload();
  await bob.locator("#status.online").waitFor();
  await bob.locator("#messages li", { hasText: "hi Ada" }).waitFor();
  expect(await messages(bob).allTextContents()).toEqual(["hello Bob", "hi Ada"]);
  // Same session after the reload: still Bob, not a new user.
  await expect(bob.locator("#me").textContent()).resolves.toBe("signed in as Bob");
});

test("text from others is shown as text, never as markup", async () => {
  const ada = await person("Ada", "markup");
  const bob = await person("Bob", "markup");
  await ada.locator("#text").fill(`<img src=x onerror="document.title='pwned'">`);
  await ada.locator("#text").press("Enter");
  await bob.locator("#messages li", { hasText: "<img src=x" }).waitFor();
  expect(await bob.locator("#messages img").count()).toBe(0);
  expect(await bob.title()).not.toBe("pwned");
});

test("the /docs protocol page renders under the Content-Security-Policy without violations", async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (m) => m.text().includes("Content Security Policy") && violations.push(m.text()));
  page.on("pageerror", (err) => pageErrors.push(`docs: ${err.message}`));
  await page.goto(`${t.url}/docs`);
  await page.locator("h4 code", { hasText: "message:send" }).first().waitFor();
  // The stylesheet applied: the event cards have their border (docs.css), so the page is not unstyled.
  // Through the element's own window: tests are type-checked without the DOM's globals.
  const border = await page
    .locator("article.event")
    .first()
    .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).borderTopStyle);
  expect(border).toBe("solid");
  expect(violations).toEqual([]);
});
