// @ts-check
/**
 * Runs the TypeScript worker when Parlor runs from source (tsx, jest with
 * @swc/jest): a worker thread starts as plain Node, so the main thread
 * compiles the worker's modules once (sqlite-thread-source.ts) and hands the
 * JavaScript over in workerData; this serves it as each .ts file is
 * required. (@swc/core itself cannot be loaded in a second worker thread of
 * a process: its native binding crashes.) The built server (dist/) starts
 * its compiled .js worker directly and never loads this file.
 */
const { workerData } = require("node:worker_threads");

/** @type {Record<string, string>} */
const sources = workerData.sources;
require.extensions[".ts"] = (module, filename) => {
  const code = sources[filename];
  if (code === undefined) throw new Error(`${filename} was not compiled for the worker (sqlite-thread-source.ts)`);
  /** @type {any} */ (module)._compile(code, filename);
};
require(workerData.entry);
