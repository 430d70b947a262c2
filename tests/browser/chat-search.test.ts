/**
 * Search on the chat page in Chromium (issue 16): matches highlighted with
 * <mark> (the snippet's [ ] markers never shown), arrow keys move through the
 * results, Enter opens one in its room in context (history loaded back to it,
 * scrolled to and highlighted), and a bad query gets a friendly sentence.
 */
import type { Page } from "playwright-core";
import { UNLIMITED_EVENTS, emitAck, okData } from "../helpers";
import { chatTestbed } from "./chat-people";

const bed = chatTestbed(UNLIMITED_EVENTS);

const focusedSeq = (page: Page) =>
  page.evaluate("document.activeElement && document.activeElement.dataset.seq") as Promise<string | undefined>;

test("highlighted results, arrow keys, Enter jumps to the message in context; bad queries read as sentences", async () => {
  const { socket } = await bed.t.connectUser("Seeder");
  okData(await emitAck(socket, "room:join", { room: "find" }));
  for (let i = 1; i <= 150; i++) {
    const text = i === 3 ? "the needle is here" : i === 140 ? "another needle, later" : `hay ${i}`;
    okData(await emitAck(socket, "message:send", { room: "find", text }));
  }
  const { page } = await bed.person("Finder", "find");
  await page.locator("#messages li.msg[data-seq='150']").waitFor();
  expect(await page.locator("#messages li.msg[data-seq='3']").count()).toBe(0);
  await page.locator("#join-room").fill("other");
  await page.locator("#join-room").press("Enter");
  await page.locator("#room-title", { hasText: "#other" }).waitFor();

  await page.locator("#search-q").fill("needle");
  await page.locator("#search-q").press("Enter");
  const results = page.locator("#search-results button.result");
  await results.nth(1).waitFor();
  expect(await results.count()).toBe(2);
  expect(await page.locator("#search-results mark").allTextContents()).toEqual(["needle", "needle"]);
  const shown = (await page.locator("#search-results").textContent()) ?? "";
  expect(shown).not.toMatch(/[[\]]/);

  // Down enters the list, down and up move through it.
  await page.locator("#search-q").press("ArrowDown");
  const first = await focusedSeq(page);
  await page.keyboard.press("ArrowDown");
  const second = await focusedSeq(page);
  expect([first, second].sort()).toEqual(["140", "3"]);
  await page.keyboard.press("ArrowUp");
  expect(await focusedSeq(page)).toBe(first);
  if (first !== "3") await page.keyboard.press("ArrowDown");
  expect(await focusedSeq(page)).toBe("3");
  await page.keyboard.press("Enter");

  const target = page.locator("#messages li.msg[data-seq='3']");
  await target.and(page.locator(".highlight")).waitFor();
  await page.locator("#room-title", { hasText: "#find" }).waitFor();
  expect(await focusedSeq(page)).toBe("3");
  const inView = await page.evaluate(`(() => {
    const list = document.getElementById('messages').getBoundingClientRect();
    const r = document.querySelector('#messages li.msg[data-seq="3"]').getBoundingClientRect();
    return r.top >= list.top && r.bottom <= list.bottom;
  })()`);
  expect(inView).toBe(true);
  // Every message between it and the latest is held: the context around it is there.
  expect(await page.locator("#messages li.msg[data-seq]").count()).toBeGreaterThanOrEqual(148);

  await page.locator("#search-q").fill("*");
  await page.locator("#search-q").press("Enter");
  const error = page.locator("#search-results li.error[role=alert]");
  await error.waitFor();
  const text = (await error.textContent()) ?? "";
  expect(text).toMatch(/^That search didn't work: try plain words or a prefix such as hel\*/);
  expect(text).not.toMatch(/BAD_REQUEST/);
});
