/**
 * The event registry: the one place that turns a client event into a handler
 * call. It validates the payload with the event's zod schema, runs guards
 * (rate limits), calls `handle`, answers the ack exactly once with
 * `{ ok: true, data }` or `{ ok: false, error }`, answers UNKNOWN_EVENT for
 * events the namespace does not have, and never lets a throw escape.
 * Before all of that, synchronous admission checks (event budgets, token
 * expiry) can refuse an event for the price of a comparison.
 */
import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError, toAckError } from "../errors";
import type { Logger } from "../logger";
import type { Ack, AckData, AckError, NamespaceContract, PayloadIn } from "../protocol";
import { createSampledLog, type SampledLog } from "../security/sampled-log";

/** The client events of contract `C`. */
export type ClientEventName<C extends NamespaceContract> = keyof C["client"] & string;

/** What a handler file declares: the event (a key of its namespace's contract) and its handler. */
export interface EventSpec<C extends NamespaceContract, Ctx, E extends ClientEventName<C>> {
  event: E;
  /**
   * Whether the event counts against the per-user rate limit (default true).
   * An event marked false must be covered by a cheap budget of its namespace
   * (`hooks.admit`), as `game:input` is: nothing is free.
   */
  rateLimited?: boolean;
  /** Gets the validated payload (the contract model's output); returns exactly the event's ack data. */
  handle(input: PayloadIn<C, E>, ctx: Ctx): Promise<AckData<C, E>> | AckData<C, E>;
}

/** One event of a namespace: its spec plus the contract's payload model, which the registry validates with. */
export interface EventDefinition<C extends NamespaceContract, Ctx, E extends ClientEventName<C> = ClientEventName<C>> extends EventSpec<
  C,
  Ctx,
  E
> {
  readonly schema: C["client"][E]["payload"];
}

/**
 * Declares one event of `contract`: `event` must be one of its client events,
 * `handle` gets that event's payload and must return that event's ack data.
 *
 * @example
 * const ping = defineEvent(systemContract, { event: "system:healthcheck", handle: () => ({ status: "healthy" as const }) });
 */
export function defineEvent<C extends NamespaceContract, Ctx, E extends ClientEventName<C>>(
  contract: C,
  spec: EventSpec<C, Ctx, E>,
): EventDefinition<C, Ctx, E> {
  return { ...spec, schema: contract.client[spec.event].payload };
}

/**
 * `defineEvent` bound to one namespace's contract and handler context: what
 * a feature's handler files call.
 *
 * @example
 * export const defineChatEvent = eventDefiner<ChatContract, ChatContext>(chatContract);
 * export const typing = defineChatEvent({ event: "typing", async handle({ room, typing }, ctx) { ... } });
 */
export function eventDefiner<C extends NamespaceContract, Ctx>(contract: C) {
  return <E extends ClientEventName<C>>(spec: EventSpec<C, Ctx, E>): EventDefinition<C, Ctx, E> => defineEvent(contract, spec);
}

/**
 * Every client event of a contract, keyed by its name, with its definition.
 * Leaving an event out, or filing a definition under another event's name,
 * does not compile: a namespace serves its whole contract.
 */
export type NamespaceHandlers<C extends NamespaceContract, Ctx> = { readonly [E in ClientEventName<C>]: EventDefinition<C, Ctx, E> };

/** A definition as the registry dispatches it at run time, by a name that arrived on the wire. */
interface Dispatchable<Ctx> {
  readonly event: string;
  readonly schema: z.ZodType;
  readonly rateLimited?: boolean;
  handle(input: unknown, ctx: Ctx): unknown;
}

/** What a guard sees of an event; unknown events reach guards too, as `{ event: name }`. */
export interface GuardedEvent {
  readonly event: string;
  readonly rateLimited?: boolean;
}

/**
 * Runs before validation and the handler; throwing an AppError rejects the
 * event (e.g. RATE_LIMITED). Gets the socket so it can key by user or cut a
 * flooding connection off.
 */
export type Guard<Ctx> = (event: GuardedEvent, ctx: Ctx, socket: Socket) => Promise<void> | void;

/**
 * A synchronous check that runs first, before any promise, validation or log:
 * returns the error to answer (a plain object: no Error, no stack trace to
 * build under a flood), or undefined to go on.
 */
export type Admission = (event: GuardedEvent, socket: Socket) => AckError | undefined;

export type Outcome = "ok" | "error" | "unknown";

