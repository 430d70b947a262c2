/**
 * The game page in Debian's Chromium: a spectator watches a live round
 * (played by a protocol client) from the lobby's Spectate button, then plays
 * the recorded round back at 8×. (The controls, touch and keyboard, are in game-controls.test.ts.)
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameJoinData, GameSummary } from "../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../helpers";
import { playUntilScore, record } from "../features/game/socket-support";
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
  // ?name= signs in without the form.
  await page.goto(`${t.url}/game?name=${encodeURIComponent(name)}`);
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
