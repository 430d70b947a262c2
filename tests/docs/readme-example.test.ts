/**
 * The README's socket.io-client script, run as it is (a real `node` process)
 * against a live server: the example a newcomer copies must work.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setup, tempDir, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

function readmeBlock(marker: string): string {
  const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
  const match = readme.match(new RegExp(`<!-- example:${marker} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``));
  if (!match) throw new Error(`README has no example:${marker} block`);
  return match[1];
}

test("the README's raw socket.io-client script runs, joins and sends", async () => {
  const code = readmeBlock("raw-client");
  expect(code.trim().split("\n").length).toBeLessThanOrEqual(16);
  // Run it from inside the repo so `socket.io-client` resolves from node_modules.
  const file = path.join(__dirname, `../../.readme-example-${process.pid}.mjs`);
  fs.writeFileSync(file, code);
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [file],
        { env: { ...process.env, PARLOR_URL: t.url }, cwd: tempDir(), timeout: 15_000 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      );
    });
    expect(stdout).toMatch(/joined #lobby with 1 member\(s\), 0 recent message\(s\)/);
    expect(stdout).toMatch(/sent as seq 1/);
  } finally {
    fs.rmSync(file, { force: true });
  }
});
