/** Command-line options for benchmarks: `--name value` pairs with typed defaults. */
import { parseArgs } from "node:util";

/**
 * Parses `--key value` options whose defaults (numbers, strings, booleans) give their types.
 *
 * @example
 * const opts = benchArgs({ receivers: 500, "step-ms": 2000, only: "" });
 * opts.receivers; // number
 */
export function benchArgs<T extends Record<string, number | string | boolean>>(defaults: T, argv = process.argv.slice(2)): T {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([k, v]) => [k, { type: typeof v === "boolean" ? ("boolean" as const) : ("string" as const) }]),
  );
  const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  const out: Record<string, number | string | boolean> = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (typeof defaults[k] === "number") {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${k} must be a number`);
      out[k] = n;
    } else out[k] = v as string | boolean;
  }
  return out as T;
}
