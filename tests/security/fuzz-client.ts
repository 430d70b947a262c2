/**
 * The fuzzing client. fuzz.test.ts runs it in its own process (like a real
 * attacker, and so generating, encoding and checking run on the second core
 * while the server under test has the first):
 *   node --import tsx tests/security/fuzz-client.ts <url> <token> <perEvent> <seed>
 * It prints one JSON `EventReport` line per event.
 */
import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { EVENT_SHAPES, fuzzEmit, type FuzzEmit } from "./fuzz-arbitraries";

export interface EventReport {
  event: string;
  emits: number;
  withAck: number;
  /** At most 10 descriptions of emits answered wrongly (or not at all). */
  failures: string[];
  /** Ack packets on the wire, and distinct ack ids among them. */
  ackPackets: number;
  ackIds: number;
  /** Disconnects of this client's sockets so far (there should be none). */
  disconnects: string[];
  elapsedMs: number;
}

/** Emits in flight at once: enough to pipeline, few enough to keep memory flat. */
const WINDOW = 500;
// Invalid input is refused by validation, never by anything later (and never INTERNAL).
const ERROR_SHAPE = /^BAD_REQUEST$/;
const INTERNALS = /\bat .+:\d+|node_modules|[A-Za-z]+Error\b|stack/;

/** The seed of one event's payloads: `fc.sample(fuzzEmit(event), { seed: seedOf(seed, event), numRuns })` gives them back. */
export const seedOf = (seed: number, event: string) => seed + [...event].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0);

/** Short description of a payload for failure messages (they can be 40 KB). */
const describeEmit = (e: FuzzEmit) => {
  const text = JSON.stringify(e.args);
  return `${e.withAck ? "with" : "without"} ack: ${text === undefined ? "?" : text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text}`;
};

/**
 * Sends emits the way a hostile client would: JSON payloads as raw socket.io
 * packets (exact bytes, `__proto__` keys intact, no client-side timers),
 * binary ones through socket.io-client's encoder (attachments). Answers are
 * read off the wire by ack id; every ack packet is counted, so a second
 * answer to one emit shows up (socket.io-client would drop it silently).
 */
function wireEmitter(socket: Socket, nsp: string) {
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

function problemWith(answer: unknown): string | undefined {
  if (answer === NO_ANSWER) return "no answer within 10 s";
  const ack = answer as { ok?: unknown; error?: { code?: string } } | undefined;
  if (ack?.ok !== false) return `answered ${JSON.stringify(answer)?.slice(0, 200)}`;
  if (!ERROR_SHAPE.test(String(ack.error?.code))) return `code ${ack.error?.code}`;
  if (INTERNALS.test(JSON.stringify(ack.error))) return `internals in ${JSON.stringify(ack.error).slice(0, 200)}`;
  return undefined;
}

/** Sends `perEvent` invalid emits of `event` and checks every answer. */
async function fuzzEvent(socket: Socket, event: string, perEvent: number, seed: number, disconnects: string[]): Promise<EventReport> {
  const started = performance.now();
  const { nsp } = EVENT_SHAPES[event]!;
  const emits = fc.sample(fuzzEmit(event), { seed: seedOf(seed, event), numRuns: perEvent });
  const wire = wireEmitter(socket, nsp);
  const failures: string[] = [];
  let withAck = 0;
  // A sliding window, so the server always has work while this process checks answers.
  const inFlight: { index: number; answer: Promise<unknown> }[] = [];
  const settleOldest = async () => {
    const { index, answer } = inFlight.shift()!;
    const problem = problemWith(await within(answer, 10_000));
    if (problem && failures.length < 10) failures.push(`#${index} ${problem} <- ${describeEmit(emits[index]!)}`);
  };
  for (const [index, e] of emits.entries()) {
    const answer = wire.emit(event, e);
    if (!answer) continue;
    withAck++;
    inFlight.push({ index, answer });
    if (inFlight.length >= WINDOW) await settleOldest();
  }
  while (inFlight.length > 0) await settleOldest();
  await new Promise((resolve) => setTimeout(resolve, 50)); // a second answer to any emit would have arrived by now
  wire.stop();
  const ackPackets = [...wire.counts.values()].reduce((a, b) => a + b, 0);
  return {
    event,
    emits: emits.length,
    withAck,
    failures,
    ackPackets,
    ackIds: wire.counts.size,
    disconnects: [...disconnects],
    elapsedMs: performance.now() - started,
  };
}

function connect(url: string, options: Record<string, unknown>): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function main(): Promise<void> {
  const [url, token, perEvent, seed] = process.argv.slice(2);
  const sockets = { "/chat": await connect(`${url}/chat`, { auth: { token } }), "/system": await connect(`${url}/system`, {}) };
  const disconnects: string[] = [];
  for (const [nsp, s] of Object.entries(sockets)) s.on("disconnect", (reason) => disconnects.push(`${nsp}: ${reason}`));
  await sockets["/chat"].timeout(5000).emitWithAck("room:join", { room: "fuzz" });
  for (const event of Object.keys(EVENT_SHAPES)) {
    const report = await fuzzEvent(sockets[EVENT_SHAPES[event]!.nsp], event, Number(perEvent), Number(seed), disconnects);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
  for (const s of Object.values(sockets)) s.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`fuzz client failed: ${String(err)}\n`);
    process.exit(1);
  });
}
