/**
 * `GET /asyncapi.json`: the protocol as an AsyncAPI 3 document, generated
 * from the namespace contracts (server/protocol/). `GET /docs`: the same document as a readable page
 * (EJS, every value escaped, no script).
 */
import { Router, type Request } from "express";
import fs from "node:fs";
import path from "node:path";
import { buildAsyncApi, ExamplesFile, type AsyncApiDocument, type Examples, type JsonSchema, type NamespaceDoc } from "./asyncapi";
import { parlorNamespaces } from "./asyncapi-namespaces";
import { ROOT_DIR } from "./express-app";
import { schemaText } from "./schema-text";

export const EXAMPLES_PATH = path.join(ROOT_DIR, "docs", "examples.json");

/** docs/examples.json, validated; none when the file is missing (e.g. a trimmed deployment). */
export function loadExamples(file = EXAMPLES_PATH): Examples | undefined {
  if (!fs.existsSync(file)) return undefined;
  return ExamplesFile.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}

export interface EventView {
  name: string;
  summary: string;
  payload: string;
  /** Ack data as text, "no ack" for fire-and-forget events. */
  ack?: string;
  example?: string;
  ackExample?: string;
}

export interface DocsView {
  title: string;
  version: string;
  description: string;
  server: string;
  namespaces: { address: string; description: string; clientEvents: EventView[]; serverEvents: EventView[] }[];
  models: { name: string; description: string; text: string }[];
}

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v, null, 2));
const resolve = (doc: AsyncApiDocument, ref: unknown) => {
  const key = String((ref as { $ref?: string })?.$ref ?? "").replace("#/components/messages/", "");
  return doc.components.messages[key] as
    (JsonSchema & { name: string; summary?: string; payload?: JsonSchema; examples?: { payload?: unknown }[] }) | undefined;
};
/** The channel message a `#/channels/<ch>/messages/<key>` ref points at, through its component ref. */
const messageOf = (doc: AsyncApiDocument, ch: string, ref: unknown) => {
  const key =
    String((ref as { $ref?: string })?.$ref ?? "")
      .split("/")
      .pop() ?? "";
  return resolve(doc, doc.channels[ch]?.messages[key]);
};

/** The page's data, read back from the AsyncAPI document itself (so the page shows exactly what the JSON says). */
export function docsView(doc: AsyncApiDocument, server: string): DocsView {
  const info = doc.info as { title: string; version: string; description: string };
  const namespaces = Object.entries(doc.channels).map(([ch, channel]) => {
    const clientEvents: EventView[] = [];
    const serverEvents: EventView[] = [];
    for (const op of Object.values(doc.operations)) {
      if ((op.channel as { $ref: string }).$ref !== `#/channels/${ch}`) continue;
      const message = messageOf(doc, ch, (op.messages as unknown[])[0]);
      if (!message) continue;
      const view: EventView = {
        name: message.name,
        summary: message.summary ?? "",
        payload: schemaText(message.payload),
        example: json(message.examples?.[0]?.payload),
      };
      if (op.action === "receive") {
        const reply = op.reply as { messages: unknown[] } | undefined;
        const ack = reply ? messageOf(doc, ch, reply.messages[0]) : undefined;
        const ok = ((ack?.payload?.oneOf as JsonSchema[] | undefined)?.[0]?.properties as JsonSchema | undefined)?.data;
        view.ack = ack ? schemaText(ok) : "no ack";
        view.ackExample = json(ack?.examples?.[0]?.payload);
        clientEvents.push(view);
      } else serverEvents.push(view);
    }
    return { address: channel.address, description: String(channel.description ?? ""), clientEvents, serverEvents };
  });
  const models = Object.entries(doc.components.schemas).map(([name, schema]) => ({
    name,
    description: String(schema.description ?? ""),
    text: schemaText({ ...schema, description: undefined }),
  }));
  return { title: info.title, version: info.version, description: info.description, server, namespaces, models };
}

/** This server's address as the client used it (Host header; only ever printed, escaped). */
const serverOf = (req: Request) => ({ host: req.get("host") ?? "localhost", protocol: req.protocol === "https" ? "wss" : "ws" });

/**
 * Mounts `/asyncapi.json` and `/docs` for `namespaces`.
 *
 * @example
 * createExpressApp([docsRouter()], log);
 */
export function docsRouter(namespaces: readonly NamespaceDoc[] = parlorNamespaces, examples = loadExamples()): Router {
  // Built once: the contracts do not change while the process runs.
  const doc = buildAsyncApi(namespaces, { examples });
  const router = Router();
  router.get("/asyncapi.json", (req, res) => {
    const { host, protocol } = serverOf(req);
    res.json({
      ...doc,
      servers: { parlor: { host, protocol, pathname: "/socket.io", description: "Socket.IO v4 (WebSocket or long-polling)" } },
    });
  });
  router.get("/docs", (req, res) => {
    const { host, protocol } = serverOf(req);
    res.render("docs", docsView(doc, `${protocol === "wss" ? "https" : "http"}://${host}`));
  });
  return router;
}
