/**
 * Prometheus metrics of one Parlor instance. Each instance has its own
 * prom-client Registry (never the global one), so several instances in one
 * process (tests, embedding) do not collide.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Namespace } from "socket.io";
import type { Outcome, RegistryHooks } from "./realtime/registry";
import type { MessageStore } from "./storage/types";

/** The named metrics; features record into them, `GET /metrics` exposes `registry`. */
export interface ParlorMetrics {
  registry: Registry;
  /** Open Socket.IO connections on this node, by namespace. */
  connections: Gauge<"namespace">;
  /** Connections accepted since start, by namespace. */
  connectionsTotal: Counter<"namespace">;
  /** Client events handled, by namespace, event, outcome (ok/error/unknown) and error code. */
  events: Counter<"namespace" | "event" | "outcome" | "code">;
  /** Time from receiving a client event to answering it, by namespace and event. */
  eventSeconds: Histogram<"namespace" | "event">;
  /** Messages written by this node, by kind (room/direct); retries that matched a clientId are not counted. */
  messagesStored: Counter<"kind">;
  /** Game simulation ticks run on this node. */
  gameTicks: Counter;
  /** Duration of one game tick (simulation + deltas). */
  gameTickSeconds: Histogram;
  /** HTTP requests answered by the Express app, by method and status class (2xx, 4xx...). */
  httpRequests: Counter<"method" | "status">;
}

/**
 * Creates the metrics and their registry, with Node's default metrics
 * (`process_*`, `nodejs_*`) and a `node` label on every sample.
 *
 * @example
 * const metrics = createMetrics("node-a");
 * metrics.messagesStored.inc({ kind: "room" });
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(nodeId: string): ParlorMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({
      name: "parlor_connections",
      help: "Open Socket.IO connections on this node",
      labelNames: ["namespace"],
      registers,
    }),
    connectionsTotal: new Counter({
      name: "parlor_connections_total",
      help: "Socket.IO connections accepted",
      labelNames: ["namespace"],
      registers,
    }),
    events: new Counter({
      name: "parlor_events_total",
      help: "Client events handled, by outcome",
      labelNames: ["namespace", "event", "outcome", "code"],
      registers,
    }),
    eventSeconds: new Histogram({
      name: "parlor_event_duration_seconds",
      help: "Time to handle a client event, up to its ack",
      labelNames: ["namespace", "event"],
      // Sub-millisecond for in-memory events, tens of ms for durable writes under load.
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    messagesStored: new Counter({
      name: "parlor_messages_stored_total",
      help: "Messages stored by this node",
      labelNames: ["kind"],
      registers,
    }),
    gameTicks: new Counter({ name: "parlor_game_ticks_total", help: "Game simulation ticks run", registers }),
    gameTickSeconds: new Histogram({
      name: "parlor_game_tick_duration_seconds",
      help: "Duration of one game tick",
      // A 20 Hz tick has a 50 ms budget; the interesting range is well below it.
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      registers,
    }),
    httpRequests: new Counter({
      name: "parlor_http_requests_total",
      help: "HTTP requests answered",
      labelNames: ["method", "status"],
      registers,
    }),
  };
}

/**
 * Registry hooks that record each handled event. Unknown events are counted
 * under one label so a client cannot grow the label set.
 */
export function eventMetricsHooks<Ctx>(metrics: ParlorMetrics, namespace: string): Pick<RegistryHooks<Ctx>, "onOutcome"> {
  return {
    onOutcome(event: string, outcome: Outcome, code: string | undefined, seconds: number) {
      const name = outcome === "unknown" ? "(unknown)" : event;
      metrics.events.inc({ namespace, event: name, outcome, code: code ?? "" });
      metrics.eventSeconds.observe({ namespace, event: name }, seconds);
    },
  };
}

/** Counts connections of `nsp` (open now, and accepted in total). */
export function countConnections(metrics: ParlorMetrics, nsp: Namespace): void {
  const labels = { namespace: nsp.name };
  // Both series exist from the start, so a scrape before the first connection shows 0.
  metrics.connections.set(labels, 0);
  metrics.connectionsTotal.inc(labels, 0);
  nsp.on("connection", (socket) => {
    metrics.connections.inc(labels);
    metrics.connectionsTotal.inc(labels);
    socket.once("disconnect", () => metrics.connections.dec(labels));
  });
}

/**
 * Wraps a store so every newly stored message is counted (idempotent retries
 * are not). A Proxy rather than a copy, so members the interface gains later
 * and class-based stores pass through untouched.
 */
export function countStoredMessages(store: MessageStore, metrics: ParlorMetrics): MessageStore {
  metrics.messagesStored.inc({ kind: "room" }, 0);
  metrics.messagesStored.inc({ kind: "direct" }, 0);
  const appendMessage: MessageStore["appendMessage"] = async (input) => {
    const stored = await store.appendMessage(input);
    if (stored.created) metrics.messagesStored.inc({ kind: "room" });
    return stored;
  };
  const appendDirectMessage: MessageStore["appendDirectMessage"] = async (input) => {
    const stored = await store.appendDirectMessage(input);
    if (stored.created) metrics.messagesStored.inc({ kind: "direct" });
    return stored;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "appendMessage") return appendMessage;
      if (prop === "appendDirectMessage") return appendDirectMessage;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** What the game manager offers for instrumentation: a per-tick listener. */
export interface TickSource {
  observe(listener: (room: unknown, tickMs: number) => void): () => void;
}

/** Records every game tick and its duration; returns the unsubscribe function. */
export function countGameTicks(metrics: ParlorMetrics, games: TickSource): () => void {
  return games.observe((_room, tickMs) => {
    metrics.gameTicks.inc();
    metrics.gameTickSeconds.observe(tickMs / 1000);
  });
}
