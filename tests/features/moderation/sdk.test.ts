/** The SDK's moderation methods and events, and the terminal chat's duration parsing, on a real server. */
import { parseDuration } from "../../../client/chat-moderation";
import { connectParlor, type Parlor } from "../../../client/sdk";
import { mint } from "../../auth/support";
import type { TestServer } from "../../helpers";
import { setupModeration } from "./support";

let t: TestServer;
const clients: Parlor[] = [];
beforeAll(async () => (t = await setupModeration()));
afterAll(async () => {
  clients.forEach((c) => c.close());
  await t.cleanup();
});

const as = async (id: string) => {
  const token = await mint({ sub: id, name: id });
  const c = await connectParlor({ url: t.url, getToken: async () => token });
  clients.push(c);
  return c;
};

test("roomInfo, updateRoom, moderate and modLog; the target sees moderation and removed and forgets the room", async () => {
  const owner = await as("sdk-owner");
  const bob = await as("sdk-bob");
  await owner.join("sdk");
  await bob.join("sdk");
  expect((await bob.roomInfo("sdk")).owner).toMatchObject({ id: "sdk-owner" });
  const updated = new Promise((resolve) => bob.once("room-updated", resolve));
  expect(await owner.updateRoom("sdk", { topic: "t" })).toMatchObject({ topic: "t" });
  expect(await updated).toMatchObject({ topic: "t" });
  const seen = new Promise((resolve) => bob.once("moderation", resolve));
  const removed = new Promise((resolve) => bob.once("removed", resolve));
  const kick = await owner.moderate("kick", "sdk", "sdk-bob", { reason: "test" });
  expect(await seen).toEqual(kick);
  expect(await removed).toEqual({ room: "sdk", action: kick });
  expect(bob.joinedRooms).not.toContain("sdk");
  const muted = await owner.moderate("mute", "sdk", "sdk-bob", { durationMs: 60_000 });
  expect(muted.until).toBeGreaterThan(Date.now());
  expect((await owner.modLog("sdk", { limit: 2 })).entries.map((e) => e.action)).toEqual(["mute", "kick"]);
});

test("the terminal chat's durations", () => {
  expect(parseDuration("30s")).toBe(30_000);
  expect(parseDuration("10")).toBe(600_000);
  expect(parseDuration("2h")).toBe(7_200_000);
  expect(parseDuration("spam")).toBeUndefined();
});
