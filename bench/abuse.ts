/**
 * Abuse: what one abusive client (or user, or address) costs everyone else.
 * One Parlor server; a legitimate user sends a chat message every 100 ms and
 * polls /healthz, first with no attack (the baseline of this run), then under
 * each attack in turn, the attackers in their own processes:
 * - system flood: 2 raw sockets sending `system:state` as fast as they drain (reconnecting when cut off);
 * - input flood: 2 seated `/game` sockets sending `game:input` as fast as they drain;
 * - typing storm: 5 users typing (10 keystrokes/s each) in a 1,000-member room;
 * - search: 5 users searching at the allowed rate (19/s each) over 1,500 messages;
 * - slow consumers: 200 sockets in a room stop reading (a pong every 10 s keeps them
 *   alive) while 8 users post 2,000-character messages at the allowed rate; then all
 *   200 die at once, and the server's event-loop stall is measured (monitorEventLoopDelay).
 * Reported per phase: the legitimate user's ack p50/p99, /healthz max, the server's
 * RSS growth and its event-loop delay max.
 *
 *   npm run bench:abuse [-- --window-s 6 --slow-window-s 20 --only system,input]
 */
import os from "node:os";
import path from "node:path";
import { benchArgs } from "./lib/args";
import { loopDelayProbe, measureLoopDelay, type LoopDelay } from "./lib/loop-delay";
import { ratio, writeResult, type Ratio } from "./lib/results";
import { startServer, type ServerProcess } from "./lib/server";
import { fmt, printTable } from "./lib/table";
import { mintTokens } from "./lib/tokens";
import { startWorker } from "./lib/worker";
import { startProbe, type ProbeSample } from "./abuse/probe";

const opts = benchArgs({ "window-s": 6, "slow-window-s": 20, only: "", members: 1000, "slow-sockets": 200 });
const ATTACKS = ["system", "input", "typing", "search", "slow"] as const;
type Attack = (typeof ATTACKS)[number];
const only = opts.only ? opts.only.split(",") : [...ATTACKS];

interface Phase {
  name: string;
  ackP50: number;
  ackP99: number;
  healthzMax: number;
  failures: number;
  rssGrowthMb: number;
  loopMaxMs: number;
  /** Slow consumers: the event-loop stall while all of them die. */
  releaseStallMs?: number;
  attacker?: unknown;
}

const MB = 1024 * 1024;

