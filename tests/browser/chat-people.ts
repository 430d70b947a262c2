/**
 * Shared by the chat page's browser tests (tests/browser/chat-*.test.ts): a real
 * server, Debian's Chromium, and people on their own browser profiles signed in
 * through `?name=&room=`. Uncaught page errors fail the test that caused them.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Config } from "../../server/config";
import { setup, type TestServer } from "../helpers";
import { launchChromium } from "./chromium";

export interface ChatTestbed {
  readonly t: TestServer;
  readonly browser: Browser;
  /** A person in their own browser context, on `/?name=…&room=…`, once the page is online. */
  person(name: string, room?: string, options?: { viewport?: { width: number; height: number }; path?: string }): Promise<Person>;
}

export interface Person {
  page: Page;
  context: BrowserContext;
  /** The session the page signed in with (sessionStorage), for a socket of the same user in the test. */
  session(): Promise<{ token: string; user: { id: string; name: string } }>;
}

/** Registers beforeAll/afterAll/afterEach hooks; use the returned testbed inside tests only. */
export function chatTestbed(overrides: Partial<Config> = {}): ChatTestbed {
  let t: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let pageErrors: string[] = [];

  // Browser tests share two cores with everything else: generous timeouts, never a flaky default.
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await setup(overrides);
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

  const bed: ChatTestbed = {
    get t() {
      if (!t) throw new Error("testbed not started");
      return t;
    },
    get browser() {
      if (!browser) throw new Error("testbed not started");
      return browser;
    },
    async person(name, room = "lobby", options = {}) {
      const context = await bed.browser.newContext(options.viewport ? { viewport: options.viewport } : {});
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on("pageerror", (err) => pageErrors.push(`${name}: ${err.message}`));
      await page.goto(`${bed.t.url}${options.path ?? `/?name=${encodeURIComponent(name)}&room=${room}`}`);
      await page.locator("#status.online").waitFor();
      return {
        page,
        context,
        async session() {
          return JSON.parse(String(await page.evaluate("sessionStorage.getItem('parlor.session')")));
        },
      };
    },
  };
  return bed;
}

/** The message list item whose text is `text` (exactly). */
export const messageWithText = (page: Page, text: string) =>
  page.locator("#messages li.msg").filter({ has: page.locator(".text", { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Types `text` into the composer and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator("#text").fill(text);
  await page.locator("#text").press("Enter");
}

/** Resolves once `read()` returns `want` (compared with Object.is), or fails after `timeoutMs` with the last value. */
export async function until<T>(read: () => Promise<T>, want: T, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!Object.is(last, want)) {
    if (Date.now() > end) throw new Error(`still ${JSON.stringify(last)}, wanted ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
}
