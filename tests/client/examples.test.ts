/**
 * examples/hello.mjs runs under plain `node` against the compiled SDK.
 * The SDK is compiled here file by file with TypeScript's own emitter into a
 * temp `dist/` (a full `npm run build` is too slow for a unit test; `tsc
 * --noEmit` in `npm test` already type-checks the same files), next to a copy
 * of the example, exactly as the README tells users to run it.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { setup, tempDir, type TestServer } from "../helpers";
import { clientPool, nextEvent } from "./sdk-helpers";

const ROOT = path.resolve(__dirname, "../..");
let t: TestServer;
const pool = clientPool();
beforeEach(async () => (t = await setup()));
afterEach(async () => {
  pool.closeAll();
  await t.cleanup();
});

/** client/sdk/*.ts → <dir>/dist/client/sdk/*.js (CommonJS, as tsconfig.build.json emits them), and static/room-sync.js. */
function buildSdk(dir: string): void {
  const src = path.join(ROOT, "client", "sdk");
  const out = path.join(dir, "dist", "client", "sdk");
  fs.mkdirSync(out, { recursive: true });
  for (const file of fs.readdirSync(src).filter((f) => f.endsWith(".ts"))) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(src, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    fs.writeFileSync(path.join(out, file.replace(/\.ts$/, ".js")), outputText);
  }
  // The SDK's room catch-up is the browser's static/room-sync.js, plain JS that the build emits as is.
  fs.mkdirSync(path.join(dir, "dist", "static"));
  fs.copyFileSync(path.join(ROOT, "static", "room-sync.js"), path.join(dir, "dist", "static", "room-sync.js"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "examples"));
  fs.copyFileSync(path.join(ROOT, "examples", "hello.mjs"), path.join(dir, "examples", "hello.mjs"));
}

test("node examples/hello.mjs joins, sends, shows a ParlorError and exits 0", async () => {
  const dir = tempDir("parlor-example-");
  buildSdk(dir);
  const watcher = await pool.connect({ url: t.url, name: "Watcher", transports: ["websocket"] });
  await watcher.join("lobby");
  const heard = nextEvent(watcher, "message");

  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(dir, "examples", "hello.mjs"), t.url],
      { env: { ...process.env, HELLO_LISTEN_MS: "0" }, timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout })),
    ),
  );

  expect((await heard).text).toBe("hello from examples/hello.mjs");
  expect(stdout).toContain("connected as hello-script");
  expect(stdout).toContain("joined #lobby: 2 here");
  expect(stdout).toMatch(/sent message #1\n/);
  expect(stdout).toContain("expected error: FORBIDDEN");
  expect(stdout).toContain('search "hello": 1 result(s)');
  fs.rmSync(dir, { recursive: true, force: true });
});
