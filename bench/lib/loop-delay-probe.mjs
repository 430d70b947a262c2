// @ts-check
/**
 * Preloaded into a server under test (`node --import ./bench/lib/loop-delay-probe.mjs`):
 * measures its event-loop delay with perf_hooks.monitorEventLoopDelay (1 ms
 * resolution). On SIGUSR2 it writes the delay percentiles since the last
 * SIGUSR2 to $PARLOR_LOOP_DELAY_FILE (JSON, ms) and starts over, so a
 * benchmark brackets a load slice with two signals. Plain JS: it loads
 * before tsx does.
 */
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.PARLOR_LOOP_DELAY_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  process.on("SIGUSR2", () => {
    // Recorded values include the 1 ms timer period itself: subtract it, so 0 means "on time".
    const ms = (ns) => Math.max(0, ns / 1e6 - 1);
    const out = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), count: h.count };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(out));
    fs.renameSync(`${file}.tmp`, file);
    h.reset();
  });
}
