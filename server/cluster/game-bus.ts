/**
 * Node-to-node requests for games, over Redis pub/sub: each node listens on
 * its own channel, so a `game:input` for a game on node A is one publish that
 * only A receives (not a broadcast to every node, as `serverSideEmit` is).
 * Requests that need an answer carry an id; the owner answers on the asking
 * node's reply channel. Messages from one node arrive in the order it sent
 * them (one Redis connection publishes them all), so a join is applied
 * before the inputs that follow it.
 */
import { AppError, toAckError } from "../errors";
import type { AckError } from "../protocol";
import type { RedisClient } from "./redis";

/** A request as the owner node receives it. */
export interface BusRequest {
  op: string;
  /** The node that sent it. */
  from: string;
  args: unknown;
}

export interface GameBus {
  /** Sends `op` to `node` and resolves with its answer; an AppError from the owner is thrown here as one. */
  request<T>(node: string, op: string, args: unknown): Promise<T>;
  /** Sends `op` to `node` without waiting for anything (inputs, disconnects, notices). */
  send(node: string, op: string, args: unknown): void;
  /** Answers requests to this node: a returned value goes back as the answer, a throw as the error. */
  serve(handler: (req: BusRequest) => unknown): void;
  /** Of `nodes`, those listening now (a killed node's subscription went with its connection). */
  listening(nodes: string[]): Promise<Set<string>>;
  /** Subscribes this node's channels. */
  start(): Promise<void>;
  /** Unsubscribes: requests to this node fail at once from then on (nobody listens). Pending requests fail. */
  stop(): Promise<void>;
}

interface Envelope {
  id?: number;
  from: string;
  op: string;
  args: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  data?: unknown;
  error?: AckError;
}

/**
 * @example
 * const bus = redisGameBus(redis.client, redis.subscriber, { nodeId: "a" });
 * bus.serve(({ op, args }) => ...);
 * await bus.start();
 * await bus.request("b", "join", { gameId });
 */
export function redisGameBus(
  client: RedisClient,
  subscriber: RedisClient,
  opts: { nodeId: string; timeoutMs?: number; prefix?: string; onError?(err: unknown): void },
): GameBus {
  const P = opts.prefix ?? "parlor:game-bus:";
  const timeoutMs = opts.timeoutMs ?? 5000;
  const inbox = `${P}in:${opts.nodeId}`;
  const replies = `${P}re:${opts.nodeId}`;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let handler: ((req: BusRequest) => unknown) | undefined;
  let started = false;

  const publish = (channel: string, body: unknown) => client.publish(channel, JSON.stringify(body));

  const onRequest = (message: string) => {
    let env: Envelope;
    try {
      env = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    const answer = (reply: Omit<Reply, "id">) => {
      if (env.id === undefined) return;
      publish(`${P}re:${env.from}`, { id: env.id, ...reply }).catch((err: unknown) => opts.onError?.(err));
    };
    void (async () => {
      try {
        if (!handler) throw new AppError("NOT_FOUND", "this node serves no games");
        answer({ ok: true, data: await handler({ op: env.op, from: env.from, args: env.args }) });
      } catch (err) {
        if (!(err instanceof AppError)) opts.onError?.(err);
        answer({ ok: false, error: toAckError(err) });
      }
    })();
  };

  const onReply = (message: string) => {
    const reply = JSON.parse(message) as Reply;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if (reply.ok) waiting.resolve(reply.data);
    else waiting.reject(new AppError(reply.error!.code, reply.error!.message, reply.error!.details));
  };

  const unreachable = (node: string) =>
    new AppError("NOT_FOUND", "the node running this game is not answering", { reason: "node_unreachable", node });

  return {
    async request<T>(node: string, op: string, args: unknown): Promise<T> {
      const id = nextId++;
      const answered = new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(unreachable(node));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      });
      const receivers = await publish(`${P}in:${node}`, { id, from: opts.nodeId, op, args } satisfies Envelope);
      if (receivers === 0) {
        // Nobody subscribes: the node stopped (or died and its connection is gone). No point waiting.
        const waiting = pending.get(id);
        pending.delete(id);
        if (waiting) clearTimeout(waiting.timer);
        throw unreachable(node);
      }
      return answered;
    },
    send(node, op, args) {
      publish(`${P}in:${node}`, { from: opts.nodeId, op, args } satisfies Envelope).catch((err: unknown) => opts.onError?.(err));
    },
    serve(h) {
      handler = h;
    },
    async listening(nodes) {
      if (nodes.length === 0) return new Set();
      const counts = await client.pubSubNumSub(nodes.map((n) => `${P}in:${n}`));
      return new Set(nodes.filter((n) => Number(counts[`${P}in:${n}`] ?? 0) > 0));
    },
    async start() {
      if (started) return;
      started = true;
      await subscriber.subscribe(inbox, onRequest);
      await subscriber.subscribe(replies, onReply);
    },
    async stop() {
      if (!started) return;
      started = false;
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new AppError("NOT_FOUND", "this node is stopping", { reason: "node_stopped" }));
        pending.delete(id);
      }
      if (!subscriber.isOpen) return;
      await subscriber.unsubscribe(inbox, onRequest).catch(() => undefined);
      await subscriber.unsubscribe(replies, onReply).catch(() => undefined);
    },
  };
}
