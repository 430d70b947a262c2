import type { SearchResult } from "../../../server/protocol";
import { emitAck, okData, setup, type ChatSocket, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("message:search finds messages in the user's rooms with a snippet", async () => {
  const { socket } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  okData(await emitAck(socket, "message:send", { room: "lobby", text: "the quick brown fox" }));
  okData(await emitAck(socket, "message:send", { room: "lobby", text: "lazy dog" }));
  const { results } = okData(await emitAck(socket, "message:search", { q: "fox" }));
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({
    message: { text: "the quick brown fox", room: "lobby" },
    score: expect.any(Number),
    snippet: expect.stringContaining("[fox]"),
  });
});

test("message:search in a room one is not in is FORBIDDEN; an empty query is BAD_REQUEST", async () => {
  const { socket } = await t.connectUser("Ada");
  expect(await emitAck(socket, "message:search", { q: "x", room: "secret" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  expect(await emitAck(socket, "message:search", { q: "  " })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "q" } },
  });
});

describe("ranking, syntax and scope", () => {
  const unlimited = { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } };
  let u: TestServer;
  beforeEach(async () => (u = await setup(unlimited)));
  afterEach(() => u.cleanup());

  async function roomWith(socket: ChatSocket, room: string, texts: string[]) {
    okData(await emitAck(socket, "room:join", { room }));
    for (const text of texts) okData(await emitAck(socket, "message:send", { room, text }));
  }
  const texts = (results: SearchResult[]) => results.map((r) => r.message.text);
  const search = async (socket: ChatSocket, payload: Record<string, unknown>): Promise<SearchResult[]> =>
    okData(await emitAck(socket, "message:search", payload)).results;

  test("a message matching more of the terms ranks higher; scores descend; snippets mark every match", async () => {
    const { socket } = await u.connectUser("Ada");
    const filler = Array.from({ length: 12 }, (_, i) => `filler message number ${i}`);
    await roomWith(socket, "lobby", ["apple", "apple banana cherry", ...filler, "apple banana"]);
    const results = await search(socket, { q: "apple OR banana OR cherry" });
    expect(texts(results)).toEqual(["apple banana cherry", "apple banana", "apple"]);
    const scores = results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(results[0].snippet).toBe("[apple] [banana] [cherry]");
  });

  test("prefix queries, exact phrases and punctuation in ordinary words", async () => {
    const { socket } = await u.connectUser("Ada");
    await roomWith(socket, "lobby", [
      "hello there",
      "help wanted",
      "a shell script",
      "don't panic",
      "I write C++",
      "send me an e-mail",
      "the exact phrase",
      "phrase the exact",
    ]);
    expect(texts(await search(socket, { q: "hel*" })).sort()).toEqual(["hello there", "help wanted"]);
    expect(texts(await search(socket, { q: "don't" }))).toEqual(["don't panic"]);
    expect(texts(await search(socket, { q: "C++" }))).toEqual(["I write C++"]);
    expect(texts(await search(socket, { q: "e-mail" }))).toEqual(["send me an e-mail"]);
    expect(texts(await search(socket, { q: '"exact phrase"' }))).toEqual(["the exact phrase"]);
    expect(texts(await search(socket, { q: "exact phrase" })).sort()).toEqual(["phrase the exact", "the exact phrase"]);
    expect(texts(await search(socket, { q: "hel* NOT help" }))).toEqual(["hello there"]);
    expect(await search(socket, { q: "hel*", limit: 1 })).toHaveLength(1);
  });

  test("results come only from the rooms the user is in now, or only from the named room", async () => {
    const ada = await u.connectUser("Ada");
    const bob = await u.connectUser("Bob");
    await roomWith(ada.socket, "lobby", ["secret plans in the lobby"]);
    await roomWith(ada.socket, "vault", ["secret plans in the vault"]);
    okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));

    expect(texts(await search(bob.socket, { q: "secret" }))).toEqual(["secret plans in the lobby"]);
    expect(await emitAck(bob.socket, "message:search", { q: "secret", room: "vault" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(texts(await search(ada.socket, { q: "secret", room: "vault" }))).toEqual(["secret plans in the vault"]);
    expect(texts(await search(ada.socket, { q: "secret" })).sort()).toEqual(["secret plans in the lobby", "secret plans in the vault"]);

    okData(await emitAck(ada.socket, "room:leave", { room: "vault" }));
    expect(texts(await search(ada.socket, { q: "secret" }))).toEqual(["secret plans in the lobby"]);
  });

  const hostile = [
    '"',
    "NEAR(",
    "*",
    "AND OR",
    ")",
    "^",
    "text:",
    "text:secret",
    "{text}: x",
    "secret*)",
    '"unclosed phrase',
    "NOT",
    "a".repeat(500),
    "x ".repeat(250),
    "(".repeat(250),
    "\u0000",
    "rank:1",
    "messages_fts:x",
  ];
  test.each(hostile.map((q) => [q.length > 40 ? `${q.slice(0, 12)}… (${q.length} chars)` : JSON.stringify(q), q]))(
    "hostile query %s is answered with results or BAD_REQUEST, never INTERNAL",
    async (_label, q) => {
      const { socket } = await u.connectUser("Mallory");
      await roomWith(socket, "lobby", ["secret text here"]);
      const ack = await emitAck(socket, "message:search", { q });
      if (!ack.ok) expect(ack.error).toMatchObject({ code: "BAD_REQUEST", details: { field: "q" } });
      else expect(Array.isArray(ack.data.results)).toBe(true);
    },
  );

  test("queries with no searchable word are BAD_REQUEST naming q; over 500 characters too", async () => {
    const { socket } = await u.connectUser("Ada");
    await roomWith(socket, "lobby", ["hello"]);
    for (const q of ['"', "*", "AND OR", "^", "()"]) {
      expect(await emitAck(socket, "message:search", { q })).toMatchObject({
        ok: false,
        error: { code: "BAD_REQUEST", details: { field: "q" } },
      });
    }
    expect(await emitAck(socket, "message:search", { q: "a".repeat(501) })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", details: { field: "q" } },
    });
  });
});
