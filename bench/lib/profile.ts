/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the self
 * time goes, by package or project file, and the hottest functions.
 */
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** "socket.io", "node:internal", "server/realtime/registry.ts", "(garbage collector)"... */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return url.startsWith("node:internal") ? "node:internal" : url;
  const rel = url.replace(/^file:\/\//, "");
  const root = path.resolve(__dirname, "..", "..");
  return rel.startsWith(root) ? path.relative(root, rel) : rel;
}

/**
 * The largest (main-thread) profile in `dir` as text: the top owners and functions by self time, idle excluded.
 *
 * @example
 * console.log(summarizeProfile("bench/results/fanout-parlor-prof"));
 */
export function summarizeProfile(dir: string, top = 12): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (files.length === 0) return "(no profile written)";
  // tsx's loader runs in a worker thread that writes its own small profile: take the main thread's, the largest.
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const profile = JSON.parse(fs.readFileSync(newest, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    busy += us;
    const who = owner(url, functionName);
    owners.set(who, (owners.get(who) ?? 0) + us);
    const fn = `${functionName || "(anonymous)"} ${who}${url ? `:${lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us)}  ${k}`)
      .join("\n");
  return `busy ${(busy / 1000).toFixed(0)} ms in ${path.relative(process.cwd(), newest)}\nby owner:\n${list(owners)}\nhottest functions:\n${list(functions)}`;
}
