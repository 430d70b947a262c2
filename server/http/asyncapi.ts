/**
 * The AsyncAPI 3 document of the Socket.IO protocol, generated from the
 * namespace contracts (server/protocol/): client payload schemas are the zod
 * schemas the registry validates with (converted with `io: "input"`, what a
 * client sends before transforms), acks and server events the contract's
 * models (`io: "output"`), summaries the contract's.
 * Socket.IO's shape is mapped as: namespace = channel, event = message,
 * client event = `receive` operation, its ack = the operation's `reply`,
 * server event = `send` operation.
 */
import { z } from "zod";
import { AckErrorModel, ClientId, Empty, MessageText, models, type NamespaceContract, UserName } from "../protocol";

export interface NamespaceDoc {
  /** e.g. "/chat" */
  namespace: string;
  /** The namespace's contract: every client and server event, with its models and summary. */
  contract: NamespaceContract;
  description?: string;
  /** Whether the handshake needs a session token. */
  auth?: boolean;
}

/** docs/examples.json: per namespace, example payloads of client and server events and example acks. */
export const ExamplesFile = z.record(
  z.string(),
  z.object({
    client: z.record(z.string(), z.object({ payload: z.unknown().optional(), ack: z.unknown().optional() })).default({}),
    server: z.record(z.string(), z.object({ payload: z.unknown() })).default({}),
  }),
);
export type Examples = z.output<typeof ExamplesFile>;

export type JsonSchema = Record<string, unknown>;
export type AsyncApiDocument = Record<string, unknown> & {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> } & JsonSchema>;
  operations: Record<string, JsonSchema>;
  components: { schemas: Record<string, JsonSchema>; messages: Record<string, JsonSchema & { name: string }> };
};

const COMPONENT = "#/components/schemas/";
/** Notes for shared field schemas whose real rule (after trimming) JSON Schema cannot say. */
const NOTES = new Map<unknown, string>([
  [MessageText, "1–2000 characters after trimming"],
  [UserName, "1–32 characters after trimming, no control characters"],
  [ClientId, "your idempotency key: a retry with the same clientId stores nothing new"],
]);

/** Strips what only adds noise (the $schema tag, ±MAX_SAFE_INTEGER bounds) and points refs at components. */
function tidy(node: unknown, outbound: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, outbound));
  if (!node || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "definitions" || key === "$id") continue;
    if ((key === "minimum" && value === -Number.MAX_SAFE_INTEGER) || (key === "maximum" && value === Number.MAX_SAFE_INTEGER)) continue;
    // What the server sends may gain fields (PROTOCOL.md: additions are allowed); what it accepts is strict.
    if (outbound && key === "additionalProperties" && value === false) continue;
    if (key === "$ref" && typeof value === "string") out.$ref = value.replace(/^#\/definitions\//, COMPONENT);
    else out[key] = tidy(value, outbound);
  }
  return out;
}

/** JSON Schema of a zod schema; `input` for what clients send, `output` for what the server sends. */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  if (schema === Empty) return { type: "object", properties: {}, additionalProperties: false, description: "{} or nothing" };
  const raw = z.toJSONSchema(schema, {
    io,
    target: "draft-7",
    unrepresentable: "any",
    metadata: models,
    override(ctx) {
      const note = NOTES.get(ctx.zodSchema);
      if (note) ctx.jsonSchema.description = note;
    },
  });
  return tidy(raw, io === "output") as JsonSchema;
}

/** Every documented model, as `components.schemas`. */
function modelSchemas(): Record<string, JsonSchema> {
  const all = z.toJSONSchema(models, { io: "output", target: "draft-7", metadata: models, uri: (id) => `${COMPONENT}${id}` });
  return Object.fromEntries(Object.entries(all.schemas).map(([id, s]) => [id, tidy(s, true) as JsonSchema]));
}

/** The `{ ok: true, data } | { ok: false, error }` envelope every ack has. */
function ackEnvelope(data: JsonSchema): JsonSchema {
  return {
    oneOf: [
      { type: "object", properties: { ok: { const: true }, data }, required: ["ok", "data"] },
      { type: "object", properties: { ok: { const: false }, error: { $ref: `${COMPONENT}AckError` } }, required: ["ok", "error"] },
    ],
  };
}

