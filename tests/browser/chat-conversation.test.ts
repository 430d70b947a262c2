/**
 * The conversation view in Chromium with two people (issue 16): join and leave
 * notices inline, a reply with its quote, an edit mark, a tombstone, reactions
 * toggled by a click with who reacted in the title, day separators, "seen by"
 * on the latest message, and the "new messages" divider at the read cursor
 * with room:read sent as the reader sees the messages.
 */
import { emitAck, okData } from "../helpers";
import { chatTestbed, messageWithText, say, until } from "./chat-people";

const bed = chatTestbed();

test("notices, a reply with its quote, an edit, reactions with who, a tombstone, seen by", async () => {
  const { page: ada } = await bed.person("Ada", "conv");
  const { page: bob } = await bed.person("Bob", "conv");

  // Bob's join shows inline on Ada's page, with the guest tag that tells two Bobs apart.
  await ada.locator("#messages li.notice", { hasText: /^Bob #[0-9a-f]{4} joined$/ }).waitFor();
  await expect(ada.locator("#messages li.day").first().textContent()).resolves.toBe("Today");

  await say(ada, "first message");
  const original = messageWithText(bob, "first message");
  await original.waitFor();

  // Reply, by keyboard: the actions are buttons in the message.
  await original.locator("[data-action=reply]").focus();
  await bob.keyboard.press("Enter");
  await bob.locator("#composer-context", { hasText: "Replying to Ada: first message" }).waitFor();
  await say(bob, "a reply");
  await expect(bob.locator("#composer-context").isHidden()).resolves.toBe(true);
  const reply = messageWithText(ada, "a reply");
  await reply.waitFor();
  await expect(reply.locator(".quote .quote-author").textContent()).resolves.toBe("Ada");
  await expect(reply.locator(".quote .quote-text").textContent()).resolves.toBe("first message");

  // Ada edits her message: Bob sees the new text with the edited mark, and his reply's quote follows.
  await messageWithText(ada, "first message").locator("[data-action=edit]").click();
  await expect(ada.locator("#text").inputValue()).resolves.toBe("first message");
  await ada.locator("#composer-context", { hasText: "Editing your message" }).waitFor();
  await say(ada, "first message, edited");
  const edited = messageWithText(bob, "first message, edited");
  await edited.locator(".edited").waitFor();
  await messageWithText(bob, "a reply").locator(".quote-text", { hasText: "first message, edited" }).waitFor();
  // Bob may not edit Ada's message: no Edit button on it, and no Delete (he does not moderate).
  expect(await edited.locator("[data-action=edit], [data-action=delete]").count()).toBe(0);

  // Reactions: Bob picks one; Ada sees who; Ada's click adds hers, a second click takes it back.
  await edited.locator("[data-action=react]").click();
  await edited.locator(".picker button[aria-label='React with 👍']").click();
  const adaThumb = messageWithText(ada, "first message, edited").locator(".reaction[data-emoji='👍']");
  await adaThumb.filter({ hasText: "👍 1" }).waitFor();
  await expect(adaThumb.getAttribute("title")).resolves.toBe("Bob");
  await expect(adaThumb.getAttribute("aria-pressed")).resolves.toBe("false");
  await adaThumb.click();
  await adaThumb.filter({ hasText: "👍 2" }).waitFor();
  await expect(adaThumb.getAttribute("aria-pressed")).resolves.toBe("true");
  const bobThumb = edited.locator(".reaction[data-emoji='👍']");
  await bobThumb.filter({ hasText: "👍 2" }).waitFor();
  await expect(bobThumb.getAttribute("title")).resolves.toBe("you, Ada");
  await adaThumb.click();
  await bobThumb.filter({ hasText: "👍 1" }).waitFor();

  // Ada joined first, so she owns the room and may delete Bob's reply; Bob deletes it himself.
  expect(await messageWithText(ada, "a reply").locator("[data-action=delete]").count()).toBe(1);
  await expect(ada.locator("#chat").getAttribute("data-my-role")).resolves.toBe("owner");
  // Bob deletes his reply (two presses): a tombstone on both pages, its seq kept.
  const seq = await messageWithText(bob, "a reply").getAttribute("data-seq");
  const del = messageWithText(bob, "a reply").locator("[data-action=delete]");
  await del.click();
  await bob.locator(`#messages li.msg[data-seq="${seq}"] [data-action=delete]`, { hasText: "Confirm delete" }).click();
  const tomb = ada.locator(`#messages li.msg[data-seq="${seq}"]`);
  await tomb.locator(".tombstone", { hasText: "message deleted" }).waitFor();
  expect(await tomb.locator(".text, [data-action]").count()).toBe(0);
  await bob.locator(`#messages li.msg[data-seq="${seq}"] .tombstone`).waitFor();

  // Seen by: Bob's page is visible and focused, so it reads what arrives; Ada's latest message says so.
  await say(ada, "are you there?");
  await messageWithText(bob, "are you there?").waitFor();
  await ada.locator("#seen-by", { hasText: /^Seen by Bob #[0-9a-f]{4}$/ }).waitFor();
  const last = await ada.evaluate("document.querySelector('#seen-by').previousElementSibling.querySelector('.text').textContent");
  expect(last).toBe("are you there?");

  // Bob leaves the page: Ada sees him leave, inline.
  await bob.context().close();
  await ada.locator("#messages li.notice", { hasText: /^Bob #[0-9a-f]{4} left$/ }).waitFor();
});

test("the new-messages divider sits at the read cursor, and reading moves the cursor (room:read)", async () => {
  const ada = await bed.person("Ada", "news");
  const bob = await bed.person("Bob", "news");
  // Bob looks at another room; news stays joined (his membership lasts) but is not on screen.
  await bob.page.locator("#join-room").fill("elsewhere");
  await bob.page.locator("#join-room").press("Enter");
  await bob.page.locator("#room-title", { hasText: "#elsewhere" }).waitFor();

  await say(ada.page, "before");
  await bob.page.locator("#rooms li[data-room=news] .badge", { hasText: "1" }).waitFor();
  // Bob reads "before": open news, then back to elsewhere.
  await bob.page.locator("#rooms li[data-room=news] button.room-link").click();
  await messageWithText(bob.page, "before").waitFor();
  await bob.page.locator("#rooms li[data-room=news] .badge").waitFor({ state: "hidden" });
  await bob.page.locator("#rooms li[data-room=elsewhere] button.room-link").click();
  await bob.page.locator("#room-title", { hasText: "#elsewhere" }).waitFor();

  for (const text of ["one", "two", "three"]) await say(ada.page, text);
  await bob.page.locator("#rooms li[data-room=news] .badge", { hasText: "3" }).waitFor();
  await expect(bob.page.title()).resolves.toBe("(3) Parlor chat");

  const { token, user } = await bob.session();
  const bobSocket = await bed.t.connectChat(token);
  const unread = async () => okData(await emitAck(bobSocket, "room:mine", {})).rooms.find((r: { room: string }) => r.room === "news");
  expect((await unread()).unread).toBe(3);

  await bob.page.locator("#rooms li[data-room=news] button.room-link").click();
  const divider = bob.page.locator("#unread-divider");
  await divider.waitFor();
  // Right after "before", right before "one".
  expect(await bob.page.evaluate("document.querySelector('#unread-divider').nextElementSibling.querySelector('.text').textContent")).toBe(
    "one",
  );
  expect(
    await bob.page.evaluate("document.querySelector('#unread-divider').previousElementSibling.querySelector('.text').textContent"),
  ).toBe("before");
  // Seeing them marks them read: the badge, the title and the server's cursor.
  await bob.page.locator("#rooms li[data-room=news] .badge").waitFor({ state: "hidden" });
  await expect(bob.page.title()).resolves.toBe("Parlor chat");
  await until(async () => (await unread()).unread, 0);
  expect(user.name).toBe("Bob");
});

test("a page the reader does not see reads nothing; the divider marks where they left, and coming back reads", async () => {
  const ada = await bed.person("Ada", "away");
  const bob = await bed.person("Bob", "away");
  const bobSocket = await bed.t.connectChat((await bob.session()).token);
  const unread = async () =>
    okData(await emitAck(bobSocket, "room:mine", {})).rooms.find((r: { room: string }) => r.room === "away").unread;
  await say(ada.page, "seen");
  await messageWithText(bob.page, "seen").waitFor();
  await until(unread, 0);

  // Bob switches to another tab: the page is hidden.
  await bob.page.evaluate(`(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  })()`);
  await say(ada.page, "while away 1");
  await say(ada.page, "while away 2");
  await messageWithText(bob.page, "while away 2").waitFor();
  await bob.page.waitForTimeout(500);
  expect(await unread()).toBe(2);
  await expect(bob.page.title()).resolves.toBe("(2) Parlor chat");
  expect(await bob.page.evaluate("document.querySelector('#unread-divider').nextElementSibling.querySelector('.text').textContent")).toBe(
    "while away 1",
  );

  // Back on the tab: what is on screen is read.
  await bob.page.evaluate(`(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
  })()`);
  await until(unread, 0);
  await expect(bob.page.title()).resolves.toBe("Parlor chat");
});

test("a new message moves nothing above it: a text selection in an older one survives", async () => {
  const ada = await bed.person("Ada", "steady");
  const bob = await bed.person("Bob", "steady");
  await say(ada.page, "select this sentence");
  await messageWithText(bob.page, "select this sentence").waitFor();
  await bob.page.evaluate(`(() => {
    const text = [...document.querySelectorAll('#messages li.msg .text')].find((n) => n.textContent === 'select this sentence');
    const range = document.createRange();
    range.selectNodeContents(text);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  })()`);
  await say(ada.page, "a newer one");
  await messageWithText(bob.page, "a newer one").waitFor();
  await bob.page.waitForTimeout(300);
  expect(await bob.page.evaluate("getSelection().toString()")).toBe("select this sentence");
});
