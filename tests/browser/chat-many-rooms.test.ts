/**
 * A user in many rooms (issue 16's sidebar at the protocol's default budget,
 * 20 events/s, burst 40): opening the page and reconnecting joins every room of
 * room:mine at once, past the burst. The page paces its joins and waits out
 * RATE_LIMITED, so every room is in the sidebar with live badges, no join error
 * shows, and the socket is never cut off as a flooder.
 */
import { emitAck, okData } from "../helpers";
import { chatTestbed } from "./chat-people";

const bed = chatTestbed();
const ROOMS = Array.from({ length: 60 }, (_, i) => `r${String(i).padStart(2, "0")}`);

test("60 rooms from room:mine all join after a reload and after a dropped connection, within the default budget", async () => {
  const ada = await bed.person("Ada", "lobby");
  const { token } = await ada.session();
  // Ada's own script joins 60 rooms at the allowed pace (they become hers, lasting).
  const script = await bed.t.connectChat(token);
  for (const room of ROOMS) {
    okData(await emitAck(script, "room:join", { room }));
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  script.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 2500)); // the budget refills

  await ada.page.reload();
  await ada.page.locator("#status.online").waitFor();
  const sidebarRooms = ada.page.locator("#rooms li[data-room]");
  await ada.page.locator("#rooms li[data-room=r59]").waitFor({ timeout: 30_000 });
  expect(await sidebarRooms.count()).toBe(ROOMS.length + 1);
  await expect(ada.page.locator("#error").textContent()).resolves.toBe("");

  // Every room is joined on the page's socket: a message in the last one badges it.
  const bob = await bed.t.connectUser("Bob");
  for (const room of ["r58", "r59"]) okData(await emitAck(bob.socket, "room:join", { room }));
  okData(await emitAck(bob.socket, "message:send", { room: "r59", text: "anyone here?" }));
  await ada.page.locator("#rooms li[data-room=r59] .badge", { hasText: "1" }).waitFor();

  // A dropped connection rejoins all 61 at once (RoomSync.rejoinAll): still no error, still not cut off.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const chat = bed.t.parlor.io.of("/chat");
  for (const s of await chat.fetchSockets()) if (s.data.user.name === "Ada") chat.sockets.get(s.id)?.conn.close();
  await ada.page.locator("#status.offline").waitFor();
  await ada.page.locator("#status.online").waitFor({ timeout: 30_000 });
  okData(await emitAck(bob.socket, "message:send", { room: "r58", text: "and here?" }));
  await ada.page.locator("#rooms li[data-room=r58] .badge", { hasText: "1" }).waitFor({ timeout: 30_000 });
  await expect(ada.page.locator("#error").textContent()).resolves.toBe("");
  await expect(ada.page.locator("#status").textContent()).resolves.toBe("online");
});
