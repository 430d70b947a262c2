/**
 * The game page's controls in Debian's Chromium, checked by what the server does: a protocol
 * spectator watches the page's player move. On a 390 × 844 touch screen the page fits and a real
 * finger (CDP touch events, so trusted pointer events with capture) held on the pad steers, slides
 * to a diagonal and stops when lifted; from the keyboard alone a game is created, steered and left;
 * and /game?name=Cy signs in as Cy without the form, as the chat page does.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameDelta, GameSummary, PlayerMove, Snapshot } from "../../server/protocol";
import { emitAck, okData, setup, type GameSocket, type TestServer } from "../helpers";
import { deltaWhere } from "../features/game/socket-support";
import { launchChromium } from "./chromium";

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
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

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };

async function open(path: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${path}: ${err.message}`));
  await page.goto(`${t.url}${path}`);
  return page;
}

const activeId = (page: Page) => page.evaluate<string | undefined>("document.activeElement?.id");
const scrollWidth = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth");

/** A protocol client spectating the game named `gameName`, and where the player `playerName` is in it. */
async function watchPlayer(gameName: string, playerName: string) {
  const obs = await t.connectPlayer(`Obs${Math.random().toString(36).slice(2, 6)}`);
  const { games } = okData(await emitAck<{ games: GameSummary[] }>(obs.socket, "game:list", {}));
  const game = games.find((g) => g.name === gameName);
  expect(game).toBeDefined();
  const { state } = okData(await emitAck<{ state: Snapshot }>(obs.socket, "game:spectate", { gameId: game!.id }));
  const player = state.players.find((p) => p.name === playerName);
  expect(player).toBeDefined();
  return { socket: obs.socket, player: player! };
}

/** The next delta in which `id` moves with a velocity matching `test`. */
const moving = (socket: GameSocket, id: string, test: (m: PlayerMove) => boolean) =>
  deltaWhere(socket, (d: GameDelta) => !!d.moved?.some((m) => m.id === id && test(m)), 5000);

/** The centre of an element, in viewport CSS pixels. */
async function centre(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, box };
}

test("/game?name=Cy and /game?Cy sign in as Cy and show the lobby without the form", async () => {
  for (const path of ["/game?name=Cy", "/game?Cy"]) {
    const page = await open(path);
    await page.locator("#status.online").waitFor();
    expect(await page.locator("#login").isVisible()).toBe(false);
    expect(await page.locator("#lobby").isVisible()).toBe(true);
    await expect(page.locator("#me").textContent()).resolves.toBe("Cy");
    const stored = await page.evaluate<{ user: { name: string } }>('JSON.parse(sessionStorage.getItem("parlor.session"))');
    expect(stored.user.name).toBe("Cy");
  }
  // Without a name the form is shown, and signs in.
  const plain = await open("/game");
  await plain.locator("#login-name").fill("Dee");
  await plain.keyboard.press("Enter");
  await plain.locator("#status.online").waitFor();
  await expect(plain.locator("#me").textContent()).resolves.toBe("Dee");
}, 30_000);

