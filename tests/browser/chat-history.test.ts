/**
 * Scrolling back through a room's whole history in Chromium (issue 16): a room
 * of 205 messages opens with the latest 50, and scrolling up pages through
 * message:history until "This is the beginning" and message 1, each message
 * once and in order; the Load older button does the same by keyboard.
 */
import { UNLIMITED_EVENTS, emitAck, okData } from "../helpers";
import { chatTestbed } from "./chat-people";

const bed = chatTestbed(UNLIMITED_EVENTS);

async function seed(room: string, count: number) {
  const { socket } = await bed.t.connectUser("Seeder");
  okData(await emitAck(socket, "room:join", { room }));
  for (let i = 1; i <= count; i++) okData(await emitAck(socket, "message:send", { room, text: `message ${i}` }));
}

const seqs = (page: import("playwright-core").Page) =>
  page.evaluate("[...document.querySelectorAll('#messages li.msg[data-seq]')].map((li) => Number(li.dataset.seq))") as Promise<number[]>;

test("scrolling up pages back to the very first of 205 messages", async () => {
  await seed("long", 205);
  const { page } = await bed.person("Reader", "long");
  await page.locator("#messages li.msg[data-seq='205']").waitFor();
  expect((await seqs(page)).length).toBe(50);
  expect(await page.locator("#history-start").count()).toBe(0);

  // Scroll to the top until the start of the room shows (each scroll loads one page of older messages).
  for (let i = 0; i < 10 && (await page.locator("#history-start").count()) === 0; i++) {
    await page.evaluate("document.getElementById('messages').scrollTop = 0");
    await page.waitForTimeout(300);
  }
  await page.locator("#history-start", { hasText: "This is the beginning of #long." }).waitFor();
  expect(await seqs(page)).toEqual(Array.from({ length: 205 }, (_, i) => i + 1));
  await expect(page.locator("#messages li.msg[data-seq='1'] .text").textContent()).resolves.toBe("message 1");
});

test("the Load older button pages back by keyboard, keeping the reader's place", async () => {
  await seed("keys", 120);
  const { page } = await bed.person("Keys", "keys");
  await page.locator("#messages li.msg[data-seq='120']").waitFor();
  await page.locator("#load-older").focus();
  await page.keyboard.press("Enter");
  await page.locator("#messages li.msg[data-seq='1']").waitFor();
  expect((await seqs(page)).length).toBe(120);
  // What was at the top before (message 71) is still on screen: the older page went above it.
  const visible = await page.evaluate(`(() => {
    const list = document.getElementById('messages').getBoundingClientRect();
    const r = document.querySelector('#messages li.msg[data-seq="71"]').getBoundingClientRect();
    return r.bottom > list.top && r.top < list.bottom;
  })()`);
  expect(visible).toBe(true);
});
