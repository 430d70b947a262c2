/**
 * Moderation on the chat page in Chromium (issue 16), the room's owner (Ada,
 * who joined it first) and a member (Bob) on their own pages: the member menu
 * only for those who moderate, operated from the keyboard; mute (Bob's send is
 * refused with a friendly sentence and nothing is stored), unmute, kick, ban
 * (Bob's rejoin refused in words) and unban, promote (Bob gets the menu) and
 * demote; topic and slow mode from #room-settings, live on Bob's page, and
 * Bob's composer held with a countdown by slow mode.
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { emitAck, okData } from "../helpers";
import { chatTestbed, messageWithText, say } from "./chat-people";

const bed = chatTestbed();

/** The Moderate button on `userId`'s entry in the member list. */
const moderateButton = (page: Page, userId: string) => page.locator(`#members li[data-user="${userId}"] .mod-open-menu`);
/** The item of the open moderation menu whose label is `name` (exactly). */
const menuItem = (page: Page, name: string) => page.getByRole("menu").getByRole("menuitem", { name, exact: true });

/** Picks `item` from the owner's menu on `userId`, and confirms it with `reason` when asked. */
async function moderate(page: Page, userId: string, item: string, reason?: string) {
  await moderateButton(page, userId).click();
  await menuItem(page, item).click();
  if (reason === undefined) return;
  await page.locator(".mod-confirm input").fill(reason);
  await page.locator(".mod-confirm button[type=submit]").click();
}

