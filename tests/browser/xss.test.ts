/**
 * Script injection in real Chromium: a user named `<img src=x onerror=alert(1)>`
 * sends script-looking messages; the other user's page shows every one of
 * them as literal text, no dialog opens and nothing runs. The CSP is there
 * on the pages, blocks inline script even if markup got into the DOM, and
 * does not break the chat or game page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { setup, type TestServer } from "../helpers";
import { launchChromium } from "./chromium";

const EVIL_NAME = "<img src=x onerror=alert(1)>";
const PAYLOADS = ["<script>window.pwned=1</script>", `"><svg onload=alert(1)>`, `<img src=x onerror="window.pwned=1">`];

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Per page: dialogs opened, uncaught errors, CSP violations reported in the console. */
const seen = { dialogs: [] as string[], errors: [] as string[], csp: [] as string[] };

beforeAll(async () => {
  t = await setup();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});
beforeEach(() => Object.values(seen).forEach((list) => list.splice(0)));
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function open(path: string, who: string): Promise<{ page: Page; csp: string | undefined }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${who}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => seen.errors.push(`${who}: ${err.message}`));
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) seen.csp.push(`${who}: ${msg.text()}`);
  });
  const response = await page.goto(`${t.url}${path}`);
  return { page, csp: response?.headers()["content-security-policy"] };
}

async function chatter(name: string, room: string) {
  const opened = await open(`/?name=${encodeURIComponent(name)}&room=${room}`, name);
  await opened.page.locator("#status.online").waitFor();
  return opened;
}

// Strings, not functions: page code runs in the browser, and this project's TypeScript has no DOM types.
const pwned = (page: Page) => page.evaluate("window.pwned");

test("a hostile name and hostile messages show as literal text on the other page; nothing runs", async () => {
  const { page: bob, csp } = await chatter("Bob", "xss");
  expect(csp).toContain("script-src 'self'");
  const { page: mallory } = await chatter(EVIL_NAME, "xss");

  await bob.locator("#members li", { hasText: EVIL_NAME }).waitFor();
  await mallory.locator("#text").pressSequentially("typing…", { delay: 5 });
  await bob.locator("#typing", { hasText: `${EVIL_NAME} is typing` }).waitFor();
  await mallory.locator("#text").fill("");
  for (const text of PAYLOADS) {
    await mallory.locator("#text").fill(text);
    await mallory.locator("#text").press("Enter");
    await bob.locator("#messages li .text", { hasText: text }).waitFor();
  }
  // Give any onerror/onload that slipped through time to fire.
  await bob.waitForTimeout(300);

  expect(await bob.locator("#messages li .text").allTextContents()).toEqual(PAYLOADS);
  expect(await bob.locator("#messages li .author").allTextContents()).toEqual(PAYLOADS.map(() => EVIL_NAME));
  for (const page of [bob, mallory]) {
    expect(await page.locator("#messages img, #messages svg, #messages script, #members img, #typing img").count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
  }
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
  expect(seen.csp).toEqual([]);
});

test("the CSP stops inline script even if markup reaches the DOM (defence in depth)", async () => {
  const { page } = await chatter("Carol", "csp");
  const violations = await page.evaluate(`(async () => {
    const blocked = [];
    document.addEventListener("securitypolicyviolation", (e) => blocked.push(e.violatedDirective));
    const script = document.createElement("script");
    script.textContent = "window.pwned = 'inline script'";
    document.body.appendChild(script);
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.pwned = 1">';
    document.body.appendChild(div);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return blocked;
  })()`);
  expect(await pwned(page)).toBeUndefined();
  expect(violations).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src/)]));
  expect(seen.dialogs).toEqual([]);
});

test("the game page works under the CSP: no violations, lobby online, canvas allowed", async () => {
  const { page, csp } = await open(`/game?name=${encodeURIComponent(EVIL_NAME)}`, "gamer");
  expect(csp).toContain("default-src 'self'");
  // The name comes from the query (escaped into a data attribute) and signs in, as on the chat page.
  await page.locator("#status.online").waitFor();
  expect(await page.locator("#login-name").inputValue()).toBe(EVIL_NAME);
  await page.locator("#me", { hasText: EVIL_NAME }).waitFor();
  await page.locator("#quickplay").click();
  await page.locator("#canvas").waitFor();
  await page.locator("#scores li", { hasText: EVIL_NAME }).waitFor();
  await page.waitForTimeout(200);
  expect(await page.locator("#scores img, #games img, #me img").count()).toBe(0);
  expect(await pwned(page)).toBeUndefined();
  expect(seen.csp).toEqual([]);
  expect(seen.errors).toEqual([]);
  expect(seen.dialogs).toEqual([]);
});
