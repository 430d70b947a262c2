/**
 * examples/hello.py, the README's "From other languages" example, against a
 * live server with Debian's python3-socketio (installed by .ci/run). Under
 * CI=true a missing interpreter or package fails the test; locally it skips.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { PYTHON, pythonTest } from "../support/python";
import { setup, type TestServer } from "../helpers";

const EXAMPLE = path.resolve(__dirname, "../../examples/hello.py");
const maybe = pythonTest();

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(async () => t.cleanup());

maybe("examples/hello.py: refused handshake data, join, send, a clear error, one argument per event", async () => {
  const { socket } = await t.connectUser("Watcher");
  expect((await socket.emitWithAck("room:join", { room: "lobby" })).ok).toBe(true);
  const heard = new Promise<unknown[]>((resolve) => socket.once("message:new", (...args: unknown[]) => resolve(args)));

  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(PYTHON, [EXAMPLE, t.url], { timeout: 20_000 }, (err, out, stderr) =>
      err ? reject(new Error(`${err.message}\n${out}\n${stderr}`)) : resolve(out),
    ),
  );

  const args = await heard;
  expect(args).toHaveLength(1);
  expect((args[0] as { text: string }).text).toBe("hello from python");
  expect(stdout).toMatch(/refused handshake: .*UNAUTHORIZED/);
  expect(stdout).toContain("connected as hello-py");
  expect(stdout).toContain("joined #lobby: True 2 here");
  expect(stdout).toMatch(/sent message #1\n/);
  expect(stdout).toContain("expected error: BAD_REQUEST");
});
