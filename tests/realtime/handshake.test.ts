import { createTokenSigner } from "../../server/auth/tokens";
import { emitAck, setup, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

async function handshakeError(token: unknown) {
  const err = await t.connectChat(token as string).then(
    () => undefined,
    (e: Error & { data?: { code: string } }) => e,
  );
  return err;
}

test.each([
  ["no token", undefined],
  ["a garbage token", "garbage"],
  ["a token that is not a string", 12345],
  [
    "a token signed with another secret",
    createTokenSigner("another-secret-another-secret", 60_000).issue({ id: "u_x", name: "Eve" }).token,
  ],
])("a handshake with %s fails with UNAUTHORIZED", async (_label, token) => {
  const err = await handshakeError(token);
  expect(err?.message).toBe("UNAUTHORIZED");
  expect(err?.data?.code).toBe("UNAUTHORIZED");
});

test("a valid token connects, and the same token works for a second tab", async () => {
  const { session } = await t.connectUser("Ada");
  const tab2 = await t.connectChat(session.token);
  expect(tab2.connected).toBe(true);
});

test("an unknown /chat event with a callback answers UNKNOWN_EVENT; without one it is ignored", async () => {
  const { socket } = await t.connectUser("Ada");
  (socket as unknown as { emit(ev: string, payload: unknown): void }).emit("no:such:event", {});
  const ack = await emitAck(socket, "no:such:event", {});
  expect(ack).toEqual({ ok: false, error: { code: "UNKNOWN_EVENT", message: expect.stringContaining("no:such:event") } });
  expect((await emitAck(socket, "room:list", {})).ok).toBe(true);
});

test("more than one payload argument is BAD_REQUEST", async () => {
  const { socket } = await t.connectUser("Ada");
  const ack = await emitAck(socket, "room:join", { room: "a" }, { room: "b" });
  expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "(arguments)" } } });
});
