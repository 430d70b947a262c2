// @ts-check
/**
 * Runs a TypeScript worker module when Parlor itself runs from source (tsx,
 * jest with @swc/jest): a worker thread starts as plain Node, so .ts files are
 * compiled here with @swc/core, in memory, as they are required. The built
 * server (dist/) starts its compiled .js worker directly and never loads this.
 */
const fs = require("node:fs");
const { workerData } = require("node:worker_threads");
const swc = require("@swc/core");

/** @type {import("@swc/core").Options} */
const options = { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" }, sourceMaps: "inline" };

require.extensions[".ts"] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, "utf8"), { ...options, filename });
  /** @type {any} */ (module)._compile(code, filename);
};
require(workerData.entry);
