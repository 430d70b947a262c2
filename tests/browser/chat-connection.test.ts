/**
 * Connection state on the chat page in Chromium (issue 16): the offline
 * banner, a message sent while offline shown as pending and then confirmed
 * (once: the retry reuses its clientId), and a refused send shown as failed
 * with a friendly sentence (never a bare code) and a Retry that sends it.
 */
import { ERROR_CODES } from "../../server/protocol";
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
  const ada = await bed.person("Ada", "refused");
  const bob = await bed.person("Bob", "refused");
  const bobId = (await bob.session()).user.id;
  // Ada joined first: she owns the room, and mutes Bob until she unmutes him.
  const socket = await bed.t.connectChat((await ada.session()).token);
  okData(await emitAck(socket, "mod:mute", { room: "refused", user: bobId }));
  await bob.page.locator("#messages li.notice", { hasText: "was muted by Ada" }).waitFor();

  await say(bob.page, "let me speak");
  const failed = bob.page.locator("#messages li.msg.pending.failed", { hasText: "let me speak" });
  await failed.waitFor();
  const reason = await failed.locator(".state").textContent();
  expect(reason).toBe("Not sent: You're muted in this room.");
  expect(await messageWithText(ada.page, "let me speak").count()).toBe(0);

  okData(await emitAck(socket, "mod:unmute", { room: "refused", user: bobId }));
  await bob.page.locator("#messages li.notice", { hasText: "was unmuted by Ada" }).waitFor();
  await failed.locator("button[data-action=retry]").click();
  await messageWithText(ada.page, "let me speak").waitFor();
  await failed.waitFor({ state: "detached" });
  expect(await messageWithText(bob.page, "let me speak").count()).toBe(1);

  // Discard drops a failed send without sending it.
  okData(await emitAck(socket, "mod:mute", { room: "refused", user: bobId }));
  await bob.page.locator("#messages li.notice", { hasText: "was muted by Ada" }).nth(1).waitFor();
  await say(bob.page, "never mind");
  const second = bob.page.locator("#messages li.msg.pending.failed", { hasText: "never mind" });
  await second.locator("button", { hasText: "Discard" }).click();
  await second.waitFor({ state: "detached" });
});

test("every error code reads as a sentence, never the bare code", async () => {
  const { page } = await bed.person("Eve", "codes");
  // Every code of the contract (a new one fails here until the page words it), and the page's own TIMEOUT.
  const codes = [...ERROR_CODES, "TIMEOUT"];
  const texts = (await page.evaluate(`${JSON.stringify(codes)}.map((code) =>
    ChatErrors.friendly({ ok: false, error: { code, message: "the server's words", details: code === "RATE_LIMITED" ? { retryAfterMs: 2500 } : undefined } }, "send"))`)) as string[];
  texts.forEach((text, i) => {
    expect(text).not.toContain(codes[i]);
    expect(text).toMatch(/^[A-Z].*[.!]$/);
  });
  expect(texts[codes.indexOf("RATE_LIMITED")]).toBe("You're sending too fast — wait a moment (about 3 s).");
});
