/**
 * The event registry: the one place that turns a client event into a handler
 * call. It validates the payload with the event's zod schema, runs guards
 * (rate limits), calls `handle`, answers the ack exactly once with
 * `{ ok: true, data }` or `{ ok: false, error }`, answers UNKNOWN_EVENT for
 * events the namespace does not have, and never lets a throw escape.
 */
import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError, toAckError } from "../errors";
import type { Logger } from "../logger";
import type { Ack } from "../protocol";

export interface EventDefinition<Ctx, S extends z.ZodType = z.ZodType, R = unknown> {
  event: string;
  schema: S;
  /** Whether the event counts against the per-user rate limit (default true). */
  rateLimited?: boolean;
  handle(input: z.output<S>, ctx: Ctx): Promise<R> | R;
}

/** Declares one event; the input type comes from the schema. */
export function defineEvent<Ctx, S extends z.ZodType, R>(def: EventDefinition<Ctx, S, R>): EventDefinition<Ctx, S, R> {
  return def;
}

/** What a guard sees of an event; unknown events reach guards too, as `{ event: name }`. */
export type GuardedEvent = Pick<EventDefinition<unknown>, "event" | "rateLimited">;

/**
 * Runs before validation and the handler; throwing an AppError rejects the
 * event (e.g. RATE_LIMITED). Gets the socket so it can key by user or cut a
 * flooding connection off.
 */
export type Guard<Ctx> = (event: GuardedEvent, ctx: Ctx, socket: Socket) => Promise<void> | void;

export type Outcome = "ok" | "error" | "unknown";

export interface RegistryHooks<Ctx> {
  guards?: Guard<Ctx>[];
  /** Called once per handled event, for metrics. */
  onOutcome?(event: string, outcome: Outcome, code: string | undefined, seconds: number): void;
  /**
   * Called when an event arrives; the function it returns runs once the event
   * is answered (graceful shutdown waits for events in flight).
   */
  onStart?(event: string): (() => void) | void;
}

/** Turns zod issues into `details`: the first failing field, and every issue. */
export function validationDetails(error: z.ZodError): { field: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join(".") || "(payload)", message: i.message }));
  return { field: issues[0]?.path ?? "(payload)", issues };
}

/** Event name -> definition, built once per event list and shared by every socket (not a Map per connection). */
const tables = new WeakMap<readonly EventDefinition<any, any, any>[], Map<string, EventDefinition<any, any, any>>>();
function eventTable<Ctx>(events: readonly EventDefinition<Ctx, any, any>[]): Map<string, EventDefinition<Ctx, any, any>> {
  let table = tables.get(events);
  if (!table) tables.set(events, (table = new Map(events.map((e) => [e.event, e]))));
  return table;
}

/**
 * Wires `events` to `socket`. `ctx` is built once per socket.
 *
 * @example
 * registerEvents(socket, [healthcheck], ctx, log, {});
 */
export function registerEvents<Ctx>(
  socket: Socket,
  events: readonly EventDefinition<Ctx, any, any>[],
  ctx: Ctx,
  log: Logger,
  hooks: RegistryHooks<Ctx> = {},
): void {
  const table = eventTable(events);

  socket.onAny((event: unknown, ...args: unknown[]) => {
    const last = args[args.length - 1];
    const callback = typeof last === "function" ? (last as (res: Ack<unknown>) => void) : undefined;
    if (callback) args.pop();

    let answered = false;
    const reply = (res: Ack<unknown>) => {
      if (answered || !callback) return;
      answered = true;
      try {
        callback(res);
      } catch (err) {
        log.warn({ err, event }, "ack callback failed");
      }
    };

    const started = process.hrtime.bigint();
    const end = hooks.onStart?.(String(event));
    const finish = (outcome: Outcome, code?: string) => {
      end?.();
      hooks.onOutcome?.(String(event), outcome, code, Number(process.hrtime.bigint() - started) / 1e9);
    };

    const user = (socket.data as { user?: { id?: string } } | undefined)?.user?.id;
    const def = typeof event === "string" ? table.get(event) : undefined;
    if (!def) {
      const name = String(event).slice(0, 64);
      void (async () => {
        try {
          // Unknown events count against the rate limit too: otherwise they are a free flood.
          for (const guard of hooks.guards ?? []) await guard({ event: name }, ctx, socket);
        } catch (err) {
          const error = toAckError(err);
          if (socket.connected) log.info({ event: name, socket: socket.id, user, code: error.code }, "event rejected");
          reply({ ok: false, error });
          // Outcome "unknown" even when refused: the name is the client's, not a metric label.
          finish("unknown", error.code);
          return;
        }
        log.info({ event: name, socket: socket.id, user }, "unknown event");
        reply({ ok: false, error: { code: "UNKNOWN_EVENT", message: `this namespace has no event "${name}"` } });
        finish("unknown", "UNKNOWN_EVENT");
      })();
      return;
    }

    void (async () => {
      try {
        for (const guard of hooks.guards ?? []) await guard(def, ctx, socket);
        if (args.length > 1) throw new AppError("BAD_REQUEST", "too many arguments: send one payload object", { field: "(arguments)" });
        const parsed = def.schema.safeParse(args[0]);
        if (!parsed.success) throw new AppError("BAD_REQUEST", "invalid payload", validationDetails(parsed.error));
        const data = await def.handle(parsed.data, ctx);
        reply({ ok: true, data: data ?? {} });
        finish("ok");
      } catch (err) {
        const error = toAckError(err);
        // Logged once per rejected event, with the user. Events still in flight when a
        // flooding socket was cut off are not: the disconnect itself was logged.
        if (error.code === "INTERNAL") log.error({ err, event: def.event, socket: socket.id, user }, "handler failed");
        else if (socket.connected) log.info({ event: def.event, socket: socket.id, user, code: error.code, details: error.details }, "event rejected");
        reply({ ok: false, error });
        finish("error", error.code);
      }
    })();
  });
}