/** How long refusals of one user (or address) and event are counted before one line reports them. */
export const REFUSAL_LOG_WINDOW_MS = 10_000;

export interface RegistryHooks<Ctx> {
  /** Cheap synchronous checks, in order, before everything else (see Admission). */
  admit?: Admission[];
  guards?: Guard<Ctx>[];
  /** Refusal lines, one per user and event per window; shared by every socket the hooks serve. */
  refusals?: SampledLog;
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

/** The default refusal log of a hooks object: one per namespace, since its sockets share the hooks. */
const refusalLogs = new WeakMap<object, SampledLog>();
function refusalLog(hooks: object): SampledLog {
  let sampled = refusalLogs.get(hooks);
  if (!sampled) refusalLogs.set(hooks, (sampled = createSampledLog(REFUSAL_LOG_WINDOW_MS)));
  return sampled;
}

/** Event name -> definition, built once per namespace and shared by every socket (not a Map per connection). */
const tables = new WeakMap<object, Map<string, Dispatchable<never>>>();
function eventTable<Ctx>(handlers: Readonly<Record<string, Dispatchable<Ctx>>>): Map<string, Dispatchable<Ctx>> {
  let table = tables.get(handlers) as Map<string, Dispatchable<Ctx>> | undefined;
  if (!table) tables.set(handlers, (table = new Map(Object.values(handlers).map((e) => [e.event, e]))));
  return table;
}

/**
 * Wires a namespace's `handlers` to `socket`. `ctx` is built once per socket.
 *
 * @example
 * registerEvents(socket, systemHandlers, ctx, log, {});
 */
export function registerEvents<C extends NamespaceContract, Ctx>(
  socket: Socket,
  handlers: NamespaceHandlers<C, Ctx>,
  ctx: Ctx,
  log: Logger,
  hooks: RegistryHooks<Ctx> = {},
): void {
  const table = eventTable<Ctx>(handlers);
  const admit = hooks.admit ?? [];
  const refusals = hooks.refusals ?? refusalLog(hooks);
  const who = () => {
    const user = (socket.data as { user?: { id?: string } } | undefined)?.user?.id;
    return { user, key: user ?? `ip:${socket.handshake.address}` };
  };
  const logRefusal = (event: string, error: AckError) => {
    if (!socket.connected) return; // a cut-off socket's leftovers: the disconnect was logged
    const { user, key } = who();
    refusals.note(`${key}\0${event}\0${error.code}`, log, "info", "event rejected", {
      event,
      socket: socket.id,
      user,
      code: error.code,
      details: error.details,
    });
  };

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

    const def = typeof event === "string" ? table.get(event) : undefined;
    const name = def ? def.event : String(event).slice(0, 64);
    const guarded: GuardedEvent = def ?? { event: name };
    for (const check of admit) {
      const refused = check(guarded, socket);
      if (!refused) continue;
      reply({ ok: false, error: refused });
      logRefusal(def ? name : "(unknown)", refused);
      hooks.onOutcome?.(def ? name : String(event), def ? "error" : "unknown", refused.code, 0);
      return;
    }

    const started = process.hrtime.bigint();
    const end = hooks.onStart?.(String(event));
    const finish = (outcome: Outcome, code?: string) => {
      end?.();
      hooks.onOutcome?.(String(event), outcome, code, Number(process.hrtime.bigint() - started) / 1e9);
    };

    const { user } = who();
    if (!def) {
      void (async () => {
        try {
          // Unknown events count against the rate limit too: otherwise they are a free flood.
          for (const guard of hooks.guards ?? []) await guard(guarded, ctx, socket);
        } catch (err) {
          const error = toAckError(err);
          logRefusal("(unknown)", error);
          reply({ ok: false, error });
          // Outcome "unknown" even when refused: the name is the client's, not a metric label.
          finish("unknown", error.code);
          return;
        }
        // Sampled like refusals: a stream of made-up names is one line per window, not one per name.
        if (socket.connected)
          refusals.note(`${who().key}\0(unknown)`, log, "info", "unknown event", { event: name, socket: socket.id, user });
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
        // Failures are logged in full; refusals sampled, one line per user, event and
        // code per window. Events still in flight when a flooding socket was cut off
        // are not logged: the disconnect itself was.
        if (error.code === "INTERNAL") log.error({ err, event: def.event, socket: socket.id, user }, "handler failed");
        else logRefusal(def.event, error);
        reply({ ok: false, error });
        finish("error", error.code);
      }
    })();
  });
}
