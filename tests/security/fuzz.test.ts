/**
 * Fuzzing over a live socket: PER_EVENT generated invalid emits for every
 * `/chat` and `/system` event (wrong types, missing fields, nulls, huge
 * strings, deep nesting, prototype-pollution keys, Buffers, extra arguments,
 * missing callbacks). Zero crashes or disconnects; every emit with a callback
 * gets exactly one answer, `{ ok: false }` with BAD_REQUEST and no internals;
 * Object.prototype stays clean; a normal client works afterwards.
 * Payloads come from fast-check with a fixed seed per event (`seedOf`): a
 * failure names the event and the index, and
 * `fc.sample(fuzzEmit(event), { seed: seedOf(event), numRuns: index + 1 })` gives it back.
 * FUZZ_PER_EVENT changes the count (default 10,000 per event, 120,000 in all).
 */
import fc from "fast-check";
import type { Socket } from "socket.io-client";
import { emitAck, okData, setup, UNLIMITED_EVENTS, type TestServer } from "../helpers";
import { EVENT_SHAPES, fuzzEmit, type FuzzEmit } from "./fuzz-arbitraries";
import { sleep } from "./support";

const SEED = 20_251_103;
const seedOf = (event: string) => SEED + [...event].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0);
const PER_EVENT = Number(process.env.FUZZ_PER_EVENT ?? 10_000);
/** Emits in flight at once: enough to pipeline, few enough to keep memory flat. */
const WINDOW = 500;

let t: TestServer;
const sockets: Record<"/chat" | "/system", Socket<any, any> | undefined> = { "/chat": undefined, "/system": undefined };
const disconnects: string[] = [];
const totals = { emits: 0, withAck: 0 };

beforeAll(async () => {
  // The limit is raised so the fuzz reaches validation instead of RATE_LIMITED.
  t = await setup(UNLIMITED_EVENTS);
  const { socket } = await t.connectUser("Fuzzer");
  okData(await emitAck(socket, "room:join", { room: "fuzz" }));
  sockets["/chat"] = socket;
  sockets["/system"] = await t.connectSystem();
  for (const [nsp, s] of Object.entries(sockets)) s!.on("disconnect", (reason: string) => disconnects.push(`${nsp}: ${reason}`));
});
afterAll(() => t.cleanup());

/** Short description of a payload for failure messages (they can be 40 KB). */
const describeEmit = (e: FuzzEmit) => {
  const text = JSON.stringify(e.args, (_k, v: unknown) => (Buffer.isBuffer(v) || ArrayBuffer.isView(v) ? `<binary ${(v as Uint8Array).length} B>` : v));
  return `${e.withAck ? "with" : "without"} ack: ${text === undefined ? "?" : text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text}`;
};

// Invalid input is refused by validation, never by anything later (and never INTERNAL).
const ERROR_SHAPE = /^BAD_REQUEST$/;
const INTERNALS = /\bat .+:\d+|node_modules|[A-Za-z]+Error\b|stack/;

/**
 * Sends emits the way a hostile client would: JSON payloads as raw socket.io
 * packets (exact bytes, `__proto__` keys intact, no client-side timers),
 * binary ones through socket.io-client's encoder (attachments). Answers are
 * read off the wire by ack id; every ack packet is counted, so a second
 * answer to one emit shows up.
 */
function wireEmitter(socket: Socket<any, any>, nsp: string) {
  let nextId = 1_000_000; // above the ids socket.io-client hands out itself
  const waiting = new Map<number, (answer: unknown) => void>();
  const counts = new Map<number, number>();
  const onPacket = (packet: { type: number; nsp: string; id?: number; data?: unknown[] }) => {
    if ((packet.type !== 3 && packet.type !== 6) || packet.nsp !== nsp || packet.id === undefined) return;
    counts.set(packet.id, (counts.get(packet.id) ?? 0) + 1);
    waiting.get(packet.id)?.(packet.data?.[0]);
    waiting.delete(packet.id);
  };
  socket.io.on("packet", onPacket);
  const prefix = nsp === "/" ? "" : `${nsp},`;
  return {
    counts,
    emit(event: string, e: FuzzEmit): Promise<unknown> | undefined {
      const json = JSON.stringify([event, ...e.args]);
      // The generators make binary data as Buffers only, which JSON shows as {"type":"Buffer",...}
      // (a look-alike made of plain JSON only takes the slower path, harmlessly).
      if (json.includes('"type":"Buffer"')) {
        if (!e.withAck) return void socket.emit(event, ...e.args);
        return new Promise((resolve) => socket.emit(event, ...e.args, resolve));
      }
      if (!e.withAck) return void socket.io.engine.write(`2${prefix}${json}`);
      const id = nextId++;
      socket.io.engine.write(`2${prefix}${id}${json}`);
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    stop: () => void socket.io.off("packet", onPacket),
  };
}

const NO_ANSWER = Symbol("no answer");
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<typeof NO_ANSWER>((resolve) => setTimeout(resolve, ms, NO_ANSWER).unref())]);

describe.each(Object.keys(EVENT_SHAPES))("fuzz %s", (event) => {
  test(`${PER_EVENT} invalid emits: each with a callback answered exactly once with ok:false; nothing breaks`, async () => {
    const { nsp } = EVENT_SHAPES[event]!;
    const socket = sockets[nsp]!;
    const emits = fc.sample(fuzzEmit(event), { seed: seedOf(event), numRuns: PER_EVENT });
    const wire = wireEmitter(socket, nsp);
    const failures: string[] = [];
    let withAck = 0;

    for (let start = 0; start < emits.length; start += WINDOW) {
      const batch = emits.slice(start, start + WINDOW);
      const answers = batch.map((e) => wire.emit(event, e));
      for (const [i, pending] of answers.entries()) {
        if (!pending) continue;
        withAck++;
        const answer = await within(pending, 10_000);
        const ack = answer as { ok?: unknown; error?: { code?: string } } | undefined;
        const problem =
          answer === NO_ANSWER
            ? "no answer within 10 s"
            : ack?.ok !== false
              ? `answered ${JSON.stringify(answer)?.slice(0, 200)}`
              : !ERROR_SHAPE.test(String(ack.error?.code))
                ? `code ${ack.error?.code}`
                : INTERNALS.test(JSON.stringify(ack.error))
                  ? `internals in ${JSON.stringify(ack.error).slice(0, 200)}`
                  : undefined;
        if (problem && failures.length < 10) failures.push(`#${start + i} ${problem} <- ${describeEmit(batch[i]!)}`);
      }
    }
    await sleep(50); // a second answer to any emit would have arrived by now
    wire.stop();

    expect(failures).toEqual([]);
    expect(disconnects).toEqual([]);
    // Exactly one ack packet per emit that carried a callback, and none for the others.
    expect([...wire.counts.values()].reduce((a, b) => a + b, 0)).toBe(withAck);
    expect(wire.counts.size).toBe(withAck);
    totals.emits += emits.length;
    totals.withAck += withAck;
  });
});

test("afterwards: no prototype pollution, and a normal client works", async () => {
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
  expect(okData(await emitAck(sockets["/system"]!, "system:healthcheck"))).toEqual({ status: "healthy" });
  expect(sockets["/chat"]!.connected).toBe(true);
  if (process.env.REPORT) console.log(`fuzz: ${totals.emits} emits (${totals.withAck} with a callback) over ${Object.keys(EVENT_SHAPES).length} events`);
});
