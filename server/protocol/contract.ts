/**
 * How a namespace's contract is written: one zod model per client payload,
 * ack and server event, each with its summary. Everything else derives from
 * it — the Socket.IO event maps (`ClientEvents`, `ServerEvents`), the
 * payload validation of the event registry, the typed `defineEvent`, the
 * publisher's payload types and `/asyncapi.json`. Nothing is written twice.
 *
 * @example
 * export const systemContract = namespaceContract({
 *   client: { "system:healthcheck": clientEvent({ summary: "…", payload: Empty, noPayload: true, ack: z.object({ status: z.literal("healthy") }) }) },
 *   server: { "system:shutdown": serverEvent({ summary: "…", payload: Shutdown }) },
 * });
 * type SystemClientToServerEvents = ClientEvents<typeof systemContract>;
 */
import type { z } from "zod";
import type { AckCallback } from "./common";

/** One event a client sends. */
export interface ClientEventSpec<
  P extends z.ZodType = z.ZodType,
  A extends z.ZodType | undefined = z.ZodType | undefined,
  N extends boolean = boolean,
> {
  /** What the event does and who receives what: shown in `/docs` and `/asyncapi.json`. */
  summary: string;
  /** Validates the payload; its input type is what clients may send, its output what the handler gets. */
  payload: P;
  /** The ack's `data`; left out for events without an ack (`typing`, `game:input`). */
  ack: A;
  /** True for events sent with the ack callback as their only argument (`system:*`). */
  noPayload: N;
}

/** One event the server sends. */
export interface ServerEventSpec<P extends z.ZodType = z.ZodType> {
  summary: string;
  payload: P;
}

export interface NamespaceContract {
  client: Record<string, ClientEventSpec>;
  server: Record<string, ServerEventSpec>;
}

/** Declares a client event; `ack` and `noPayload` are optional. */
export function clientEvent<P extends z.ZodType, A extends z.ZodType | undefined = undefined, const N extends boolean = false>(spec: {
  summary: string;
  payload: P;
  ack?: A;
  noPayload?: N;
}): ClientEventSpec<P, A, N> {
  return { summary: spec.summary, payload: spec.payload, ack: spec.ack as A, noPayload: (spec.noPayload ?? false) as N };
}

/** Declares a server event. */
export function serverEvent<P extends z.ZodType>(spec: ServerEventSpec<P>): ServerEventSpec<P> {
  return spec;
}

/** Declares a namespace's contract (identity; keeps the literal event names in the type). */
export function namespaceContract<C extends NamespaceContract>(contract: C): C {
  return contract;
}

/** The ack data of client event `E` (what the handler returns). */
export type AckData<C extends NamespaceContract, E extends keyof C["client"]> = C["client"][E]["ack"] extends z.ZodType
  ? z.output<C["client"][E]["ack"]>
  : void;
/** The payload a handler of client event `E` receives (after validation). */
export type PayloadIn<C extends NamespaceContract, E extends keyof C["client"]> = z.output<C["client"][E]["payload"]>;
/** The payload of server event `E`. */
export type ServerPayload<C extends NamespaceContract, E extends keyof C["server"]> = z.output<C["server"][E]["payload"]>;
/** Client events of `C` that take an ack. */
export type AckEvents<C extends NamespaceContract> = {
  [E in keyof C["client"]]: C["client"][E]["ack"] extends z.ZodType ? E : never;
}[keyof C["client"]] &
  string;

type ClientFn<S extends ClientEventSpec> = S["ack"] extends z.ZodType
  ? S["noPayload"] extends true
    ? (ack: AckCallback<z.output<S["ack"]>>) => void
    : (payload: z.input<S["payload"]>, ack: AckCallback<z.output<S["ack"]>>) => void
  : (payload: z.input<S["payload"]>) => void;

/** Socket.IO's client-to-server event map of a contract. */
export type ClientEvents<C extends NamespaceContract> = { [E in keyof C["client"]]: ClientFn<C["client"][E]> };
/** Socket.IO's server-to-client event map of a contract. */
export type ServerEvents<C extends NamespaceContract> = { [E in keyof C["server"]]: (payload: ServerPayload<C, E>) => void };
