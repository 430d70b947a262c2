/**
 * Socket.IO's Admin UI (server/admin/) in Debian's Chromium: with an admin
 * password the bundled UI is served at /admin/ behind Basic auth, signs in
 * over the `/admin` namespace and lists the `/chat` sockets; nothing loads
 * from another origin and the admin CSP stays on /admin. Without a password
 * there is neither a UI nor a namespace.
 */
import type { Browser } from "playwright-core";
import { io as connect } from "socket.io-client";
import type { AdminConfig } from "../../server/config";
import { setup, type TestServer } from "../helpers";
import { launchChromium } from "./chromium";

const ADMIN: AdminConfig = {
  username: "ops",
  password: "correct-horse-battery",
  mode: "development",
  readonly: true,
  maxFailedLogins: 5,
  serverId: "test-node",
};

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** The `/admin` handshake's outcome: "connected", or the connect_error message. */
function adminHandshake(url: string, auth: Record<string, unknown>): Promise<string> {
  const socket = connect(`${url}/admin`, { transports: ["websocket"], reconnection: false, forceNew: true, auth });
  return new Promise<string>((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (err) => resolve(err.message));
  }).finally(() => socket.close());
}

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await setup({ admin: ADMIN });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

test("the UI signs in over /admin and its Sockets view lists the /chat sockets", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  const context = await browser.newContext({ httpCredentials: { username: ADMIN.username, password: ADMIN.password } });
  const page = await context.newPage();
  // A step that does not happen fails with its own message, well inside the test's timeout.
  page.setDefaultTimeout(5000);
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  // CSP violations are reported as console errors.
  page.on("console", (msg) => msg.type() === "error" && problems.push(`console: ${msg.text()}`));
  page.on("request", (req) => !req.url().startsWith(`${t.url}/`) && problems.push(`request to another origin: ${req.url()}`));
  try {
    await page.goto(`${t.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/");

    await page.getByLabel("Server URL").fill(t.url);
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Connect" }).click();
    // The status chip in the app bar (lowercase in the DOM, shown uppercase).
    await page.getByText("connected", { exact: true }).first().waitFor();

    await page.getByRole("link", { name: "Sockets" }).click();
    await page.getByLabel("Select namespace").click({ force: true });
    await page.getByRole("option", { name: "/chat" }).click();
    for (const socket of [ada.socket, bob.socket]) await page.getByRole("cell", { name: socket.id! }).waitFor();
    expect(await page.getByRole("row").filter({ hasText: "127.0.0.1" }).count()).toBe(2);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test("/admin needs the password over HTTP, with its own CSP; the rest of the site keeps the strict one", async () => {
  const bare = await fetch(`${t.url}/admin/`);
  expect(bare.status).toBe(401);
  expect(bare.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
  expect((await fetch(`${t.url}/admin`, { redirect: "manual" })).status).toBe(401);
  expect((await fetch(`${t.url}/admin/`, { headers: { authorization: basic(ADMIN.username, "wrong-password!") } })).status).toBe(401);
  expect((await fetch(`${t.url}/admin/js/`, { headers: { authorization: basic("admin", ADMIN.password) } })).status).toBe(401);

  const authorization = basic(ADMIN.username, ADMIN.password);
  const redirect = await fetch(`${t.url}/admin`, { headers: { authorization }, redirect: "manual" });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get("location")).toBe("/admin/");

  const index = await fetch(`${t.url}/admin/`, { headers: { authorization } });
  expect(index.status).toBe(200);
  const html = await index.text();
  expect(html).toContain("Socket.IO Admin UI");
  expect(html).not.toMatch(/googleapis|jsdelivr|(?:src|href)="(?:https?:)?\/\//);
  const adminCsp = index.headers.get("content-security-policy")!;
  expect(adminCsp).toContain("style-src 'self' 'unsafe-inline'");
  expect(adminCsp).toContain("script-src 'self';");
  expect(index.headers.get("cache-control")).toBe("private, no-store");

  const chatPage = await fetch(`${t.url}/`);
  expect(chatPage.headers.get("content-security-policy")).not.toContain("unsafe-inline");
});

test("the /admin namespace refuses a wrong password and accepts the right one", async () => {
  expect(await adminHandshake(t.url, { username: ADMIN.username, password: "wrong-password!" })).toBe("invalid credentials");
  expect(await adminHandshake(t.url, { username: "admin", password: ADMIN.password })).toBe("invalid credentials");
  expect(await adminHandshake(t.url, { sessionId: "made-up" })).toBe("invalid credentials");
  expect(await adminHandshake(t.url, { username: ADMIN.username, password: ADMIN.password })).toBe("connected");
});

test("read-only by default: the server offers the UI no actions (disconnect, join, leave)", async () => {
  const socket = connect(`${t.url}/admin`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: { username: ADMIN.username, password: ADMIN.password },
  });
  try {
    const config = await new Promise<{ supportedFeatures: string[] }>((resolve) => socket.once("config", resolve));
    expect(config.supportedFeatures.sort()).toEqual(["AGGREGATED_EVENTS", "ALL_EVENTS"]);
  } finally {
    socket.close();
  }
});

test("failed admin logins are budgeted per address, over the socket and HTTP together", async () => {
  const limited = await setup({ admin: { ...ADMIN, maxFailedLogins: 2 } });
  try {
    expect(await adminHandshake(limited.url, { username: ADMIN.username, password: "guess-number-1" })).toBe("invalid credentials");
    expect((await fetch(`${limited.url}/admin/`, { headers: { authorization: basic(ADMIN.username, "guess-number-2") } })).status).toBe(
      401,
    );
    // Spent: even the right password is refused until the window passes, without reaching bcrypt.
    expect(await adminHandshake(limited.url, { username: ADMIN.username, password: ADMIN.password })).toBe(
      "too many failed logins, retry later",
    );
    const refused = await fetch(`${limited.url}/admin/`, { headers: { authorization: basic(ADMIN.username, ADMIN.password) } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  } finally {
    await limited.cleanup();
  }
});

test("without PARLOR_ADMIN_PASSWORD there is no /admin page and no /admin namespace", async () => {
  const plain = await setup();
  try {
    expect((await fetch(`${plain.url}/admin`)).status).toBe(404);
    expect((await fetch(`${plain.url}/admin/`, { headers: { authorization: basic(ADMIN.username, ADMIN.password) } })).status).toBe(404);
    expect(await adminHandshake(plain.url, { username: ADMIN.username, password: ADMIN.password })).toBe("Invalid namespace");
  } finally {
    await plain.cleanup();
  }
});
