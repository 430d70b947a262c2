/**
 * Fuzzing over a live socket: PER_EVENT generated invalid emits for every
 * `/chat` and `/system` event (wrong types, missing fields, nulls, huge
 * strings, deep nesting, prototype-pollution keys, Buffers, extra arguments,
 * missing callbacks), sent by tests/security/fuzz-client.ts in its own
 * process. Zero crashes or disconnects; every emit with a callback gets
 * exactly one answer, `{ ok: false }` with BAD_REQUEST and no internals;
 * Object.prototype stays clean; a normal client works afterwards.
 * Payloads come from fast-check with fixed seeds (`seedOf` in the client): a
 * failure names the event and the index. FUZZ_PER_EVENT changes the count
 * (default 10,000 per event, 120,000 in all); REPORT=1 prints the figures.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { createSession, emitAck, okData, setup, UNLIMITED_EVENTS, type TestServer } from "../helpers";
import { EVENT_SHAPES } from "./fuzz-arbitraries";
import type { EventReport } from "./fuzz-client";

const SEED = 20_251_103;
const PER_EVENT = Number(process.env.FUZZ_PER_EVENT ?? 10_000);
const ROOT = path.resolve(__dirname, "../..");

let t: TestServer;
const reports = new Map<string, EventReport>();
let clientMs = 0;

/** Runs the fuzz client to the end; resolves once every event has its report. */
function runFuzzClient(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "fuzz-client.ts"), url, token, String(PER_EVENT), String(SEED)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const report = JSON.parse(out.slice(0, nl)) as EventReport;
        reports.set(report.event, report);
        out = out.slice(nl + 1);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      clientMs = performance.now() - started;
      if (code === 0) resolve();
      else reject(new Error(`fuzz client exited with ${code}: ${err.slice(0, 1000)}`));
    });
  });
}

beforeAll(async () => {
  // The limit is raised so the fuzz reaches validation instead of RATE_LIMITED.
  t = await setup(UNLIMITED_EVENTS);
  const session = await createSession(t.url, "Fuzzer");
  await runFuzzClient(t.url, session.token);
}, 180_000);
afterAll(() => t.cleanup());

describe.each(Object.keys(EVENT_SHAPES))("fuzz %s", (event) => {
  test(`${PER_EVENT} invalid emits: each with a callback answered exactly once with ok:false; nothing breaks`, () => {
    const report = reports.get(event);
    expect(report).toBeDefined();
    expect(report!.emits).toBe(PER_EVENT);
    expect(report!.failures).toEqual([]);
    expect(report!.disconnects).toEqual([]);
    // Exactly one ack packet per emit that carried a callback, and none for the others.
    expect(report!.withAck).toBeGreaterThan(PER_EVENT / 2);
    expect(report!.ackPackets).toBe(report!.withAck);
    expect(report!.ackIds).toBe(report!.withAck);
  });
});

test("afterwards: no prototype pollution in the server's process, and a normal client works", async () => {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);

  const { socket: ada } = await t.connectUser("Ada");
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(ada, "room:join", { room: "after" }));
  okData(await emitAck(bob, "room:join", { room: "after" }));
  const sent = okData(await emitAck(ada, "message:send", { room: "after", text: "hello after the fuzz" }));
  expect(sent.message).toMatchObject({ seq: 1, text: "hello after the fuzz" });
  expect(okData(await emitAck(await t.connectSystem(), "system:healthcheck"))).toEqual({ status: "healthy" });

  if (process.env.REPORT) {
    const all = [...reports.values()];
    const sum = (f: (r: EventReport) => number) => all.reduce((a, r) => a + f(r), 0);
    console.log(
      `fuzz: ${sum((r) => r.emits)} emits (${sum((r) => r.withAck)} with a callback) over ${all.length} events in ${(clientMs / 1000).toFixed(1)} s; ` +
        all.map((r) => `${r.event} ${(r.elapsedMs / 1000).toFixed(1)} s`).join(", "),
    );
  }
});
