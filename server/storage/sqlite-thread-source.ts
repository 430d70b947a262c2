/**
 * From source only (tsx, jest): the worker's TypeScript modules, compiled to
 * CommonJS once per process with @swc/core on the main thread, found by
 * following relative requires from the entry. See sqlite-thread-loader.cjs.
 */
import fs from "node:fs";
import path from "node:path";

let compiled: Record<string, string> | undefined;

/**
 * @example
 * new Worker(LOADER, { workerData: { entry, sources: workerSources(entry) } });
 */
export function workerSources(entry: string): Record<string, string> {
  if (compiled) return compiled;
  // Loaded only here, lazily: the built server never compiles anything (and has no @swc/core in production).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require("@swc/core") as typeof import("@swc/core");
  const out: Record<string, string> = {};
  const visit = (file: string) => {
    if (out[file] !== undefined) return;
    const { code } = swc.transformSync(fs.readFileSync(file, "utf8"), {
      filename: file,
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
      sourceMaps: "inline",
    });
    out[file] = code;
    for (const [, spec] of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const target = path.resolve(path.dirname(file), spec);
      const ts = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts");
      if (fs.existsSync(ts)) visit(ts);
    }
  };
  visit(entry);
  return (compiled = out);
}