async function phase(
  name: string,
  server: ServerProcess,
  loopFile: string,
  probe: Awaited<ReturnType<typeof startProbe>>,
  attack: () => Promise<unknown>,
): Promise<Phase> {
  const rssBefore = server.rssBytes();
  probe.cut();
  const { result, delay } = await measureLoopDelay(server, loopFile, attack);
  const s: ProbeSample = probe.cut();
  server.assertAlive();
  return {
    name,
    ackP50: s.ack.percentile(50),
    ackP99: s.ack.percentile(99),
    healthzMax: s.healthz.max,
    failures: s.failures,
    rssGrowthMb: (server.rssBytes() - rssBefore) / MB,
    loopMaxMs: delay.max,
    attacker: result,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const startedAt = new Date().toISOString();
  const windowMs = opts["window-s"] * 1000;
  const slowMs = opts["slow-window-s"] * 1000;
  const loopFile = path.join(os.tmpdir(), `parlor-abuse-loop-${process.pid}.json`);
  const probeSetup = loopDelayProbe(loopFile);
  const server = await startServer("parlor", {
    nodeArgs: probeSetup.nodeArgs,
    env: {
      ...probeSetup.env,
      // The flooder's address comes from X-Forwarded-For, so it is not the legitimate user's.
      PARLOR_TRUST_PROXY: "loopback",
      // Every bench socket comes from 127.0.0.1.
      PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "5000",
    },
  });
  const attacker = startWorker("abuse-attacker");
  const members = startWorker("chat-clients");
  const phases: Phase[] = [];
  try {
    const [legit] = mintTokens(server.secret, 1, "legit");
    const probe = await startProbe(server.url, legit!, "legit");
    await sleep(1000);
    phases.push(await phase("no attack", server, loopFile, probe, () => sleep(windowMs)));

    const run = async (
      attack: Attack,
      label: string,
      setup: () => Promise<unknown>,
      load: () => Promise<unknown>,
      teardown: () => Promise<unknown> = async () => undefined,
    ) => {
      if (!only.includes(attack)) return;
      await setup();
      // Handshakes and joins of the setup settle first: the phase measures the attack only.
      await sleep(2000);
      phases.push(await phase(label, server, loopFile, probe, load));
      await teardown();
      await sleep(1500);
    };

    await run(
      "system",
      "system flood",
      async () => undefined,
      () => attacker.call("systemFlood", { url: server.url, sockets: 2, durationMs: windowMs, xff: "203.0.113.7" }),
    );
    await run(
      "input",
      "input flood",
      async () => undefined,
      () => attacker.call("inputFlood", { url: server.url, tokens: mintTokens(server.secret, 2, "input"), durationMs: windowMs }),
    );
    await run(
      "typing",
      `typing storm (${opts.members} members)`,
      () =>
        members.call("connect", {
          url: server.url,
          tokens: mintTokens(server.secret, opts.members, "member"),
          room: "big",
          concurrency: 50,
        }),
      () =>
        attacker.call("steady", {
          url: server.url,
          tokens: mintTokens(server.secret, 5, "typist"),
          room: "big",
          event: "typing",
          payload: { room: "big", typing: true },
          ratePerUser: 10,
          durationMs: windowMs,
        }),
      () => members.call("close"),
    );
    await run(
      "search",
      "search at the allowed rate",
      () =>
        attacker.call("steady", {
          url: server.url,
          tokens: mintTokens(server.secret, 10, "seed"),
          room: "search",
          event: "message:send",
          payload: JSON.stringify({ room: "search", text: "lorem ipsum dolor sit amet $n consectetur adipiscing elit" }),
          ratePerUser: 15,
          durationMs: 10_000,
        }),
      () =>
        attacker.call("steady", {
          url: server.url,
          tokens: mintTokens(server.secret, 5, "searcher"),
          room: "search",
          event: "message:search",
          payload: { q: "lorem ipsum", room: "search" },
          ratePerUser: 19,
          durationMs: windowMs,
        }),
    );
    if (only.includes("slow")) {
      await attacker.call("slowOpen", { url: server.url, tokens: mintTokens(server.secret, opts["slow-sockets"], "slow"), room: "slow" });
      await sleep(500);
      const text = "x".repeat(1990);
      const slowPhase = await phase(`slow consumers (${opts["slow-sockets"]}, ${opts["slow-window-s"]} s)`, server, loopFile, probe, () =>
        attacker.call("steady", {
          url: server.url,
          tokens: mintTokens(server.secret, 8, "poster"),
          room: "slow",
          event: "message:send",
          payload: JSON.stringify({ room: "slow", text: `${text} $n` }),
          ratePerUser: 19,
          durationMs: slowMs,
        }),
      );
      const release = await measureLoopDelay(server, loopFile, async () => {
        await attacker.call("slowRelease");
        await sleep(3000);
      });
      slowPhase.releaseStallMs = (release.delay as LoopDelay).max;
      phases.push(slowPhase);
    }
    await probe.stop();
  } finally {
    await attacker.stop();
    await members.stop();
    await server.stop();
  }

  const base = phases[0]!;
  printTable(
    ["phase", "ack p50 ms", "ack p99 ms", "p99 vs none", "healthz max ms", "failures", "RSS +MB", "loop max ms", "release stall ms"],
    phases.map((p) => [
      p.name,
      fmt(p.ackP50, 1),
      fmt(p.ackP99, 1),
      `${fmt(p.ackP99 / base.ackP99, 2)}×`,
      fmt(p.healthzMax, 1),
      p.failures,
      fmt(p.rssGrowthMb, 1),
      fmt(p.loopMaxMs, 0),
      p.releaseStallMs === undefined ? "" : fmt(p.releaseStallMs, 0),
    ]),
  );
  const ratios: Ratio[] = [];
  const goals: { phase: string; goal: string; value: number; pass: boolean }[] = [];
  for (const p of phases.slice(1)) {
    ratios.push(ratio(`${p.name}: legit ack p99 vs no attack`, p.ackP99, base.ackP99, { atMost: 2 }));
    goals.push({ phase: p.name, goal: "ack p99 ≤ 250 ms", value: p.ackP99, pass: p.ackP99 <= 250 });
    goals.push({ phase: p.name, goal: "/healthz max ≤ 500 ms", value: p.healthzMax, pass: p.healthzMax <= 500 });
    if (p.releaseStallMs !== undefined) {
      goals.push({
        phase: p.name,
        goal: `RSS growth ≤ 100 MB over ${opts["slow-window-s"]} s`,
        value: p.rssGrowthMb,
        pass: p.rssGrowthMb <= 100,
      });
      goals.push({ phase: p.name, goal: "stall when they die ≤ 200 ms", value: p.releaseStallMs, pass: p.releaseStallMs <= 200 });
    }
  }
  console.log("");
  printTable(
    ["phase", "goal", "value", "met"],
    [
      ...ratios.map((r) => [r.metric.split(":")[0], `ack p99 ${r.goal} no-attack`, `${fmt(r.ratio, 2)}×`, r.pass ? "✓" : "✗"]),
      ...goals.map((g) => [g.phase, g.goal, fmt(g.value, 1), g.pass ? "✓" : "✗"]),
    ],
  );
  const file = writeResult({ name: "abuse", startedAt, params: opts, results: { phases, goals }, ratios });
  console.log(`\nwrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
