/**
 * Socket.IO connection state recovery (short drops): the socket comes back
 * with the same id, its rooms and the events it missed — and Parlor's
 * presence agrees with Socket.IO's rooms before and after.
 */
import type { Message } from "../../server/protocol";
import { emitAck, okData, receives, waitFor, type ChatSocket, type TestServer } from "../helpers";
import { collectMessages, dropConnection, eventually, range, reconnect, setupUnlimited } from "./support";

let t: TestServer;
beforeEach(async () => (t = await setupUnlimited({ recoveryMs: 10_000 })));
afterEach(() => t.cleanup());

const memberNames = async (socket: ChatSocket, room = "lobby") =>
  okData(await emitAck(socket, "room:members", { room }))
    .members.map((u: { name: string }) => u.name)
    .sort();

async function lobbyPair() {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  // Recovery needs an offset: the client must have received at least one broadcast.
  await Promise.all([waitFor(ada.socket, "message:new"), emitAck(bob.socket, "message:send", { room: "lobby", text: "hi" })]);
  return { ada: ada.socket, bob: bob.socket, adaToken: ada.session.token };
}

test("a recovered socket keeps its id and rooms, gets the missed messages, and can send without rejoining", async () => {
  const { ada, bob } = await lobbyPair();
  okData(await emitAck(ada, "room:join", { room: "side" }));
  okData(await emitAck(bob, "room:join", { room: "side" }));
  const idBefore = ada.id;
  const live = collectMessages(ada);

  const left = waitFor(bob, "room:member-left");
  await dropConnection(ada);
  expect(await left).toMatchObject({ room: "lobby", user: { name: "Ada" } });
  await eventually(async () => (await memberNames(bob, "side")).length === 1, "Ada left side");
  expect(await memberNames(bob)).toEqual(["Bob"]);

  const missed = await Promise.all(range(1, 10).map((i) => emitAck(bob, "message:send", { room: "lobby", text: `missed ${i}` })));
  const joined = waitFor(bob, "room:member-joined");
  await reconnect(ada);

  expect(ada.recovered).toBe(true);
  expect(ada.id).toBe(idBefore);
  expect(await joined).toMatchObject({ room: "lobby", user: { name: "Ada" } });
  await eventually(() => live.length >= 10, "the missed messages were replayed");
  expect(live.map((m: Message) => m.seq)).toEqual(missed.map((a) => okData(a).message.seq));

  // Presence and rooms agree again: Ada is listed, may send, and hears Bob.
  expect(await memberNames(bob)).toEqual(["Ada", "Bob"]);
  expect(await memberNames(bob, "side")).toEqual(["Ada", "Bob"]);
  const [sent, heard] = await Promise.all([emitAck(ada, "message:send", { room: "lobby", text: "back" }), waitFor(bob, "message:new")]);
  expect(heard).toEqual(okData(sent).message);
  const [, adaHeard] = await Promise.all([emitAck(bob, "message:send", { room: "lobby", text: "welcome" }), waitFor(ada, "message:new")]);
  expect(adaHeard.text).toBe("welcome");
});

test("a recovered tab of a user who is still connected elsewhere announces nothing", async () => {
  const { ada, bob, adaToken } = await lobbyPair();
  const adaTab2 = await t.connectChat(adaToken);
  okData(await emitAck(adaTab2, "room:join", { room: "lobby" }));

  const [, leftHeard] = await Promise.all([dropConnection(ada), receives(bob, "room:member-left")]);
  expect(leftHeard).toBe(false);
  const [, joinedHeard] = await Promise.all([reconnect(ada), receives(bob, "room:member-joined")]);
  expect(ada.recovered).toBe(true);
  expect(joinedHeard).toBe(false);
  expect(await memberNames(bob)).toEqual(["Ada", "Bob"]);

  // The recovered socket is counted again: closing the other tab keeps Ada in the room.
  adaTab2.close();
  expect(await receives(bob, "room:member-left")).toBe(false);
  expect(await memberNames(bob)).toEqual(["Ada", "Bob"]);
});

test("a socket that leaves on purpose is not recovered and must rejoin", async () => {
  const { ada, bob } = await lobbyPair();
  ada.disconnect();
  await eventually(async () => (await memberNames(bob)).length === 1, "Ada left");
  await reconnect(ada);
  expect(ada.recovered).toBe(false);
  expect(await emitAck(ada, "message:send", { room: "lobby", text: "x" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});
