/**
 * The chat page's sidebar in Chromium (issue 16): the user's rooms come from
 * room:mine (after a reload too) and can be left; a member opens a direct
 * conversation with its own view, an incoming DM never shows in a room's view
 * but marks its conversation unread, and the tab title counts what is unread.
 */
import { emitAck, okData } from "../helpers";
import { chatTestbed, messageWithText, say } from "./chat-people";

const bed = chatTestbed();

test("rooms from room:mine survive a reload; Leave ends the membership", async () => {
  const ada = await bed.person("Ada", "alpha");
  await ada.page.locator("#join-room").fill("beta");
  await ada.page.locator("#join-room").press("Enter");
  await ada.page.locator("#room-title", { hasText: "#beta" }).waitFor();

  await ada.page.goto(`${bed.t.url}/?name=Ada&room=alpha`);
  await ada.page.locator("#status.online").waitFor();
  // beta is not in the URL: it comes back from room:mine.
  await ada.page.locator("#rooms li[data-room=beta]").waitFor();
  await ada.page.locator("#rooms li[data-room=alpha] button.room-link[aria-current=page]").waitFor();

  await ada.page.locator("#rooms li[data-room=beta] button.leave").click();
  await ada.page.locator("#rooms li[data-room=beta]").waitFor({ state: "detached" });
  const { token } = await ada.session();
  const socket = await bed.t.connectChat(token);
  const mine = okData(await emitAck(socket, "room:mine", {})).rooms.map((r: { room: string }) => r.room);
  expect(mine).toEqual(["alpha"]);

  // Leaving the room on screen moves to another one.
  await ada.page.locator("#join-room").fill("gamma");
  await ada.page.locator("#join-room").press("Enter");
  await ada.page.locator("#room-title", { hasText: "#gamma" }).waitFor();
  await ada.page.locator("#rooms li[data-room=gamma] button.leave").click();
  await ada.page.locator("#room-title", { hasText: "#alpha" }).waitFor();
  expect(await ada.page.locator("#rooms li").count()).toBe(1);
});

test("a member opens a DM view; a DM never shows in a room's view and marks its conversation unread", async () => {
  const ada = await bed.person("Ada", "dmroom");
  const bob = await bed.person("Bob", "dmroom");
  const bobId = (await bob.session()).user.id;
  const adaId = (await ada.session()).user.id;

  await ada.page.locator(`#members li[data-user="${bobId}"] button.member-link`).click();
  await ada.page.locator("#room-title", { hasText: /^@Bob #[0-9a-f]{4}$/ }).waitFor();
  await expect(ada.page.locator("#chat").getAttribute("data-view")).resolves.toBe("dm");
  await say(ada.page, "psst");
  await ada.page.locator("#messages li.msg[data-id]", { hasText: "psst" }).waitFor();

  // Bob is looking at the room: the DM marks the conversation and the title, not the room's view.
  const bobDm = bob.page.locator(`#dms li[data-user="${adaId}"]`);
  await bobDm.locator(".badge", { hasText: "1" }).waitFor();
  await expect(bob.page.title()).resolves.toBe("(1) Parlor chat");
  expect(await bob.page.locator("#messages", { hasText: "psst" }).count()).toBe(0);
  await expect(bob.page.locator("#room-title").textContent()).resolves.toBe("#dmroom");

  await bobDm.locator("button.dm-link").click();
  await bob.page.locator("#messages li.msg[data-id]", { hasText: "psst" }).waitFor();
  await bobDm.locator(".badge").waitFor({ state: "hidden" });
  await expect(bob.page.title()).resolves.toBe("Parlor chat");
  await say(bob.page, "hi back");
  await ada.page.locator("#messages li.msg[data-id]", { hasText: "hi back" }).waitFor();

  // Ada goes back to the room: neither DM is in it; a new DM marks her conversation.
  await ada.page.locator("#rooms li[data-room=dmroom] button.room-link").click();
  await ada.page.locator("#room-title", { hasText: "#dmroom" }).waitFor();
  await say(bob.page, "one more");
  await ada.page.locator(`#dms li[data-user="${bobId}"] .badge`, { hasText: "1" }).waitFor();
  expect(await ada.page.locator("#messages", { hasText: /psst|hi back|one more/ }).count()).toBe(0);
  expect(await messageWithText(ada.page, "one more").count()).toBe(0);

  // After a reload the conversation is listed from dm:list, still unread until opened.
  await ada.page.reload();
  await ada.page.locator("#status.online").waitFor();
  await ada.page.locator(`#dms li[data-user="${bobId}"] .badge`, { hasText: "1" }).waitFor();
  await ada.page.locator(`#dms li[data-user="${bobId}"] button.dm-link`).click();
  await ada.page.locator("#messages li.msg[data-id]", { hasText: "one more" }).waitFor();
  expect(await ada.page.locator("#messages li.msg[data-id] .text").allTextContents()).toEqual(["psst", "hi back", "one more"]);
});
