/**
 * Typing is coalesced: five users typing in a 1,000-member room took the
 * server from 10 % to 95 % CPU, since every keystroke's `typing: true` went to
 * every member. A repeat `typing: true` within the window is accepted but not
 * relayed; `typing: false` always is, and the next `true` is news again.
 */
import { defaultConfig } from "../../server/config";
import { emitAck, okData, receives, setup, waitFor, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup({ limits: { ...defaultConfig().limits, typingCoalesceMs: 400 } })));
afterAll(() => t.cleanup());

test("ten typing: true in a row reach the room once; typing: false always; after the window a true is relayed again", async () => {
  const { socket: ada } = await t.connectUser("Ada");
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(ada, "room:join", { room: "lobby" }));
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  const seen: boolean[] = [];
  bob.on("typing", (p: { typing: boolean }) => seen.push(p.typing));

  for (let i = 0; i < 10; i++) expect(await emitAck(ada, "typing", { room: "lobby", typing: true })).toEqual({ ok: true, data: {} });
  await waitFor(bob, "typing").catch(() => undefined);
  expect(await receives(bob, "typing", 100)).toBe(false);
  expect(seen).toEqual([true]);

  // false always goes out, even twice; the next true is news.
  okData(await emitAck(ada, "typing", { room: "lobby", typing: false }));
  okData(await emitAck(ada, "typing", { room: "lobby", typing: false }));
  okData(await emitAck(ada, "typing", { room: "lobby", typing: true }));
  await new Promise((r) => setTimeout(r, 100));
  expect(seen).toEqual([true, false, false, true]);

  // Past the window, a keystroke's true is relayed again (a long message keeps showing as typing).
  await new Promise((r) => setTimeout(r, 450));
  const again = waitFor<{ typing: boolean }>(bob, "typing");
  okData(await emitAck(ada, "typing", { room: "lobby", typing: true }));
  expect((await again).typing).toBe(true);
});

test("coalescing is per user and per room", async () => {
  const { socket: ada } = await t.connectUser("Ada2");
  const { socket: cy } = await t.connectUser("Cy");
  const { socket: bob } = await t.connectUser("Bob2");
  for (const s of [ada, cy, bob]) {
    okData(await emitAck(s, "room:join", { room: "one" }));
    okData(await emitAck(s, "room:join", { room: "two" }));
  }
  const seen: string[] = [];
  bob.on("typing", (p: { room: string; user: { name: string } }) => seen.push(`${p.user.name}@${p.room}`));
  okData(await emitAck(ada, "typing", { room: "one", typing: true }));
  okData(await emitAck(ada, "typing", { room: "two", typing: true }));
  okData(await emitAck(cy, "typing", { room: "one", typing: true }));
  okData(await emitAck(ada, "typing", { room: "one", typing: true }));
  await new Promise((r) => setTimeout(r, 100));
  expect(seen.sort()).toEqual(["Ada2@one", "Ada2@two", "Cy@one"]);
});
