/** `npm run bots -- --spectators N`: runBots seats the players and adds N spectators per game, who get deltas without a seat. */
import { formatReport, runBots } from "../../client/bots";
import { setup, type TestServer } from "../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("spectator bots receive the game's deltas and are reported apart", async () => {
  let spectatorsSeen = -1;
  const report = await runBots({
    url: t.url,
    games: 1,
    players: 2,
    spectators: 2,
    seconds: 1,
    onReady: () => void (spectatorsSeen = t.parlor.games.list()[0].spectators),
  });
  expect(spectatorsSeen).toBe(2);
  const watchers = report.clients.filter((c) => c.spectator);
  expect(watchers).toHaveLength(2);
  for (const w of watchers) expect(w.deltas).toBeGreaterThan(0);
  expect(formatReport(report)).toContain("4 clients (2 spectators)");
}, 20_000);
