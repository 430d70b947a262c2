/**
 * Debian's python3-socketio, for tests that drive a non-JavaScript client.
 * It is importable by /usr/bin/python3 only (the python3 first on PATH may be
 * another interpreter). Under CI=true a missing package is a failing test,
 * never a skip; elsewhere the tests that need it are skipped.
 */
import { execFileSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

function pythonSocketio(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import socketio, websocket"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * `test`, or `test.skip` when python3-socketio is missing (registering a failing test instead under CI).
 *
 * @example
 * const maybe = pythonTest();
 * maybe("hello.py talks to a live server", async () => { ... });
 */
export function pythonTest(): jest.It {
  const available = pythonSocketio();
  if (!available && process.env.CI === "true") {
    test("python3-socketio is installed (CI)", () => {
      throw new Error(`${PYTHON} cannot import socketio/websocket: .ci/run installs python3-socketio python3-websocket`);
    });
  }
  return available ? test : test.skip;
}
