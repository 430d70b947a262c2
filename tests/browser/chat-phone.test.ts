/**
 * The chat page on a phone and for everyone (issue 16), in Chromium: at
 * 390 × 844 nothing scrolls sideways, the sidebar hides behind a labelled
 * button and the input and Send stay on screen; guests with the same name are
 * told apart by a tag from their user id; `/?Craig` signs in as Craig; and
 * axe-core finds no serious or critical violation on a chat full of messages,
 * replies, reactions, notices and a DM, nor on the phone with the sidebar open.
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { chatTestbed, messageWithText, say } from "./chat-people";

const bed = chatTestbed();
const PHONE = { width: 390, height: 844 };

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
async function seriousViolations(page: Page) {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate<
    { id: string; impact: string | null; targets: string[] }[]
  >(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) })))`);
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const noSidewaysScroll = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") as Promise<boolean>;

/** The element's box is inside the viewport. */
async function onScreen(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  return !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height;
}

test("at 390 × 844: no sideways scrolling, the sidebar behind a labelled button, input and Send on screen", async () => {
  const phone = await bed.person("Pia", "mobile", { viewport: PHONE });
  const desk = await bed.person("Dee", "mobile");
  await say(desk.page, `a long word: ${"x".repeat(300)} and https://example.com/${"path/".repeat(40)}`);
  await say(desk.page, "short one");
  await messageWithText(phone.page, "short one").waitFor();
  await messageWithText(phone.page, "short one").locator("[data-action=reply]").click();
  await say(phone.page, "replying from the phone with a fairly long line of text that has to wrap");
  await messageWithText(desk.page, "replying from the phone with a fairly long line of text that has to wrap").waitFor();

  expect(await noSidewaysScroll(phone.page)).toBe(true);
  expect(await phone.page.locator("#sidebar").isVisible()).toBe(false);
  const toggle = phone.page.locator("#sidebar-toggle");
  await expect(toggle.getAttribute("aria-label")).resolves.toBe("Rooms and conversations");
  await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("false");
  expect(await onScreen(phone.page, "#text")).toBe(true);
  expect(await onScreen(phone.page, "#send")).toBe(true);
  expect(await onScreen(phone.page, "#sidebar-toggle")).toBe(true);

  await toggle.click();
  await phone.page.locator("#sidebar").waitFor({ state: "visible" });
  await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("true");
  expect(await noSidewaysScroll(phone.page)).toBe(true);
  expect(await seriousViolations(phone.page)).toEqual([]);
  // Picking a room closes the sidebar again.
  await phone.page.locator("#rooms li[data-room=mobile] button.room-link").click();
  await phone.page.locator("#sidebar").waitFor({ state: "hidden" });
  expect(await onScreen(phone.page, "#send")).toBe(true);
  // On a touch screen it closes by its Close button, or by a tap on the conversation beside it.
  await toggle.click();
  await phone.page.locator("#sidebar-close").click();
  await phone.page.locator("#sidebar").waitFor({ state: "hidden" });
  await toggle.click();
  await phone.page.locator("#sidebar").waitFor({ state: "visible" });
  await phone.page.mouse.click(370, 420);
  await phone.page.locator("#sidebar").waitFor({ state: "hidden" });
  await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("false");
});

test("two guests called Sam are told apart; /?Craig signs in as Craig", async () => {
  const sam1 = await bed.person("Sam", "names");
  const sam2 = await bed.person("Sam", "names");
  const [id1, id2] = [(await sam1.session()).user.id, (await sam2.session()).user.id];
  await sam1.page.locator(`#members li[data-user="${id2}"]`).waitFor();
  const tag1 = await sam1.page.locator(`#members li[data-user="${id1}"] .tag`).textContent();
  const tag2 = await sam1.page.locator(`#members li[data-user="${id2}"] .tag`).textContent();
  expect(tag1).toMatch(/^#[0-9a-f]{4}$/);
  expect(tag2).toMatch(/^#[0-9a-f]{4}$/);
  expect(tag1).not.toBe(tag2);
  await say(sam2.page, "which Sam am I?");
  const line = messageWithText(sam1.page, "which Sam am I?");
  await expect(line.locator(".author").textContent()).resolves.toBe("Sam");
  await expect(line.locator(".tag").textContent()).resolves.toBe(tag2);

  const craig = await bed.person("Craig", "names", { path: "/?Craig" });
  await expect(craig.page.locator("#me").textContent()).resolves.toBe("signed in as Craig");
  await expect(craig.page.locator("#login").isHidden()).resolves.toBe(true);
});

test("axe finds nothing serious on a chat with messages, a reply, reactions, notices and a DM", async () => {
  const ada = await bed.person("Ada", "axe");
  const bob = await bed.person("Bob", "axe");
  await say(bob.page, "hello");
  const hello = messageWithText(ada.page, "hello");
  await hello.locator("[data-action=reply]").click();
  await say(ada.page, "hi Bob");
  await hello.locator("[data-action=react]").click();
  await hello.locator(".picker button").first().click();
  await hello.locator(".reaction").waitFor();
  await hello.locator("[data-action=react]").click();
  await hello.locator(".picker").waitFor();
  const bobId = (await bob.session()).user.id;
  await bob.page.locator(`#members li:not([data-user="${bobId}"]) button.member-link`).click();
  await say(bob.page, "a DM");
  await ada.page.locator("#dms li .badge", { hasText: "1" }).waitFor();
  await ada.page.locator("#search-q").fill("hello");
  await ada.page.locator("#search-q").press("Enter");
  await ada.page.locator("#search-results mark").waitFor();
  expect(await seriousViolations(ada.page)).toEqual([]);
  expect(await seriousViolations(bob.page)).toEqual([]);
});

test("keyboard only: message actions are reached with Tab and shown when focused; the phone sidebar opens and closes by keys", async () => {
  const ada = await bed.person("Ada", "keys");
  const bob = await bed.person("Bob", "keys");
  await say(bob.page, "reach me by keyboard");
  await messageWithText(ada.page, "reach me by keyboard").waitFor();

  // From the composer, Shift+Tab walks back into the last message's action buttons.
  await ada.page.locator("#text").focus();
  const action = () => ada.page.evaluate("document.activeElement && document.activeElement.dataset.action") as Promise<string | undefined>;
  for (let i = 0; i < 6 && (await action()) !== "reply"; i++) await ada.page.keyboard.press("Shift+Tab");
  expect(await action()).toBe("reply");
  const opacity = await ada.page.evaluate("getComputedStyle(document.activeElement.closest('.actions')).opacity");
  expect(opacity).toBe("1");
  await ada.page.keyboard.press("Enter");
  await ada.page.locator("#composer-context", { hasText: "Replying to Bob" }).waitFor();
  await ada.page.locator("#text").press("Escape");
  await ada.page.locator("#composer-context").waitFor({ state: "hidden" });

  const phone = await bed.person("Pat", "keys", { viewport: PHONE });
  await phone.page.locator("#sidebar-toggle").focus();
  await phone.page.keyboard.press("Enter");
  await phone.page.locator("#sidebar").waitFor({ state: "visible" });
  expect(await phone.page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")).toBe(true);
  await phone.page.keyboard.press("Escape");
  await phone.page.locator("#sidebar").waitFor({ state: "hidden" });
  expect(await phone.page.evaluate("document.activeElement.id")).toBe("sidebar-toggle");
});
