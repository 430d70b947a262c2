/**
 * Connection state on the chat page in Chromium (issue 16): the offline
 * banner, a message sent while offline shown as pending and then confirmed
 * (once: the retry reuses its clientId), and a refused send shown as failed
 * with a friendly sentence (never a bare code) and a Retry that sends it.
 */
import { emitAck, okData } from "../helpers";
import { chatTestbed, messageWithText, say } from "./chat-people";

const bed = chatTestbed();

/** Cuts one user's connections from the server side while their browser is offline, so it cannot reconnect. */
async function dropUser(userId: string) {
  for (const s of await bed.t.parlor.io.of("/chat").fetchSockets()) if (s.data.user?.id === userId) s.disconnect(true);
}

test("offline: a banner, the send waits as pending, then goes out once when the connection is back", async () => {
  const ada = await bed.person("Ada", "net");
  const bob = await bed.person("Bob", "net");
  const adaId = (await ada.session()).user.id;

  await ada.context.setOffline(true);
  await dropUser(adaId);
  await ada.page.locator("#offline-banner", { hasText: "You're offline" }).waitFor();
  await ada.page.locator("#status.offline").waitFor();

  await say(ada.page, "sent while offline");
  const pending = ada.page.locator("#messages li.msg.pending", { hasText: "sent while offline" });
  await pending.locator(".state", { hasText: "waiting for the connection" }).waitFor();
  await expect(ada.page.locator("#text").inputValue()).resolves.toBe("");
  await bob.page.waitForTimeout(500);
  expect(await messageWithText(bob.page, "sent while offline").count()).toBe(0);

  await ada.context.setOffline(false);
  await ada.page.locator("#status.online").waitFor({ timeout: 30_000 });
  await ada.page.locator("#offline-banner").waitFor({ state: "hidden" });
  await messageWithText(ada.page, "sent while offline").and(ada.page.locator("li[data-seq]")).waitFor();
  await pending.waitFor({ state: "detached" });
  await messageWithText(bob.page, "sent while offline").waitFor();
  await bob.page.waitForTimeout(500);
  expect(await messageWithText(bob.page, "sent while offline").count()).toBe(1);
  expect(await messageWithText(ada.page, "sent while offline").count()).toBe(1);
});

test("a refused send is shown as failed with a friendly reason and a Retry that sends it", async () => {
  const ada = await bed.person("Ada", "slow");
  const bob = await bed.person("Bob", "slow");
  // Ada joined first: she owns the room and turns slow mode on.
  const socket = await bed.t.connectChat((await ada.session()).token);
  okData(await emitAck(socket, "room:update", { room: "slow", slowModeMs: 2500 }));
  await bob.page.locator("#messages li.notice", { hasText: "Slow mode is on" }).waitFor();

  await say(bob.page, "one");
  await messageWithText(bob.page, "one").and(bob.page.locator("li[data-seq]")).waitFor();
  await say(bob.page, "two");
  const failed = bob.page.locator("#messages li.msg.pending.failed", { hasText: "two" });
  await failed.waitFor();
  const reason = await failed.locator(".state").textContent();
  expect(reason).toMatch(/^Not sent: You're sending too fast — wait a moment/);
  expect(reason).not.toMatch(/RATE_LIMITED/);

  await bob.page.waitForTimeout(2600);
  await failed.locator("button[data-action=retry]").click();
  await messageWithText(ada.page, "two").waitFor();
  await failed.waitFor({ state: "detached" });
  expect(await messageWithText(bob.page, "two").count()).toBe(1);
});
