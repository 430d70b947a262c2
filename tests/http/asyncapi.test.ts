/**
 * /asyncapi.json and /docs: generated from the namespace contracts, complete, with
 * every $ref resolvable, and the README's examples (docs/examples.json)
 * accepted by the schemas the server really validates with.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type AsyncApiDocument, buildAsyncApi, type NamespaceDoc } from "../../server/http/asyncapi";
import { parlorNamespaces } from "../../server/http/asyncapi-namespaces";
import { docsRouter, loadExamples } from "../../server/http/docs";
import { createExpressApp } from "../../server/http/express-app";
import { createLogger } from "../../server/logger";
import { chatHandlers } from "../../server/namespaces/chat";
import { gameHandlers } from "../../server/namespaces/game";
import { systemHandlers } from "../../server/namespaces/system";
import { clientEvent, namespaceContract, RoomJoin } from "../../server/protocol";
import { setup, type TestServer } from "../helpers";

/** What the registry serves in each namespace: the documented events must be exactly these. */
const registered: [string, { event: string }[]][] = [
  ["/chat", Object.values(chatHandlers)],
  ["/game", Object.values(gameHandlers)],
  ["/system", Object.values(systemHandlers)],
];
const examples = loadExamples()!;

describe("served by a running Parlor", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup()));
  afterAll(() => t.cleanup());

  test("GET /asyncapi.json lists every registered event of every namespace, with its ack", async () => {
    const res = await fetch(`${t.url}/asyncapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as AsyncApiDocument & { asyncapi: string; servers: { parlor: { host: string; protocol: string } } };
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.servers.parlor).toMatchObject({ host: new URL(t.url).host, protocol: "ws" });
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual(["/chat", "/game", "/system"]);

    for (const [namespace, events] of registered) {
      const received = Object.values(doc.operations)
        .filter((op) => op.action === "receive" && (op.channel as { $ref: string }).$ref === `#/channels/${namespace.slice(1)}`)
        .map((op) => op.title);
      expect(received.sort()).toEqual(events.map((e) => e.event).sort());
    }
    const join = doc.operations["chat.client.room_join"] as { reply?: unknown };
    expect(join.reply).toBeDefined();
    expect((doc.operations["chat.client.typing"] as { reply?: unknown }).reply).toBeUndefined();
    expect(doc.operations["chat.server.message_new"]).toMatchObject({ action: "send", title: "message:new" });
  });

  test("GET /docs renders every event as escaped HTML without scripts", async () => {
    const res = await fetch(`${t.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    for (const [, events] of registered) for (const { event } of events) expect(html).toContain(`<code>${event}</code>`);
    expect(html).toContain("<code>message:new</code>");
    expect(html).toContain("Message");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/ on[a-z]+=/i);
  });
});

test("every $ref in the document resolves inside it", () => {
  const doc = buildAsyncApi(parlorNamespaces, { examples });
  const refs: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object")
      for (const [k, v] of Object.entries(node)) k === "$ref" && typeof v === "string" ? refs.push(v) : walk(v);
  };
  walk(doc);
  expect(refs.length).toBeGreaterThan(50);
  for (const ref of new Set(refs)) {
    const target = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
    expect([ref, target]).toEqual([ref, expect.anything()]);
  }
});

describe("README examples (docs/examples.json)", () => {
  const docsByNamespace = new Map(parlorNamespaces.map((ns) => [ns.namespace, ns]));

  test.each(parlorNamespaces.map((ns) => [ns.namespace, ns] as const))("%s: every event has an example", (namespace, ns) => {
    const ex = examples[namespace];
    expect(Object.keys(ex.client).sort()).toEqual(Object.keys(ns.contract.client).sort());
    expect(Object.keys(ex.server).sort()).toEqual(Object.keys(ns.contract.server).sort());
  });

  const clientCases = Object.entries(examples).flatMap(([ns, ex]) =>
    Object.entries(ex.client).map(([event, e]) => [ns, event, e] as const),
  );
  test.each(clientCases)("%s %s: the payload passes the server's schema and the ack matches its type", (namespace, event, example) => {
    const ns = docsByNamespace.get(namespace)!;
    const spec = ns.contract.client[event];
    expect(spec.payload.safeParse(example.payload).error).toBeUndefined();
    const ackSchema = spec.ack;
    if (ackSchema) {
      expect(example.ack).toMatchObject({ ok: true });
      expect(ackSchema.safeParse((example.ack as { data: unknown }).data).error).toBeUndefined();
    } else expect(example.ack).toBeUndefined();
  });

  const serverCases = Object.entries(examples).flatMap(([ns, ex]) =>
    Object.entries(ex.server).map(([event, e]) => [ns, event, e] as const),
  );
  test.each(serverCases)("%s %s: the server event example matches its type", (namespace, event, example) => {
    const schema = docsByNamespace.get(namespace)!.contract.server[event].payload;
    expect(schema.safeParse(example.payload).error).toBeUndefined();
  });
});

test("a namespace given only { namespace, contract } is documented from the contract alone", () => {
  const contract = namespaceContract({ client: { "ping:me": clientEvent({ summary: "Ping.", payload: RoomJoin }) }, server: {} });
  const doc = buildAsyncApi([{ namespace: "/extra", contract }]);
  expect(doc.channels.extra.address).toBe("/extra");
  expect(doc.operations["extra.client.ping_me"]).toMatchObject({ action: "receive", title: "ping:me", summary: "Ping." });
  expect(doc.operations["extra.client.ping_me"].reply).toBeUndefined();
  expect(doc.components.messages["extra.client.ping_me"].payload).toMatchObject({ type: "object", required: ["room"] });
});

test("/docs escapes whatever the document holds", async () => {
  const evil: NamespaceDoc = {
    namespace: "/x",
    description: `<img src=x onerror="alert(1)">`,
    contract: namespaceContract({
      client: { "<script>alert(1)</script>": clientEvent({ summary: "<b>x</b>", payload: RoomJoin }) },
      server: {},
    }),
  };
  const app = createExpressApp([docsRouter([evil], undefined)], createLogger("silent", "test"));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const html = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/docs`)).text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;");
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
