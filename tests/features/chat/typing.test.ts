import { emitAck, okData, receives, setup, waitFor, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("typing reaches the others in the room with the user, not the sender", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  const [got, self] = await Promise.all([
    waitFor(bob.socket, "typing"),
    receives(ada.socket, "typing"),
    ada.socket.emit("typing", { room: "lobby", typing: true }),
  ]);
  expect(got).toEqual({ room: "lobby", user: ada.session.user, typing: true });
  expect(self).toBe(false);
});

test("typing with an ack: BAD_REQUEST for a bad payload, FORBIDDEN outside the room", async () => {
  const { socket } = await t.connectUser("Ada");
  expect(await emitAck(socket, "typing", { room: "lobby", typing: "yes" })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "typing" } },
  });
  expect(await emitAck(socket, "typing", { room: "lobby", typing: true })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});