/** A component key for an event name (AsyncAPI keys allow only `[A-Za-z0-9._-]`). */
export const messageKey = (event: string) => event.replace(/[^A-Za-z0-9._-]/g, "_");
const channelKey = (namespace: string) => messageKey(namespace.replace(/^\//, "")) || "root";

export interface BuildOptions {
  title?: string;
  version?: string;
  description?: string;
  examples?: Examples;
}

/**
 * Builds the AsyncAPI 3 document for `namespaces`.
 *
 * @example
 * const doc = buildAsyncApi([{ namespace: "/system", contract: systemContract }]);
 * Object.keys(doc.channels); // ["system"]
 */
export function buildAsyncApi(namespaces: readonly NamespaceDoc[], opts: BuildOptions = {}): AsyncApiDocument {
  void AckErrorModel; // registered in `models`; imported so the component always exists
  const channels: AsyncApiDocument["channels"] = {};
  const operations: AsyncApiDocument["operations"] = {};
  const messages: AsyncApiDocument["components"]["messages"] = {};

  for (const ns of namespaces) {
    const ch = channelKey(ns.namespace);
    const chRef = { $ref: `#/channels/${ch}` };
    const examples = opts.examples?.[ns.namespace];
    const channelMessages: Record<string, { $ref: string }> = {};
    const addMessage = (key: string, message: JsonSchema & { name: string }) => {
      messages[`${ch}.${key}`] = message;
      channelMessages[key] = { $ref: `#/components/messages/${ch}.${key}` };
      return { $ref: `#/channels/${ch}/messages/${key}` };
    };

    for (const [event, spec] of Object.entries(ns.contract.client)) {
      const example = examples?.client[event];
      const key = `client.${messageKey(event)}`;
      const request = addMessage(key, {
        name: event,
        title: event,
        summary: spec.summary,
        payload: toJsonSchema(spec.payload, "input"),
        ...(example && "payload" in example ? { examples: [{ name: "example", payload: example.payload }] } : {}),
      });
      const operation: JsonSchema = { action: "receive", channel: chRef, title: event, summary: spec.summary, messages: [request] };
      if (spec.ack) {
        const reply = addMessage(`${key}.ack`, {
          name: `${event} ack`,
          title: `${event} ack`,
          summary: `The ack of ${event}: { ok: true, data } or { ok: false, error }.`,
          payload: ackEnvelope(toJsonSchema(spec.ack, "output")),
          ...(example?.ack !== undefined ? { examples: [{ name: "example", payload: example.ack }] } : {}),
        });
        operation.reply = { channel: chRef, messages: [reply] };
      }
      operations[`${ch}.${key}`] = operation;
    }

    for (const [event, doc] of Object.entries(ns.contract.server)) {
      const example = examples?.server[event];
      const key = `server.${messageKey(event)}`;
      const message = addMessage(key, {
        name: event,
        title: event,
        summary: doc.summary,
        payload: toJsonSchema(doc.payload, "output"),
        ...(example ? { examples: [{ name: "example", payload: example.payload }] } : {}),
      });
      operations[`${ch}.${key}`] = { action: "send", channel: chRef, title: event, summary: doc.summary, messages: [message] };
    }

    channels[ch] = {
      address: ns.namespace,
      title: ns.namespace,
      description: [
        ns.description,
        ns.auth ? "Needs a session token: POST /api/session, then connect with auth: { token }." : "Open: no token needed.",
      ]
        .filter(Boolean)
        .join(" "),
      messages: channelMessages,
      "x-parlor-auth": ns.auth ?? false,
    };
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: opts.title ?? "Parlor",
      version: opts.version ?? "1.0.0",
      description:
        opts.description ??
        "Parlor's Socket.IO v4 protocol. Each channel is a Socket.IO namespace and each message a Socket.IO event with one JSON payload; " +
          "a client event with a reply takes an ack callback as its last argument, called once with { ok: true, data } or { ok: false, error }.",
    },
    defaultContentType: "application/json",
    channels,
    operations,
    components: { schemas: modelSchemas(), messages },
  };
}
