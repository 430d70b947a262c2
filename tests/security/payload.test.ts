/**
 * Payload limits: an oversized packet closes only its own connection; huge,
 * deep, binary or malformed payloads get a fast BAD_REQUEST (or, for broken
 * packets, a closed connection), never INTERNAL, a stack trace or a crash;
 * each rejected input is logged once with the user and the event.
 */
import type { Socket } from "socket.io-client";
import { emitAck, okData, setup, type ChatSocket, type TestServer } from "../helpers";
import { countAckPackets, sleep } from "./support";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

async function joined(name: string, transports: string[] = ["websocket"]) {
  const { socket: first, session } = await t.connectUser(name);
  const socket = transports[0] === "websocket" ? first : await t.connectChat(session.token, { transports });
  okData(await emitAck(socket, "room:join", { room: "limits" }));
  return { socket, session };
}

/** Writes a raw socket.io packet (engine.io message) that socket.io-client would never encode. */
const writeRaw = (socket: Socket<any, any>, packet: string | Buffer) => socket.io.engine.write(packet);

const deepArray = (depth: number, inner = "0") => "[".repeat(depth) + inner + "]".repeat(depth);
const deepObject = (depth: number): unknown => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

async function expectStillWorks(socket: ChatSocket) {
  expect(socket.connected).toBe(true);
  expect((await emitAck(socket, "message:send", { room: "limits", text: "still fine" })).ok).toBe(true);
}

test.each([["websocket"], ["polling"]])(
  "a packet over maxHttpBufferSize (64 KiB) over %s closes that connection only",
  async (transport) => {
    expect(t.config.maxPayloadBytes).toBe(64 * 1024);
    const { socket: mallory } = await joined("Mallory", [transport]);
    const { socket: bob } = await joined("Bob");
    const gone = new Promise<string>((resolve) => mallory.once("disconnect", resolve));
    mallory.emit("message:send", { room: "limits", text: "x".repeat(70_000) }, () => undefined);
    expect(await gone).toMatch(/^transport (close|error)$/);
    await expectStillWorks(bob);
  },
);

test("a 60 KiB array and a 1000-deep object get a fast BAD_REQUEST", async () => {
  const { socket } = await joined("Ada");
  for (const payload of [
    Array.from({ length: 30_000 }, () => 1),
    { room: "limits", text: Array(11_000).fill("ab") },
    deepObject(1000),
    { room: deepObject(1000), text: "hi" },
  ]) {
    const started = performance.now();
    const ack = await emitAck(socket, "message:send", payload);
    expect(performance.now() - started).toBeLessThan(500);
    expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: expect.any(String) } } });
  }
  await expectStillWorks(socket);
});

test("a 30,000-deep array (written raw, near the packet limit) is BAD_REQUEST: no stack overflow anywhere", async () => {
  const { socket } = await joined("Ada");
  const acks = countAckPackets(socket, "/chat");
  const answer = new Promise<unknown>((resolve) =>
    socket.io.on("packet", (p: { id?: number; data?: unknown }) => p.id === 9001 && resolve(p.data)),
  );
  writeRaw(socket, `2/chat,9001["message:send",${deepArray(30_000)}]`);
  expect(await answer).toEqual([{ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) }]);
  await sleep(50);
  acks.stop();
  expect([...acks.counts]).toEqual([[9001, 1]]);
  await expectStillWorks(socket);
});

test("a 20,000-deep binary packet (placeholder at the bottom) is refused without taking the server down", async () => {
  const { socket: mallory } = await joined("Mallory");
  const { socket: bob } = await joined("Bob");
  const gone = new Promise<string>((resolve) => mallory.once("disconnect", resolve));
  const answer = new Promise<unknown>((resolve) =>
    mallory.io.on("packet", (p: { id?: number; data?: unknown }) => p.id === 9002 && resolve(p.data)),
  );
  writeRaw(mallory, `51-/chat,9002["message:send",${deepArray(20_000, '{"_placeholder":true,"num":0}')}]`);
  writeRaw(mallory, Buffer.from("attachment"));
  // Either the decoder gives up on it (connection closed) or it decodes and validation refuses it.
  const result = await Promise.race([gone, answer]);
  if (typeof result === "string") expect(result).toMatch(/^(transport close|parse error)$/);
  else expect(result).toEqual([{ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) }]);
  await expectStillWorks(bob);
  mallory.close();
});

test("text over 2000 characters, binary data and wrong argument counts are BAD_REQUEST", async () => {
  const { socket } = await joined("Ada");
  const long = await emitAck(socket, "message:send", { room: "limits", text: "y".repeat(2001) });
  expect(long).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "text" } } });
  for (const args of [[Buffer.alloc(1024)], [{ room: "limits", text: Buffer.from("hi") }], [], [{ room: "limits", text: "a" }, "extra"]]) {
    expect(await emitAck(socket, "message:send", ...args)).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  }
  await expectStillWorks(socket);
});

test.each([
  ["malformed JSON", '2/chat,1["message:send",{nope'],
  ["a reserved event name", '2/chat,2["disconnecting",{}]'],
  ["an unknown packet type", "9/chat,[]"],
  ["a binary packet whose attachment never comes", '51-/chat,3["message:send",{"_placeholder":true,"num":0}]'],
])("%s is contained to that connection (closed, or left waiting)", async (_label, packet) => {
  const { socket: mallory } = await joined("Mallory");
  const { socket: bob } = await joined("Bob");
  const gone = new Promise<string>((resolve) => mallory.once("disconnect", resolve));
  writeRaw(mallory, packet);
  // A binary header waits for its attachment: the server holds it, nothing else happens.
  const result = await Promise.race([gone, sleep(300).then(() => "still connected")]);
  if (packet.startsWith("51-")) expect(result).toBe("still connected");
  else expect(result).toMatch(/^(transport close|parse error|io server disconnect)$/);
  await expectStillWorks(bob);
  mallory.close();
});

test("a rejected input is logged once, with the user and the event; the client sees no internals", async () => {
  const { socket, session } = await joined("Ada");
  const info = jest.spyOn(t.parlor.log, "info");
  const ack = await emitAck(socket, "message:history", { room: "limits", limit: "lots" });
  await sleep(20);
  const logged = info.mock.calls.filter(([fields]) => (fields as { event?: string }).event === "message:history");
  info.mockRestore();
  expect(logged).toHaveLength(1);
  expect(logged[0]![0]).toMatchObject({ user: session.user.id, event: "message:history", code: "BAD_REQUEST" });
  expect(JSON.stringify(ack)).not.toMatch(/\bat .+:\d+|node_modules|Error:/);
});
