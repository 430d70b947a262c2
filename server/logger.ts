/** Structured JSON logs (pino). `LOG_LEVEL` sets the level; tests use "silent". */
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, nodeId: string): Logger {
  return pino({ level, base: { node: nodeId } });
}
