/**
 * `GET /metrics`: valid Prometheus text (checked line by line here, not by
 * prom-client's own parser), per-instance, and the counters move with what
 * clients do.
 */
import { emitAck, okData, setup, type TestServer } from "../helpers";

let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  // Two instances in one process: each has its own registry, nothing collides.
  server = await setup({ nodeId: "metrics-node" });
  other = await setup({ nodeId: "other-node" });
});
afterAll(async () => {
  await server?.cleanup();
  await other?.cleanup();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Values are Go ParseFloat syntax, where NaN and Inf are case-insensitive (prom-client writes "Nan" for an empty lag histogram).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]Inf)( -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;

/** Parses the text format strictly: every line is HELP, TYPE or a sample of a family declared above it. */
function parsePrometheus(text: string): Sample[] {
  const help = new Set<string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      expect(meta[2]).toMatch(METRIC_NAME);
      if (meta[1] === "HELP") help.add(meta[2]);
      else {
        expect(["counter", "gauge", "histogram", "summary", "untyped"]).toContain(meta[3]);
        expect(help.has(meta[2])).toBe(true); // HELP comes first
        types.set(meta[2], meta[3]);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let l = LABEL.exec(m[3]); l; l = LABEL.exec(m[3])) {
        labels[l[1]] = l[2];
        consumed = LABEL.lastIndex;
      }
      expect(consumed).toBe(m[3].length);
    }
    const family = [m[1], m[1].replace(/_(bucket|sum|count|total|created)$/, "")].find((f) => types.has(f));
    if (!family) throw new Error(`sample before its HELP/TYPE: ${line}`);
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/** The value of the one sample of `name` whose labels include `labels` (0 when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

test("parses as Prometheus text, with Node defaults and this node's label", async () => {
  const samples = await scrape(server.url);
  expect(value(samples, "process_cpu_user_seconds_total", { node: "metrics-node" })).toBeGreaterThan(0);
  expect(samples.some((s) => s.name === "nodejs_heap_size_used_bytes")).toBe(true);
  expect(samples.every((s) => s.labels.node === "metrics-node")).toBe(true);
});

test("counters move: connections, events by outcome, latency, messages stored", async () => {
  const before = await scrape(server.url);
  const { socket } = await server.connectUser("counted");
  okData(await emitAck(socket, "room:join", { room: "metrics" }));
  okData(await emitAck(socket, "message:send", { room: "metrics", text: "one" }));
  okData(await emitAck(socket, "message:send", { room: "metrics", text: "two", clientId: "c1" }));
  okData(await emitAck(socket, "message:send", { room: "metrics", text: "two", clientId: "c1" })); // a retry: not stored again
  expect((await emitAck(socket, "message:send", { room: "elsewhere", text: "x" })).ok).toBe(false);
  expect((await emitAck(socket, "no:such:event", {})).ok).toBe(false);
  const after = await scrape(server.url);

  const chat = { namespace: "/chat" };
  expect(value(after, "parlor_connections", chat) - value(before, "parlor_connections", chat)).toBe(1);
  expect(value(after, "parlor_connections_total", chat) - value(before, "parlor_connections_total", chat)).toBe(1);
  const sendOk = { ...chat, event: "message:send", outcome: "ok", code: "" };
  expect(value(after, "parlor_events_total", sendOk) - value(before, "parlor_events_total", sendOk)).toBe(3);
  const forbidden = { ...chat, event: "message:send", outcome: "error", code: "FORBIDDEN" };
  expect(value(after, "parlor_events_total", forbidden) - value(before, "parlor_events_total", forbidden)).toBe(1);
  // A client cannot grow the label set with made-up event names.
  expect(value(after, "parlor_events_total", { ...chat, event: "(unknown)", outcome: "unknown" })).toBe(1);
  expect(after.some((s) => s.labels.event === "no:such:event")).toBe(false);

  const latency = { ...chat, event: "message:send" };
  expect(value(after, "parlor_event_duration_seconds_count", latency) - value(before, "parlor_event_duration_seconds_count", latency)).toBe(
    4,
  );
  expect(value(after, "parlor_event_duration_seconds_bucket", { ...latency, le: "+Inf" })).toBe(
    value(after, "parlor_event_duration_seconds_count", latency),
  );
  expect(
    value(after, "parlor_messages_stored_total", { kind: "room" }) - value(before, "parlor_messages_stored_total", { kind: "room" }),
  ).toBe(2);

  socket.close();
  await waitForValue(server.url, "parlor_connections", chat, value(before, "parlor_connections", chat));
  // The other instance saw none of it.
  expect(value(await scrape(other.url), "parlor_messages_stored_total", { kind: "room" })).toBe(0);
});

test("game ticks are counted with their duration", async () => {
  const { socket } = await server.connectPlayer("ticker");
  okData(await emitAck(socket, "game:quickplay", {}));
  const ticks = await waitForValue(server.url, "parlor_game_ticks_total", {}, (v) => v > 0);
  expect(ticks).toBeGreaterThan(0);
  const samples = await scrape(server.url);
  expect(value(samples, "parlor_game_tick_duration_seconds_count")).toBeGreaterThan(0);
  okData(await emitAck(socket, "game:leave", {}));
});

test("HTTP requests get a request id (a sane incoming one is kept) and are counted", async () => {
  const res = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "lb-1234" } });
  expect(res.headers.get("x-request-id")).toBe("lb-1234");
  const fresh = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
  expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  const samples = await scrape(server.url);
  expect(value(samples, "parlor_http_requests_total", { method: "GET", status: "2xx" })).toBeGreaterThanOrEqual(2);
});

/** Scrapes until the sample satisfies `ok` (a number means equality); resolves with its value. */
async function waitForValue(
  url: string,
  name: string,
  labels: Record<string, string>,
  ok: number | ((v: number) => boolean),
): Promise<number> {
  const accept = typeof ok === "number" ? (v: number) => v === ok : ok;
  let last = NaN;
  for (let i = 0; i < 100; i++) {
    last = value(await scrape(url), name, labels);
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} ${JSON.stringify(labels)} stayed at ${last}`);
}