test("on a 390 × 844 touch screen the page fits, the arena fills the width, and a finger on the pad steers", async () => {
  const phone = await open("/game?name=Pip", PHONE);
  await phone.locator("#status.online").waitFor();
  // The lobby with a game in its list still fits.
  const other = await t.connectPlayer("Host");
  okData(await emitAck(other.socket, "game:create", { name: "Longest game name, 32 chars max!" }));
  await phone.locator("#games tr", { hasText: "Longest game name" }).waitFor();
  expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);

  await phone.locator("#create-name").fill("Phone");
  await phone.locator("#create-form button").tap();
  await phone.locator("#game-title", { hasText: "Phone" }).waitFor();
  expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);

  // The arena is as wide as the screen (less the page's padding), square, and drawn at the device's pixels.
  const canvas = await phone.evaluate<{ left: number; width: number; height: number; pixels: number; client: number }>(`(() => {
    const c = document.getElementById("canvas");
    const r = c.getBoundingClientRect();
    return { left: r.left, width: r.width, height: r.height, pixels: c.width, client: c.clientWidth };
  })()`);
  expect(canvas.left).toBeGreaterThanOrEqual(0);
  expect(canvas.width).toBeGreaterThanOrEqual(390 - 24);
  expect(canvas.left + canvas.width).toBeLessThanOrEqual(390);
  expect(Math.abs(canvas.height - canvas.width)).toBeLessThan(1);
  expect(canvas.pixels).toBe(Math.round(canvas.client * 3));

  // The pad is on screen, under the arena, with labelled buttons.
  const pad = await centre(phone, "#dpad");
  expect(pad.box.y + pad.box.height).toBeLessThanOrEqual(844);
  for (const name of ["Move up", "Move down", "Move left", "Move right"])
    expect(await phone.getByRole("button", { name }).isVisible()).toBe(true);

  const { socket, player } = await watchPlayer("Phone", "Pip");
  // Away from the nearest walls, so that a wall never stops Pip during the test.
  const sx = player.x < 500 ? 1 : -1;
  const sy = player.y < 500 ? 1 : -1;
  const arrow = await centre(phone, sx > 0 ? "#dpad .right" : "#dpad .left");
  const cdp = await phone.context().newCDPSession(phone);
  const touch = (type: "touchStart" | "touchMove" | "touchEnd", at?: { x: number; y: number }) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: at ? [{ x: at.x, y: at.y, id: 1 }] : [] });

  // A finger held on the arrow: Pip moves that way, straight.
  const sideways = moving(socket, player.id, (m) => m.vx * sx > 0 && m.vy === 0);
  await touch("touchStart", arrow);
  await sideways;
  // Slid to the pad's corner between that arrow and the vertical one: the diagonal.
  const diagonal = moving(socket, player.id, (m) => m.vx * sx > 0 && m.vy * sy > 0);
  await touch("touchMove", { x: pad.x + sx * pad.box.width * 0.4, y: pad.y + sy * pad.box.height * 0.4 });
  await diagonal;
  expect(await phone.locator("#dpad button.on").count()).toBe(2);
  // Lifted: Pip stops.
  const stopped = moving(socket, player.id, (m) => m.vx === 0 && m.vy === 0);
  await touch("touchEnd");
  await stopped;
  expect(await phone.locator("#dpad button.on").count()).toBe(0);
}, 60_000);

test("from the keyboard alone: create a game, steer with the arrow keys, leave back to the lobby", async () => {
  const page = await open("/game?name=Kay", { viewport: { width: 1280, height: 800 } });
  await page.locator("#status.online").waitFor();
  // Tab order from the top: Quickplay, then the create form's name.
  await page.keyboard.press("Tab");
  expect(await activeId(page)).toBe("quickplay");
  await page.keyboard.press("Tab");
  expect(await activeId(page)).toBe("create-name");
  await page.keyboard.type("Keys");
  await page.keyboard.press("Enter");
  await page.locator("#game-title", { hasText: "Keys" }).waitFor();
  // Focus went with the view (not left on a hidden control).
  expect(await activeId(page)).toBe("canvas");

  const { socket, player } = await watchPlayer("Keys", "Kay");
  const [key, sign] = player.y < 500 ? ["ArrowDown", 1] : ["ArrowUp", -1];
  const down = moving(socket, player.id, (m) => m.vy * sign > 0);
  await page.keyboard.down(key);
  await down;
  const stopped = moving(socket, player.id, (m) => m.vx === 0 && m.vy === 0);
  await page.keyboard.up(key);
  await stopped;

  // Tab reaches Leave game; Enter leaves and puts focus back at the top of the lobby.
  for (let i = 0; i < 5 && (await activeId(page)) !== "leave"; i++) await page.keyboard.press("Tab");
  expect(await activeId(page)).toBe("leave");
  await page.keyboard.press("Enter");
  await page.locator("#lobby").waitFor();
  expect(await activeId(page)).toBe("quickplay");
}, 60_000);

test("the pad's arrows are buttons a keyboard can hold: Space on a focused arrow steers until released", async () => {
  const page = await open("/game?name=Sol", { viewport: { width: 390, height: 844 } });
  await page.locator("#status.online").waitFor();
  await page.locator("#create-name").fill("Pad keys");
  await page.locator("#create-name").press("Enter");
  await page.locator("#game-title", { hasText: "Pad keys" }).waitFor();
  const { socket, player } = await watchPlayer("Pad keys", "Sol");
  const [name, sign] = player.x < 500 ? ["Move right", 1] : ["Move left", -1];
  await page.getByRole("button", { name }).focus();
  const going = moving(socket, player.id, (m) => m.vx * sign > 0);
  await page.keyboard.down(" ");
  await going;
  const stopped = moving(socket, player.id, (m) => m.vx === 0 && m.vy === 0);
  await page.keyboard.up(" ");
  await stopped;
}, 60_000);
