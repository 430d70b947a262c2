/**
 * The game page in Debian's Chromium: a spectator watches a live round
 * (played by a protocol client) from the lobby's Spectate button, then plays
 * the recorded round back at 8×; and on a phone-sized touch screen the
 * arrows steer a seated player.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameJoinData, GameSummary, Snapshot } from "../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../helpers";
import { deltaWhere, playUntilScore, record } from "../features/game/socket-support";
import { launchChromium } from "./chromium";

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let pageErrors: string[] = [];

beforeAll(async () => {
  t = await setup({ gameWinScore: 2, gameRestartMs: 60_000 });
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

async function person(name: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${name}: ${err.message}`));
  await page.goto(`${t.url}/game?name=${encodeURIComponent(name)}`);
  await page.locator("#login button").click();
  await page.locator("#status.online").waitFor();
  return page;
}

test("Spectate shows a live round to its end; the replay list plays it back at 8× to the same winner", async () => {
  const ada = await t.connectPlayer("Ada");
  const rec = record(ada.socket);
  const { game } = okData(await emitAck<{ game: GameSummary }>(ada.socket, "game:create", { name: "Arena" }));
  const seat = okData(await emitAck<GameJoinData>(ada.socket, "game:join", { gameId: game.id }));

  const eve = await person("Eve");
  const row = eve.locator("#games tr", { hasText: "Arena" });
  await row.locator("button", { hasText: "Spectate" }).click();
  await eve.locator("#game-title", { hasText: "Arena (spectating)" }).waitFor();
  await eve.locator("#scores li", { hasText: "Ada" }).waitFor();
  expect(await eve.locator("#dpad").isVisible()).toBe(false);

  await playUntilScore(ada.socket, rec, seat.playerId, 2, 15_000);
  await eve.locator("#banner", { hasText: "Ada wins!" }).waitFor();

  await eve.locator("#leave").click();
  const replayRow = eve.locator("#replays tr", { hasText: "Arena · round 1" });
  await replayRow.waitFor({ timeout: 5000 });
  await expect(replayRow.locator("td").nth(1).textContent()).resolves.toBe("Ada");
  await eve.locator("#replay-speed").selectOption("8");
  await replayRow.locator("button", { hasText: "Play" }).click();
  await eve.locator("#game-title", { hasText: "(replay)" }).waitFor();
  await eve.locator("#banner", { hasText: "Ada wins! (end of the replay)" }).waitFor({ timeout: 15_000 });
  await expect(eve.locator("#scores li", { hasText: "Ada" }).locator(".pts").textContent()).resolves.toBe("2");
}, 60_000);

test("on a 390 × 844 touch screen the page fits and the arrows steer", async () => {
  const phone = await person("Pip", { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  // Its own game: the first test's game pauses 60 s after its round.
  await phone.locator("#create-name").fill("Phone");
  await phone.locator("#create-form button").click();
  await phone.locator("#game-title", { hasText: "Phone" }).waitFor();
  await phone.locator("#canvas").waitFor();
  const canvas = (await phone.locator("#canvas").boundingBox())!;
  expect(canvas.x).toBeGreaterThanOrEqual(0);
  expect(canvas.x + canvas.width).toBeLessThanOrEqual(390);
  const box = (await phone.locator("#dpad .down").boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(844);
  // No sideways scrolling: the page is no wider than the screen.
  expect(await phone.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);

  // A protocol spectator sees what the arrows do: Pip moves while the finger is down, and stops after.
  const obs = await t.connectPlayer("Obs");
  const games = okData(await emitAck<{ games: GameSummary[] }>(obs.socket, "game:list", {})).games;
  let pip: Snapshot["players"][number] | undefined;
  for (const g of games) {
    const seen = okData(await emitAck<{ state: Snapshot }>(obs.socket, "game:spectate", { gameId: g.id }));
    pip = seen.state.players.find((p) => p.name === "Pip");
    if (pip) break;
  }
  expect(pip).toBeDefined();
  // Toward the far side: a wall next to Pip would stop it at once.
  const [arrow, sign] = pip!.x < 500 ? ["right", 1] : ["left", -1];
  const right = phone.locator(`#dpad .${arrow}`);
  const moving = deltaWhere(obs.socket, (d) => !!d.moved?.some((m) => m.id === pip!.id && m.vx * sign > 0), 5000);
  await right.dispatchEvent("pointerdown", { pointerId: 1, isPrimary: true });
  await moving;
  const stopped = deltaWhere(obs.socket, (d) => !!d.moved?.some((m) => m.id === pip!.id && m.vx === 0), 5000);
  await right.dispatchEvent("pointerup", { pointerId: 1, isPrimary: true });
  await stopped;
}, 60_000);