/** axe-core's serious and critical violations on the page as it is now (evaluated: the CSP refuses inline scripts). */
async function seriousViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) })))`);
}

/** What the page says about the focused element: its accessible label or text. */
const focused = (page: Page) =>
  page.evaluate<string | null>(
    'document.activeElement && (document.activeElement.getAttribute("aria-label") || document.activeElement.textContent)',
  );

test("the owner's member menu, by keyboard: mute (Bob's send refused, nothing stored), unmute, kick, ban and unban; a member has no menu", async () => {
  const ada = await bed.person("Ada", "mod");
  const bob = await bed.person("Bob", "mod");
  const adaSession = await ada.session();
  const bobId = (await bob.session()).user.id;
  const adaId = adaSession.user.id;
  // Another tab of Ada's, to read what the server holds.
  const adaSocket = await bed.t.connectChat(adaSession.token);
  const lastSeq = async () => okData(await emitAck<{ info: { lastSeq: number } }>(adaSocket, "room:info", { room: "mod" })).info.lastSeq;

  // The owner sees a Moderate button on Bob; Bob (a member) has none, on Ada or anyone, and no room settings.
  const onBob = moderateButton(ada.page, bobId);
  await onBob.waitFor();
  await expect(onBob.getAttribute("aria-label")).resolves.toMatch(/^Moderate Bob #[0-9a-f]{4}$/);
  await expect(onBob.getAttribute("aria-haspopup")).resolves.toBe("menu");
  await ada.page.locator("#room-settings .room-settings-toggle").waitFor();
  await bob.page.locator(`#members li[data-user="${adaId}"]`).waitFor();
  expect(await bob.page.locator(".mod-open-menu").count()).toBe(0);
  await expect(bob.page.locator("#room-settings").isHidden()).resolves.toBe(true);

  // Keyboard: Enter opens with the first item focused, arrows move and wrap, Escape closes and gives focus back.
  await onBob.focus();
  await ada.page.keyboard.press("Enter");
  await ada.page.getByRole("menu", { name: /^Moderate Bob/ }).waitFor();
  await expect(onBob.getAttribute("aria-expanded")).resolves.toBe("true");
  await expect(focused(ada.page)).resolves.toBe("Mute for 5 minutes");
  await ada.page.keyboard.press("ArrowDown");
  await expect(focused(ada.page)).resolves.toBe("Mute for 1 hour");
  await ada.page.keyboard.press("ArrowUp");
  await ada.page.keyboard.press("ArrowUp");
  await expect(focused(ada.page)).resolves.toBe("Make moderator");
  await ada.page.keyboard.press("Home");
  await expect(focused(ada.page)).resolves.toBe("Mute for 5 minutes");
  await ada.page.keyboard.press("Escape");
  await ada.page.getByRole("menu").waitFor({ state: "detached" });
  await expect(focused(ada.page)).resolves.toMatch(/^Moderate Bob/);
  await expect(onBob.getAttribute("aria-expanded")).resolves.toBe("false");

  // Space opens it too; two steps down to "Mute until unmuted", Enter asks for a reason, Enter mutes.
  await ada.page.keyboard.press(" ");
  await expect(focused(ada.page)).resolves.toBe("Mute for 5 minutes");
  await ada.page.keyboard.press("ArrowDown");
  await ada.page.keyboard.press("ArrowDown");
  await expect(focused(ada.page)).resolves.toBe("Mute until unmuted");
  await ada.page.keyboard.press("Enter");
  await ada.page.locator(".mod-confirm", { hasText: /^Mute Bob #[0-9a-f]{4} until unmuted\?/ }).waitFor();
  await expect(ada.page.evaluate<string>("document.activeElement.id")).resolves.toBe(`mod-reason-${bobId}`);
  await ada.page.keyboard.type("spam");
  await ada.page.keyboard.press("Enter");
  await ada.page.locator(".mod-status", { hasText: /^Bob #[0-9a-f]{4} is muted until unmuted \(spam\)\.$/ }).waitFor();
  await expect(focused(ada.page)).resolves.toMatch(/^Moderate Bob/);

  // Bob is told at once (room:moderation to the target), and his send is refused in words: nothing stored.
  await bob.page.locator("#messages li.notice", { hasText: /^Bob was muted by Ada \(spam\)$/ }).waitFor();
  await bob.page.locator("#composer-note", { hasText: "You're muted in this room until a moderator unmutes you." }).waitFor();
  const before = await lastSeq();
  await say(bob.page, "while muted");
  const refused = bob.page.locator("#messages li.msg.pending.failed", { hasText: "while muted" });
  await refused.locator(".state", { hasText: "You're muted in this room" }).waitFor();
  expect(await refused.locator(".state").textContent()).not.toMatch(/FORBIDDEN/);
  await expect(lastSeq()).resolves.toBe(before);
  expect(await messageWithText(ada.page, "while muted").count()).toBe(0);
  await ada.page.locator(`#members li[data-user="${bobId}"] .mod-muted`, { hasText: "muted" }).waitFor();

  // The menu now offers Unmute instead of the mutes; Bob can post again.
  await moderateButton(ada.page, bobId).click();
  expect(await menuItem(ada.page, "Mute for 5 minutes").count()).toBe(0);
  await menuItem(ada.page, "Unmute").click();
  await ada.page.locator(".mod-status", { hasText: /is no longer muted\.$/ }).waitFor();
  await bob.page.locator("#messages li.notice", { hasText: /was unmuted by Ada$/ }).waitFor();
  await bob.page.locator("#composer-note").waitFor({ state: "hidden" });
  await say(bob.page, "after unmute");
  await messageWithText(ada.page, "after unmute").waitFor();
  await expect(lastSeq()).resolves.toBe(before + 1);

  // Kick: Bob's page says so and the room leaves his list; Ada's member list loses him. He may come back.
  await moderate(ada.page, bobId, "Kick from the room", "cool off");
  await bob.page.locator("#error", { hasText: "You were removed from #mod by Ada." }).waitFor();
  await bob.page.locator('#rooms li[data-room="mod"]').waitFor({ state: "detached" });
  await ada.page.locator(`#members li[data-user="${bobId}"]`).waitFor({ state: "detached" });
  await bob.page.locator("#join-room").fill("mod");
  await bob.page.locator("#join-room").press("Enter");
  await bob.page.locator('#rooms li[data-room="mod"]').waitFor();
  await moderateButton(ada.page, bobId).waitFor();

  // Ban for an hour: removed again, and the rejoin is refused with a sentence (the server agrees).
  await moderate(ada.page, bobId, "Ban for 1 hour", "");
  await bob.page.locator("#error", { hasText: "You were banned from #mod by Ada." }).waitFor();
  await bob.page.locator('#rooms li[data-room="mod"]').waitFor({ state: "detached" });
  await bob.page.locator("#join-room").fill("mod");
  await bob.page.locator("#join-room").press("Enter");
  await bob.page.locator("#error", { hasText: /^You're banned from this room until .+\.$/ }).waitFor();
  expect(await bob.page.locator("#error").textContent()).not.toMatch(/FORBIDDEN/);
  const bobSocket = await bed.t.connectChat((await bob.session()).token);
  const refusedJoin = await emitAck(bobSocket, "room:join", { room: "mod" });
  expect(refusedJoin.ok).toBe(false);
  if (!refusedJoin.ok) expect(refusedJoin.error.details).toMatchObject({ reason: "banned" });

  // Unban from the room settings' list of bans; Bob's join then works.
  await ada.page.locator("#room-settings .room-settings-toggle").click();
  const ban = ada.page.locator(`.room-bans li[data-user="${bobId}"]`);
  await ban.locator(".ban-who", { hasText: /until .+/ }).waitFor();
  await ban.locator("button.unban").click();
  await ban.waitFor({ state: "detached" });
  await ada.page.locator(".mod-status", { hasText: /is no longer banned\.$/ }).waitFor();
  await bob.page.locator("#join-room").press("Enter");
  await bob.page.locator('#rooms li[data-room="mod"]').waitFor();
  await moderateButton(ada.page, bobId).waitFor();
});

test("promote gives Bob the menu (and he moderates a member with it); demote takes it away", async () => {
  const ada = await bed.person("Ada", "promo");
  const bob = await bed.person("Bob", "promo");
  const cy = await bed.t.connectUser("Cy");
  okData(await emitAck(cy.socket, "room:join", { room: "promo" }));
  const bobId = (await bob.session()).user.id;
  const adaId = (await ada.session()).user.id;
  const cyId = cy.session.user.id;
  await bob.page.locator(`#members li[data-user="${cyId}"]`).waitFor();
  expect(await bob.page.locator(".mod-open-menu").count()).toBe(0);

  await moderate(ada.page, bobId, "Make moderator");
  await ada.page.locator(`#members li[data-user="${bobId}"][data-role="moderator"]`).waitFor();
  const info = okData(await emitAck<{ info: { moderators: { id: string }[] } }>(cy.socket, "room:info", { room: "promo" })).info;
  expect(info.moderators.map((u) => u.id)).toEqual([bobId]);

  // Bob now moderates: a menu on Cy, none on Ada (the owner), and the room settings.
  await moderateButton(bob.page, cyId).waitFor();
  expect(await moderateButton(bob.page, adaId).count()).toBe(0);
  await bob.page.locator("#room-settings .room-settings-toggle").waitFor();
  await moderateButton(bob.page, cyId).click();
  expect(await menuItem(bob.page, "Make moderator").count()).toBe(0);
  await menuItem(bob.page, "Mute for 5 minutes").click();
  await bob.page.locator(".mod-confirm button[type=submit]").click();
  await bob.page.locator(".mod-status", { hasText: /^Cy #[0-9a-f]{4} is muted until .+\.$/ }).waitFor();
  const muted = await emitAck(cy.socket, "message:send", { room: "promo", text: "hello?" });
  expect(muted.ok).toBe(false);
  if (!muted.ok) {
    expect(muted.error.code).toBe("FORBIDDEN");
    expect(muted.error.details).toMatchObject({ reason: "muted" });
    const until = (muted.error.details as { until: number }).until;
    expect(until).toBeGreaterThan(Date.now() + 4 * 60_000);
  }

  // The owner's menu on a moderator says "Remove moderator role"; after it, Bob's menu is gone.
  await moderate(ada.page, bobId, "Remove moderator role");
  await ada.page.locator(`#members li[data-user="${bobId}"][data-role="member"]`).waitFor();
  await moderateButton(bob.page, cyId).waitFor({ state: "detached" });
  await expect(bob.page.locator("#room-settings").isHidden()).resolves.toBe(true);
});

test("topic and slow mode from the room settings: live in Bob's header; his input waits out slow mode with a countdown", async () => {
  const ada = await bed.person("Ada", "slowmo");
  const bob = await bed.person("Bob", "slowmo");
  await ada.page.locator("#room-settings .room-settings-toggle").click();
  await ada.page.getByLabel("Topic").fill("Release planning");
  await ada.page.getByLabel("Slow mode").selectOption({ label: "One message every 5 s" });
  await ada.page.locator(".room-settings-form button[type=submit]").click();
  await ada.page.locator(".room-settings-form").waitFor({ state: "hidden" });
  await ada.page.locator("#room-topic", { hasText: "Release planning" }).waitFor();
  await ada.page.locator(".mod-status", { hasText: "Saved: topic “Release planning”, slow mode 5 s." }).waitFor();
  await bob.page.locator("#room-topic", { hasText: "Release planning" }).waitFor();
  await bob.page.locator("#messages li.notice", { hasText: "Slow mode is on: one message every 5 s" }).waitFor();
  const info = okData(
    await emitAck<{ info: { topic: string; slowModeMs: number } }>(await bed.t.connectChat((await bob.session()).token), "room:info", {
      room: "slowmo",
    }),
  ).info;
  expect(info).toMatchObject({ topic: "Release planning", slowModeMs: 5000 });

  // After one send Bob's input is held, counting down, and given back once slow mode allows.
  await say(bob.page, "one");
  await messageWithText(ada.page, "one").waitFor();
  await expect(bob.page.locator("#text").isDisabled()).resolves.toBe(true);
  const note = bob.page.locator("#composer-note");
  await note.filter({ hasText: /^Slow mode — you can send again in [1-5] s$/ }).waitFor();
  const first = Number((await note.textContent())?.match(/in (\d) s/)?.[1]);
  await note.filter({ hasText: `in ${first - 1} s` }).waitFor();
  await bob.page.locator("#text:enabled").waitFor({ timeout: 8000 });
  await expect(note.isHidden()).resolves.toBe(true);
  await say(bob.page, "two");
  await messageWithText(ada.page, "two").waitFor();

  // A refusal holds the input too: Bob's other tab posted meanwhile, so his page's send is turned down.
  await bob.page.locator("#text:enabled").waitFor({ timeout: 8000 });
  const tab = await bed.t.connectChat((await bob.session()).token);
  okData(await emitAck(tab, "room:join", { room: "slowmo" }));
  okData(await emitAck(tab, "message:send", { room: "slowmo", text: "from the other tab" }));
  await say(bob.page, "three");
  await bob.page.locator("#messages li.msg.pending.failed", { hasText: "three" }).waitFor();
  await expect(bob.page.locator("#text").isDisabled()).resolves.toBe(true);
  await note.filter({ hasText: /^Slow mode — you can send again in [1-5] s$/ }).waitFor();

  // The owner is exempt: two in a row, never held.
  await say(ada.page, "owner one");
  await say(ada.page, "owner two");
  await messageWithText(bob.page, "owner two").waitFor();
  await expect(ada.page.locator("#text").isDisabled()).resolves.toBe(false);
});

test("axe finds no serious or critical violation with the menu, a confirmation and the room settings open", async () => {
  const ada = await bed.person("Ada", "axe");
  const bob = await bed.person("Bob", "axe");
  const bobId = (await bob.session()).user.id;
  await moderateButton(ada.page, bobId).click();
  await ada.page.getByRole("menu").waitFor();
  expect(await seriousViolations(ada.page)).toEqual([]);
  await menuItem(ada.page, "Kick from the room").click();
  await ada.page.locator(".mod-confirm").waitFor();
  expect(await seriousViolations(ada.page)).toEqual([]);
  await ada.page.keyboard.press("Escape");
  await ada.page.locator(".mod-confirm").waitFor({ state: "detached" });
  await ada.page.locator("#room-settings .room-settings-toggle").click();
  await ada.page.getByLabel("Topic").waitFor();
  expect(await seriousViolations(ada.page)).toEqual([]);

  // On a phone the open settings stay on screen, without sideways scrolling.
  await ada.page.setViewportSize({ width: 390, height: 844 });
  const box = await ada.page.locator(".room-settings-form").boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  await expect(ada.page.evaluate<boolean>("document.documentElement.scrollWidth <= innerWidth")).resolves.toBe(true);
});
