import { emitAck, okData, setup, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("system:healthcheck answers healthy", async () => {
  const sys = await t.connectSystem();
  expect(await emitAck(sys, "system:healthcheck")).toEqual({ ok: true, data: { status: "healthy" } });
});

test("system:state reports clients, rooms and the node id", async () => {
  const { socket } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  const sys = await t.connectSystem();
  const state = okData(await emitAck(sys, "system:state"));
  expect(state).toEqual({ connectedClients: 2, uptime: expect.any(Number), rooms: 1, games: 0, node: "test-node" });
});

test("system events reject a payload they do not take", async () => {
  const sys = await t.connectSystem();
  const ack = await emitAck(sys, "system:state", { unexpected: true });
  expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
});

test("an unknown /system event with a callback answers UNKNOWN_EVENT", async () => {
  const sys = await t.connectSystem();
  const ack = await emitAck(sys, "system:reboot", {});
  expect(ack).toMatchObject({ ok: false, error: { code: "UNKNOWN_EVENT" } });
});
